import t from 'tap'
import express from 'express'
import pino from 'pino'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import type { LogLine } from '../helper.js'
import { errorEnvelope, MisuseError, type ExpressEnvelopeOptions } from '../../express.js'
import { assertFetched } from './helper.js'
import { AFTER_ROUTES_MISSING, RATE_LIMIT_UNCOUNTED, RATE_LIMIT_UNCOUNTED_SETUP, TWO_ENVELOPES } from '../../lib/express/mount-checks.js'

type Test = Parameters<Parameters<typeof t.test>[1]>[0]

// An app with a captured logger; the test mounts the envelope as it likes.
function logged (options: ExpressEnvelopeOptions = {}): { app: express.Express, envelope: ReturnType<typeof errorEnvelope>, logs: LogLine[] } {
  const logs: LogLine[] = []
  const stream = new Writable({ write (chunk, _e, done) { for (const l of chunk.toString().split('\n')) if (l !== '') logs.push(JSON.parse(l)); done() } })
  return { app: express(), envelope: errorEnvelope({ logger: pino({}, stream), ...options }), logs }
}

async function listen (t: Test, app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function warnings (logs: LogLine[]): string[] {
  return logs.filter((line) => line.level === 40).map((line) => line.msg)
}

const ok = (_req: express.Request, res: express.Response): void => { res.json({ ok: true }) }

t.test('says nothing of an app that mounts beforeRoutes() before the routes and afterRoutes() after them', async (t) => {
  const { app, envelope, logs } = logged()
  app.use(envelope.beforeRoutes())
  app.get('/ok', ok)
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  t.equal((await fetch(`${base}/ok`)).status, 200)
  t.equal((await fetch(`${base}/missing`)).status, 404)
  t.same(warnings(logs), [])
})

t.test('warns once, naming the routes, when afterRoutes() is mounted before routes that then answer 404', async (t) => {
  const { app, envelope, logs } = logged()
  app.use(envelope.beforeRoutes())
  app.use(envelope.afterRoutes())
  app.get('/widgets', ok)
  app.route('/orders').get(ok).post(ok)
  const base = await listen(t, app)
  t.equal((await fetch(`${base}/widgets`)).status, 404, 'the route is never reached')
  t.equal((await fetch(`${base}/orders`)).status, 404)
  t.same(warnings(logs), ['error-envelope: afterRoutes() is mounted before routes (GET /widgets, GET, POST /orders), which therefore answer 404: mount app.use(envelope.afterRoutes()) after the last route'])
})

t.test('warns when beforeRoutes() is not mounted, at the first request that reaches afterRoutes()', async (t) => {
  const { app, envelope, logs } = logged()
  app.get('/ok', ok)
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  const answered = await fetch(`${base}/ok`)
  t.equal(answered.headers.get('x-request-id'), null, 'the success carries no id')
  t.same(warnings(logs), [], 'a success never reaches the envelope')
  await assertFetched(t, await fetch(`${base}/missing`), 404, { code: 'not_found', message: 'No route for GET /missing', type: 'invalid_request_error' })
  await fetch(`${base}/missing`)
  t.same(warnings(logs), ['error-envelope: beforeRoutes() is not mounted, so answers that succeed carry no request id and req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes'], 'said once')
})

t.test('warns when beforeRoutes() is mounted after routes, naming them, and says it through process warnings without a logger', async (t) => {
  const said: string[] = []
  const listener = (warning: Error): void => { said.push(warning.message) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const app = express()
  const envelope = errorEnvelope()
  const router = express.Router()
  router.all('/any', ok)
  app.get('/health', ok)
  app.use('/api', router)
  app.use(envelope.beforeRoutes())
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  t.equal((await fetch(`${base}/missing`)).status, 404)
  await new Promise((resolve) => setImmediate(resolve))
  t.same(said, ['error-envelope: beforeRoutes() is mounted after routes (GET /health, ALL /any), whose answers carry no request id and whose req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes'])
})

t.test('names five routes and counts the rest', async (t) => {
  const { app, envelope, logs } = logged()
  for (let i = 1; i <= 7; i++) app.get(`/r${i}`, ok)
  app.use(envelope.beforeRoutes())
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  await fetch(`${base}/missing`)
  t.same(warnings(logs), ['error-envelope: beforeRoutes() is mounted after routes (GET /r1, GET /r2, GET /r3, GET /r4, GET /r5 and 2 more), whose answers carry no request id and whose req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes'])
})

t.test('refuses at setup a global rateLimit whose afterRoutes() is asked for before beforeRoutes(), with a code', async (t) => {
  const envelope = errorEnvelope({ rateLimit: { max: 2 } })
  t.same(t.throws(() => envelope.afterRoutes()), new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', RATE_LIMIT_UNCOUNTED_SETUP))
  t.equal(RATE_LIMIT_UNCOUNTED_SETUP, 'error-envelope: afterRoutes() was called before beforeRoutes(), but the rateLimit option counts in beforeRoutes(), so the limit would never count: mount app.use(envelope.beforeRoutes()) before the routes, then app.use(envelope.afterRoutes()) after them')
  t.doesNotThrow(() => errorEnvelope({ rateLimit: { max: 2, global: false } }).afterRoutes(), 'route limits count in their own middleware')
  const pieces = errorEnvelope({ rateLimit: { max: 2 } })
  pieces.requestId()
  t.throws(() => pieces.afterRoutes(), { code: 'ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED' }, 'the request id alone does not count either')
})

t.test('answers 500, and logs the coded error, for every request that reaches an envelope whose global limit is mounted after the routes', async (t) => {
  const { app, envelope, logs } = logged({ rateLimit: { max: 2 } })
  const before = envelope.beforeRoutes()
  app.get('/ok', ok)
  app.use(before)
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  for (let i = 0; i < 3; i++) {
    await assertFetched(t, await fetch(`${base}/missing`), 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
  }
  const errors = logs.filter((line) => line.level === 50)
  t.equal(errors.length, 3)
  t.same(errors.map((line) => [line.err.code, line.err.message]), Array(3).fill(['ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', RATE_LIMIT_UNCOUNTED]))
  t.equal(RATE_LIMIT_UNCOUNTED, 'error-envelope: the rateLimit option counts in beforeRoutes(), which is not mounted before the routes, so the limit would never count: mount app.use(envelope.beforeRoutes()) before the routes. Requests that reach the envelope are answered 500 until then')
  t.same(warnings(logs), [], 'an error, not a warning')
})

t.test('answers 500 when beforeRoutes() was asked for but never mounted, with a global limit', async (t) => {
  const { app, envelope, logs } = logged({ rateLimit: { max: 2 } })
  envelope.beforeRoutes()
  app.get('/ok', ok)
  app.use(envelope.afterRoutes())
  const base = await listen(t, app)
  await assertFetched(t, await fetch(`${base}/missing`), 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
  t.same(logs.filter((line) => line.level === 50).map((line) => line.err.code), ['ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED'])
})

t.test('warns when two errorEnvelope() instances are mounted in one app', async (t) => {
  const { app, envelope, logs } = logged()
  const other = errorEnvelope()
  app.use(envelope.beforeRoutes())
  app.use(other.beforeRoutes())
  app.get('/ok', ok)
  app.use(envelope.afterRoutes())
  app.use(other.afterRoutes())
  const base = await listen(t, app)
  t.equal((await fetch(`${base}/ok`)).status, 200)
  t.same(warnings(logs), [TWO_ENVELOPES])
  t.equal(TWO_ENVELOPES, 'error-envelope: two errorEnvelope() instances are mounted in this app, each with its own request ids, limits and answers: make one errorEnvelope() and mount its beforeRoutes() and afterRoutes() once')
})

t.test('checks at the error handler too, and keeps the afterRoutes() warning for an app without it', async (t) => {
  const { app, envelope, logs } = logged()
  app.get('/boom', () => { throw new Error('boom') })
  app.use(envelope.errorHandler())
  const base = await listen(t, app)
  t.equal((await fetch(`${base}/boom`)).status, 500)
  t.same(warnings(logs), ['error-envelope: beforeRoutes() is not mounted, so answers that succeed carry no request id and req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes'])
  t.equal(AFTER_ROUTES_MISSING, 'error-envelope: beforeRoutes() is mounted but afterRoutes() is not; add app.use(envelope.afterRoutes()) after the routes, or errors answer with Express\'s HTML page')
})

t.test('stops walking routers nested deeper than any app has them', async (t) => {
  const { app, envelope, logs } = logged()
  let inner = express.Router()
  inner.get('/deep', ok)
  for (let i = 0; i < 20; i++) {
    const outer = express.Router()
    outer.use(inner)
    inner = outer
  }
  app.use(envelope.beforeRoutes())
  app.use(envelope.afterRoutes())
  app.use(inner)
  const base = await listen(t, app)
  await fetch(`${base}/missing`)
  t.same(warnings(logs), [], 'the route too deep to see is not named')
})
