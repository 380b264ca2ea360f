import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build } from '../../helper.js'
import type { RateLimitOptions } from '../../../index.js'

const LIMITED = { code: 'rate_limit_exceeded', type: 'rate_limit_error' }

async function limited (t: Parameters<typeof build>[0], rateLimit: RateLimitOptions, trustProxy = false): Promise<FastifyInstance> {
  const { app } = await build(t, {
    server: { trustProxy },
    plugin: { rateLimit },
    routes (app) { app.get('/search', async () => ({ results: [] })) }
  })
  return app
}

function assertLimited (t: Parameters<typeof build>[0], response: Awaited<ReturnType<FastifyInstance['inject']>>): void {
  const body = JSON.parse(response.body)
  assertEnvelope(t, response, 429, { ...LIMITED, message: body.error.message })
  t.match(body.error.message, /^Rate limit exceeded, retry in \d+ seconds?$/)
}

t.test('keeps a client that rotates a spoofed X-Forwarded-For in one bucket when no proxy is trusted: 429 after max', async (t) => {
  const app = await limited(t, { max: 3, timeWindow: '1 minute' })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) {
    const response = await app.inject({ url: '/search', remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': `203.0.113.${i}` } })
    statuses.push(response.statusCode)
    if (response.statusCode === 429) assertLimited(t, response)
  }
  t.same(statuses, [200, 200, 200, 429, 429])
})

t.test('counts each forwarded address apart when the proxy is trusted: the documented reason to trust only real proxies', async (t) => {
  const app = await limited(t, { max: 1, timeWindow: '1 minute' }, true)
  for (let i = 0; i < 4; i++) {
    const response = await app.inject({ url: '/search', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': `203.0.113.${i}` } })
    t.equal(response.statusCode, 200, `forwarded address ${i} has a bucket of its own`)
  }
})

t.test('keeps a client that rotates IPv6 addresses within one /64 in one bucket: 429 after max', async (t) => {
  const app = await limited(t, { max: 4, timeWindow: '1 minute' })
  const statuses: number[] = []
  for (let i = 1; i <= 8; i++) {
    const response = await app.inject({ url: '/search', remoteAddress: `2001:db8:1:2:${i.toString(16)}:0:0:${i}` })
    statuses.push(response.statusCode)
    if (response.statusCode === 429) assertLimited(t, response)
  }
  t.same(statuses, [200, 200, 200, 200, 429, 429, 429, 429])
  const neighbour = await app.inject({ url: '/search', remoteAddress: '2001:db8:1:3::1' })
  t.equal(neighbour.statusCode, 200, 'the next /64 is another client')
})

t.test('falls back to the client IP when the keyGenerator throws or returns an empty key: 429 after max, never one shared bucket', async (t) => {
  let calls = 0
  const app = await limited(t, {
    max: 2,
    timeWindow: '1 minute',
    keyGenerator () {
      calls++
      if (calls % 2 === 0) throw new Error('key service down')
      return ''
    }
  })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    const response = await app.inject({ url: '/search', remoteAddress: '198.51.100.8' })
    statuses.push(response.statusCode)
    if (response.statusCode === 429) assertLimited(t, response)
  }
  t.same(statuses, [200, 200, 429, 429])
  const other = await app.inject({ url: '/search', remoteAddress: '198.51.100.9' })
  t.equal(other.statusCode, 200, 'another client is not caught in the same bucket')
})

// The store's bound is what keeps memory flat; the heap itself is measured
// over real sockets by `npm run soak` (inject() retains memory per request,
// so a heap reading here would measure the test).
t.test('keeps serving when clients bring more distinct keys than the in-memory store holds, evicting the oldest', async (t) => {
  const app = await limited(t, { max: 1, timeWindow: '1 minute', keyGenerator: (request) => request.headers['x-api-key'] as string })
  const keys = 6000 // the in-memory store keeps the 5,000 most recent keys
  for (let i = 0; i < keys; i++) {
    const response = await app.inject({ url: '/search', headers: { 'x-api-key': `key-${i}` } })
    if (response.statusCode !== 200) t.fail(`key ${i} answered ${response.statusCode}`)
  }
  const recent = await app.inject({ url: '/search', headers: { 'x-api-key': `key-${keys - 1}` } })
  assertLimited(t, recent)
  const evicted = await app.inject({ url: '/search', headers: { 'x-api-key': 'key-0' } })
  t.equal(evicted.statusCode, 200, 'the oldest key was evicted and counts afresh')
  const normal = await app.inject({ url: '/search', headers: { 'x-api-key': 'fresh' } })
  t.equal(normal.statusCode, 200, 'still serving')
})
