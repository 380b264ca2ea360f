import t, { type Test } from 'tap'
import { buildExpress } from './helper.js'
import { MisuseError, type RateLimitOptions } from '../../express.js'

// What only Express has: its router's spellings of a route, routers and
// sub-apps mounted at any depth, rateLimit() as a middleware, the limiter's
// modules loading. The limits both adapters share are proven in
// test/conformance/rate-limit.test.ts.

// express-rate-limit's in-memory store reads the time with Date.now(); a
// clock that only moves when told makes every window exact.
function fakeClock (t: Test): { tick: (ms: number) => void } {
  let now = Date.parse('2030-01-01T00:00:00Z')
  t.capture(Date, 'now', () => now)
  return { tick (ms) { now += ms } }
}

async function limitedApp (t: Test, rateLimit: RateLimitOptions, routes?: (built: ReturnType<typeof buildExpress>) => void): Promise<string> {
  const built = buildExpress(t, { rateLimit })
  built.app.get('/widgets', (_req, res) => { res.json({ widgets: [] }) })
  routes?.(built)
  return await built.listen()
}

t.test('counts percent-encoded and differently cased spellings of a route in its bucket', async (t) => {
  fakeClock(t)
  const base = await limitedApp(t, { max: 100 }, ({ app, envelope }) => {
    app.get('/files/:name', envelope.rateLimit({ max: 2 }), (req, res) => { res.json({ name: req.params.name }) })
  })
  t.equal((await fetch(`${base}/files/a%20b`)).status, 200)
  t.equal((await fetch(`${base}/FILES/a%20b/`)).status, 200)
  t.equal((await fetch(`${base}/files/%61%20b`)).status, 429)
})

t.test('refuses a wrong rateLimit option, and rateLimit() without it, at setup', async (t) => {
  t.throws(() => buildExpress(t, { rateLimit: { max: 0 } }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.max" must be a positive integer, instead got 0'))
  t.throws(() => buildExpress(t, { rateLimit: { max: 1, window: 5 } as RateLimitOptions }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION',
    'error-envelope does not know the option "rateLimit.window"; known options of rateLimit: max, timeWindow, ban, keyGenerator, headers, redis, nameSpace, storeTimeout, onStoreError, global'))
  t.throws(() => buildExpress(t, { rateLimit: { redis: { defineCommand () {} } } }), { code: 'ERR_ENVELOPE_INVALID_OPTION', message: /"rateLimit.redis" must be an ioredis client/ })
  const { envelope } = buildExpress(t)
  t.throws(() => envelope.rateLimit({ max: 1 }), new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', 'error-envelope: rateLimit() needs the rateLimit option of errorEnvelope()'))
  const limited = buildExpress(t, { rateLimit: {} })
  t.throws(() => limited.envelope.rateLimit({ max: -1 }), { code: 'ERR_ENVELOPE_INVALID_OPTION', message: /"config.rateLimit of rateLimit\(\) #1.max" must be a positive integer/ })
})

t.test('leaves the requests of a route with its own limit, in a router mounted at any depth, out of the global bucket', async (t) => {
  fakeClock(t)
  const { Router } = await import('express')
  const base = await limitedApp(t, { max: 2 }, ({ app, envelope }) => {
    const inner = Router()
    inner.get('/search', envelope.rateLimit({ max: 3 }), (_req, res) => { res.json({ hits: [] }) })
    const outer = Router()
    outer.use('/v1', inner)
    app.use('/api', outer)
  })
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/api/v1/search`)).status)
  t.same(statuses, [200, 200, 200], 'three requests in the route\'s bucket of 3, past the global 2')
  const global = await fetch(`${base}/widgets`)
  t.equal(global.headers.get('x-ratelimit-remaining'), '1', 'the global bucket counted none of them')
  t.equal((await fetch(`${base}/api/v1/search`)).status, 429)
})

t.test('leaves the requests of a route with its own limit, in a sub-app, out of the global bucket once a request has entered the sub-app', async (t) => {
  fakeClock(t)
  const { default: express } = await import('express')
  const base = await limitedApp(t, { max: 3 }, ({ app, envelope }) => {
    const shop = express()
    shop.get('/search', envelope.rateLimit({ max: 5 }), (_req, res) => { res.json({ hits: [] }) })
    app.use('/shop', shop)
  })
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${base}/shop/search`)).status)
  t.same(statuses, [200, 200, 200, 200, 200], 'five requests in the route\'s bucket of 5, past the global 3')
  const global = await fetch(`${base}/widgets`)
  t.equal(global.headers.get('x-ratelimit-remaining'), '1', 'the global bucket counted the first, which found the sub-app')
  t.equal((await fetch(`${base}/shop/search`)).status, 429)
})

t.test('walks mounted routers of any depth, and answers a path that does not decode, when routes have limits of their own', async (t) => {
  fakeClock(t)
  const { Router } = await import('express')
  const base = await limitedApp(t, { max: 100 }, ({ app, envelope }) => {
    app.get('/files/:name', envelope.rateLimit({ max: 5 }), (req, res) => { res.json({ name: req.params.name }) })
    const api = Router()
    api.get('/', (_req, res) => { res.json({ api: true }) })
    app.use('/api', api)
    // Deeper than any real app: the walk stops, and the request counts globally.
    let deep = Router()
    deep.get('/bottom', envelope.rateLimit({ max: 1 }), (_req, res) => { res.json({ deep: true }) })
    for (let i = 0; i < 20; i++) { const outer = Router(); outer.use('/d', deep); deep = outer }
    app.use('/deep', deep)
  })
  const bad = await fetch(`${base}/files/%E0%A4%A`)
  t.equal(bad.status, 400)
  t.equal(bad.headers.get('x-ratelimit-remaining'), '99', 'counted in the global bucket')
  const root = await fetch(`${base}/api`)
  t.equal(root.status, 200)
  t.equal(root.headers.get('x-ratelimit-remaining'), '98')
  t.equal((await fetch(`${base}/api/other`)).status, 404)
  const deep = await fetch(`${base}/deep${'/d'.repeat(20)}/bottom`)
  t.equal(deep.status, 200)
})

t.test('holds a request that arrives before express-rate-limit has loaded, then counts it', async (t) => {
  const { IncomingMessage, ServerResponse } = await import('node:http')
  const { Socket } = await import('node:net')
  const { errorEnvelope } = await import('../../express.js')
  const envelope = errorEnvelope({ rateLimit: { max: 5 } })
  const limited = envelope.rateLimit({ max: 2 })
  const req = new IncomingMessage(new Socket())
  Object.assign(req, { method: 'GET', url: '/search', ip: '127.0.0.1' })
  const res = new ServerResponse(req)
  // Called at once: the limiter's modules load asynchronously, so this request waits for them.
  const error = await new Promise((resolve) => { limited(req, res, resolve) })
  t.equal(error, undefined, 'passed on, counted')
  t.equal(res.getHeader('x-ratelimit-limit'), '2')
  t.equal(res.getHeader('x-ratelimit-remaining'), '1')
})
