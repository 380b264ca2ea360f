import t from 'tap'
import { assertEnvelope, build } from '../helper.js'

// Every way of reaching one route counts in one bucket: a client that
// alternates GET and HEAD, or spells the path another way, gets the route's
// limit, not a multiple of it. What Fastify's router counts as one route is
// here; a HEAD in its GET's bucket, on both adapters, is in
// test/conformance/rate-limit.test.ts.

const limited = { message: 'Rate limit exceeded, retry in 60 seconds', code: 'rate_limit_exceeded', type: 'rate_limit_error' }

t.test('counts percent-encoded spellings of a route\'s path in the route\'s bucket', async (t) => {
  const { app } = await build(t, {
    plugin: { rateLimit: { max: 100 } },
    routes (app) {
      app.get('/files/:name', { config: { rateLimit: { max: 2 } } }, async (request) => ({ name: (request.params as { name: string }).name }))
    }
  })
  t.equal((await app.inject('/files/a b')).statusCode, 200)
  t.equal((await app.inject('/files/a%20b')).statusCode, 200)
  assertEnvelope(t, await app.inject('/fil%65s/a%20b'), 429, limited)
})

t.test('counts the spellings the router treats as one route (case, trailing slash) in its bucket', async (t) => {
  const { app } = await build(t, {
    server: { routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } },
    plugin: { rateLimit: { max: 100 } },
    routes (app) {
      app.get('/Reports', { config: { rateLimit: { max: 2 } } }, async () => ({ reports: [] }))
    }
  })
  t.equal((await app.inject('/reports')).statusCode, 200)
  t.equal((await app.inject({ method: 'HEAD', url: '/REPORTS/' })).statusCode, 200)
  assertEnvelope(t, await app.inject('/Reports/'), 429, limited)
})

t.test('keeps an explicit HEAD route of its own limit in the bucket of the GET beside it', async (t) => {
  const { app } = await build(t, {
    plugin: { rateLimit: { max: 100 } },
    routes (app) {
      const config = { rateLimit: { max: 2 } }
      app.head('/feed', { config }, async (_request, reply) => { await reply.header('x-items', '0').send() })
      app.get('/feed', { config }, async () => ({ items: [] }))
    }
  })
  t.equal((await app.inject({ method: 'HEAD', url: '/feed' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/feed' })).statusCode, 200)
  assertEnvelope(t, await app.inject({ method: 'GET', url: '/feed' }), 429, limited)
})
