import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { build } from '../helper.js'
import type { RateLimitOptions } from '../../index.js'

// What only Fastify has: a route's config.rateLimit: false, and the
// limiter's place among a route's own hooks. The limits both adapters share
// are proven in test/conformance/rate-limit.test.ts.

async function limitedApp (t: Test, rateLimit: RateLimitOptions, routes?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const { app } = await build(t, {
    plugin: { rateLimit },
    routes (app) {
      app.get('/widgets', async () => ({ widgets: [] }))
      routes?.(app)
    }
  })
  return app
}

function rateHeaders (headers: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy', 'retry-after']) {
    if (name in headers) picked[name] = headers[name]
  }
  return picked
}

t.test('leaves a route with config.rateLimit: false unlimited and without headers', async (t) => {
  const app = await limitedApp(t, { max: 1 }, (app) => {
    app.get('/health', { config: { rateLimit: false } }, async () => ({ ok: true }))
  })
  for (let i = 0; i < 3; i++) {
    const response = await app.inject('/health')
    t.equal(response.statusCode, 200)
    t.same(rateHeaders(response.headers), {})
  }
})

t.test('runs the limiter before the route\'s own onRequest hooks, so failed checks are counted', async (t) => {
  const deny = async (): Promise<never> => { throw Object.assign(new Error('no key'), { statusCode: 401 }) }
  const app = await limitedApp(t, { max: 1 }, (app) => {
    app.get('/one', { onRequest: deny }, async () => 'never')
    app.get('/many', { onRequest: [deny, deny] }, async () => 'never')
  })
  t.equal((await app.inject('/one')).statusCode, 401)
  t.equal((await app.inject('/one')).statusCode, 429)
  t.equal((await app.inject('/many')).statusCode, 429)
})
