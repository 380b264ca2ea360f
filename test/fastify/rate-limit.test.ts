import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { assertEnvelope, build } from '../helper.js'
import type { RateLimitOptions } from '../../index.js'

// @fastify/rate-limit's in-memory store reads the time with Date.now() and
// sets no timers, so a clock that only moves when told makes every window
// exact.
function fakeClock (t: Test): { tick: (ms: number) => void } {
  let now = Date.parse('2030-01-01T00:00:00Z')
  t.capture(Date, 'now', () => now)
  return { tick (ms) { now += ms } }
}

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

t.test('answers 2xx with X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset in seconds', async (t) => {
  const clock = fakeClock(t)
  const app = await limitedApp(t, { max: 3, timeWindow: '1 minute' })
  const first = await app.inject('/widgets')
  t.equal(first.statusCode, 200)
  t.same(rateHeaders(first.headers), { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': '60' })
  clock.tick(15_500)
  const second = await app.inject('/widgets')
  t.same(rateHeaders(second.headers), { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '45' })
})

t.test('answers the request past the limit 429 rate_limit_exceeded with Retry-After in whole seconds', async (t) => {
  const clock = fakeClock(t)
  const app = await limitedApp(t, { max: 2, timeWindow: 60_000 })
  await app.inject('/widgets')
  await app.inject('/widgets')
  clock.tick(20_250)
  const response = await app.inject('/widgets')
  assertEnvelope(t, response, 429, {
    code: 'rate_limit_exceeded',
    message: 'Rate limit exceeded, retry in 40 seconds',
    type: 'rate_limit_error'
  })
  t.same(rateHeaders(response.headers), {
    'x-ratelimit-limit': '2',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '40',
    'retry-after': '40'
  })
})

t.test('answers Retry-After 1, never 0, one millisecond before the window ends, and counts afresh after it', async (t) => {
  const clock = fakeClock(t)
  const app = await limitedApp(t, { max: 1, timeWindow: 60_000 })
  await app.inject('/widgets')
  clock.tick(59_999)
  const last = await app.inject('/widgets')
  assertEnvelope(t, last, 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 1 second', type: 'rate_limit_error' })
  t.equal(last.headers['retry-after'], '1')
  t.equal(last.headers['x-ratelimit-reset'], '1')
  clock.tick(1)
  const fresh = await app.inject('/widgets')
  t.equal(fresh.statusCode, 200)
  t.same(rateHeaders(fresh.headers), { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })
})

t.test('rounds a window shorter than a second up to 1 in every header', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 1, timeWindow: 250, headers: 'both' })
  await app.inject('/widgets')
  const response = await app.inject('/widgets')
  t.same(rateHeaders(response.headers), {
    'x-ratelimit-limit': '1',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '1',
    ratelimit: '"default";r=0;t=1',
    'ratelimit-policy': '"default";q=1;w=1',
    'retry-after': '1'
  })
})

t.test('sends only RateLimit and RateLimit-Policy with headers: draft', async (t) => {
  const clock = fakeClock(t)
  const app = await limitedApp(t, { max: 100, timeWindow: '1 minute', headers: 'draft' })
  for (let i = 0; i < 57; i++) await app.inject('/widgets')
  clock.tick(30_000)
  const response = await app.inject('/widgets')
  t.same(rateHeaders(response.headers), { ratelimit: '"default";r=42;t=30', 'ratelimit-policy': '"default";q=100;w=60' })
})

t.test('sends the legacy and the draft headers with headers: both, on the 429 too', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 1, timeWindow: '10s', headers: 'both' })
  await app.inject('/widgets')
  const response = await app.inject('/widgets')
  t.equal(response.statusCode, 429)
  t.same(rateHeaders(response.headers), {
    'x-ratelimit-limit': '1',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '10',
    ratelimit: '"default";r=0;t=10',
    'ratelimit-policy': '"default";q=1;w=10',
    'retry-after': '10'
  })
})

t.test('limits nothing and sends no rate-limit header unless rateLimit is given', async (t) => {
  const { app } = await build(t, { routes (app) { app.get('/widgets', async () => ({ widgets: [] })) } })
  for (let i = 0; i < 3; i++) {
    const response = await app.inject('/widgets')
    t.equal(response.statusCode, 200)
    t.same(rateHeaders(response.headers), {})
  }
})

t.test('counts a route with its own config.rateLimit apart from the global limit', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 5, headers: 'both' }, (app) => {
    app.get('/search', { config: { rateLimit: { max: 1, timeWindow: '30s' } } }, async () => ({ hits: [] }))
  })
  const search = await app.inject('/search')
  t.same(rateHeaders(search.headers), {
    'x-ratelimit-limit': '1',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '30',
    ratelimit: '"route";r=0;t=30',
    'ratelimit-policy': '"route";q=1;w=30'
  })
  const limited = await app.inject('/search')
  assertEnvelope(t, limited, 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 30 seconds', type: 'rate_limit_error' })
  const widgets = await app.inject('/widgets')
  t.equal(widgets.statusCode, 200)
  t.equal(widgets.headers['x-ratelimit-remaining'], '4', 'the global bucket was not touched by /search')
})

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

t.test('limits only the routes with their own config.rateLimit, and not the 404 answers, with global: false', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 50, global: false }, (app) => {
    app.get('/search', { config: { rateLimit: { max: 1 } } }, async () => ({ results: [] }))
  })
  for (let i = 0; i < 3; i++) {
    const free = await app.inject('/widgets')
    t.equal(free.statusCode, 200)
    t.same(rateHeaders(free.headers), {}, 'a route without its own limit is not limited')
    const unknown = await app.inject('/nowhere')
    t.equal(unknown.statusCode, 404)
    t.same(rateHeaders(unknown.headers), {}, 'the fallback is not limited')
  }
  const first = await app.inject('/search')
  t.equal(first.statusCode, 200)
  t.same(rateHeaders(first.headers), { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })
  const second = await app.inject('/search')
  assertEnvelope(t, second, 429, {
    code: 'rate_limit_exceeded',
    message: 'Rate limit exceeded, retry in 60 seconds',
    type: 'rate_limit_error'
  })
})

t.test('counts 404, 405 and 501 answers against the same key as the routes', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 4 })
  const notFound = await app.inject('/nothing-here')
  t.equal(notFound.statusCode, 404)
  t.equal(notFound.headers['x-ratelimit-remaining'], '3')
  const notAllowed = await app.inject({ method: 'DELETE', url: '/widgets' })
  t.equal(notAllowed.statusCode, 405)
  t.equal(notAllowed.headers['x-ratelimit-remaining'], '2')
  const notImplemented = await app.inject({ method: 'PROPFIND', url: '/widgets' })
  t.equal(notImplemented.statusCode, 501)
  t.equal(notImplemented.headers['x-ratelimit-remaining'], '1')
  t.equal((await app.inject('/widgets')).headers['x-ratelimit-remaining'], '0')
  const probe = await app.inject('/another-unknown-path')
  assertEnvelope(t, probe, 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' })
})

t.test('answers 403 forbidden once a key goes past max plus ban within the window', async (t) => {
  fakeClock(t)
  const app = await limitedApp(t, { max: 1, ban: 1 })
  t.equal((await app.inject('/widgets')).statusCode, 200)
  t.equal((await app.inject('/widgets')).statusCode, 429)
  const banned = await app.inject('/widgets')
  assertEnvelope(t, banned, 403, {
    code: 'forbidden',
    message: 'Too many requests past the limit; access is blocked, retry in 60 seconds',
    type: 'permission_error'
  })
  t.same(rateHeaders(banned.headers), { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60', 'retry-after': '60' })
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

t.test('keeps the rate-limit headers on an error the handler throws', async (t) => {
  const app = await limitedApp(t, { max: 2 }, (app) => {
    app.get('/broken', async () => { throw new Error('db down') })
  })
  const response = await app.inject('/broken')
  assertEnvelope(t, response, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
  t.equal(response.headers['x-ratelimit-remaining'], '1')
})
