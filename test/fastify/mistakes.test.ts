import t from 'tap'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import { assertEnvelope, build } from '../helper.js'
import errorEnvelope, { MisuseError } from '../../index.js'
import { routesOf } from '../../lib/fastify/mistakes.js'

const TWICE = 'error-envelope is registered twice on this server; register it once, at the root, before the routes'
const REPLACED = 'error-envelope\'s error handler was replaced by a later setErrorHandler() on the same instance, so errors leave in that handler\'s shape: remove that call, or make it in a child plugin (app.register(async (child) => { child.setErrorHandler(...) })) for the routes that need it'

t.test('refuses a second registration, at the root or in a child, with a message that says what to do', async (t) => {
  const root = Fastify()
  t.teardown(() => root.close().catch(() => {}))
  await root.register(errorEnvelope)
  await t.rejects(root.register(errorEnvelope).ready(), new MisuseError('ERR_ENVELOPE_REGISTERED_TWICE', TWICE))
  const child = Fastify()
  t.teardown(() => child.close().catch(() => {}))
  await child.register(errorEnvelope)
  await t.rejects(child.register(async (scope) => { await scope.register(errorEnvelope) }).ready(), new MisuseError('ERR_ENVELOPE_REGISTERED_TWICE', TWICE))
})

t.test('warns once at ready when setErrorHandler replaces the envelope\'s handler on the same instance', async (t) => {
  const { logs } = await build(t, { routes (app) { app.setErrorHandler((_error, _request, reply) => { reply.send('mine') }) } })
  t.same(logs.filter((line) => line.msg === REPLACED).map((line) => line.level), [40])
})

t.test('does not warn for an error handler set in a child plugin', async (t) => {
  const { logs } = await build(t, {
    routes (app) { app.register(async (child) => { child.setErrorHandler((_error, _request, reply) => { reply.send('mine') }) }) }
  })
  t.same(logs.filter((line) => line.msg === REPLACED), [])
})

const EARLY = (routes: string): string => `error-envelope was registered after these routes were added, so it cannot answer for them in full: ${routes}. A route added before the plugin loaded answers its errors in Fastify's shape, with a 5xx's real message; one added after a register() that was not awaited answers with the envelope, but no rate limit counts its requests and the OpenAPI document lists none of its error responses. Register the plugin before the routes, and await it: await app.register(errorEnvelope)`

t.test('warns once at ready, naming the routes added before the plugin, in a child or after a register() not awaited', async (t) => {
  const { logs } = await build(t, {
    before (app) {
      app.get('/early', async () => 'early')
      app.route({ method: ['PUT', 'PATCH'], url: '/widgets/:id/parts/*', handler: async () => 'parts' })
      app.register(async (child) => { child.post('/child/notes', async () => 'note') })
    }
  })
  t.same(logs.filter((line) => line.msg?.startsWith('error-envelope was registered after')).map((line) => [line.level, line.msg]),
    [[40, EARLY('GET /early, PUT /widgets/:id/parts/*, PATCH /widgets/:id/parts/*, POST /child/notes')]])

  const app = Fastify()
  const lines: string[] = []
  app.log.warn = ((_bindings: unknown, msg: string) => { lines.push(msg) }) as never
  t.teardown(() => app.close())
  app.register(errorEnvelope)
  app.get('/not-awaited', async () => 'late')
  await app.ready()
  t.same(lines, [EARLY('GET /not-awaited')])
})

t.test('a route added before the plugin answers in Fastify\'s shape with a 5xx\'s real message, as the warning says', async (t) => {
  const { app } = await build(t, { before (early) { early.get('/early', async () => { throw new Error('db password is hunter2') }) } })
  const response = await app.inject('/early')
  t.equal(response.statusCode, 500)
  t.same(response.json(), { statusCode: 500, error: 'Internal Server Error', message: 'db password is hunter2' })
})

t.test('a route added after a register() not awaited answers with the masked envelope, but is not rate-limited nor documented, as the warning says', async (t) => {
  const app = Fastify()
  const lines: string[] = []
  app.log.warn = ((_bindings: unknown, msg: string) => { lines.push(msg) }) as never
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
  app.register(errorEnvelope, { rateLimit: { max: 1, timeWindow: 60_000 } })
  app.get('/not-awaited/:id', async () => { throw new Error('db password is hunter2') })
  app.after(() => { app.get('/late/:id', async () => { throw new Error('db password is hunter2') }) })
  await app.ready()
  t.same(lines, [EARLY('GET /not-awaited/:id')])

  const masked = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
  assertEnvelope(t, await app.inject('/not-awaited/1'), 500, masked)
  assertEnvelope(t, await app.inject('/not-awaited/1'), 500, masked)
  assertEnvelope(t, await app.inject('/late/1'), 500, masked)
  assertEnvelope(t, await app.inject('/late/1'), 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' })

  const paths = (app.swagger() as { paths: Record<string, { get: { responses: Record<string, unknown> } }> }).paths
  t.same(Object.keys(paths['/late/{id}'].get.responses).sort(), ['200', '404', '405', '429', '500', '503'])
  t.same(Object.keys(paths['/not-awaited/{id}'].get.responses), ['200'])
})

t.test('does not warn when every route comes after the plugin', async (t) => {
  const { logs } = await build(t, { routes (app) { app.get('/late', async () => 'late') } })
  t.same(logs.filter((line) => line.msg?.startsWith('error-envelope was registered after')), [])
})

t.test('names at most 20 routes', async (t) => {
  const { logs } = await build(t, { before (app) { for (let i = 0; i < 25; i++) app.get(`/r${String(i).padStart(2, '0')}`, async () => i) } })
  const [line] = logs.filter((line) => line.msg?.startsWith('error-envelope was registered after'))
  t.match(line.msg, /GET \/r19, and 5 more\. A route added before/)
  t.notMatch(line.msg, /\/r20/)
})

t.test('reads the routes of the router\'s tree, with constraints and without the HEAD twin of a GET', async (t) => {
  t.same(routesOf('└── / (GET, HEAD)\n    ├── widgets (POST)\n    │   └── /:id (DELETE) {"version":"1.2.0"}\n    └── files/\n        └── * (HEAD)\n'),
    ['GET /', 'POST /widgets', 'DELETE /widgets/:id', 'HEAD /files/*'])
  t.same(routesOf('(empty tree)\n'), [])
})

t.test('refuses the default export used as Express middleware, pointing to the Express entry', async (t) => {
  const plugin = errorEnvelope as unknown as (req: unknown, res: unknown, next: unknown) => Promise<void>
  await t.rejects(plugin({ method: 'GET' }, {}, () => {}), {
    code: 'ERR_ENVELOPE_NOT_FASTIFY',
    message: 'error-envelope: the default export of \'error-envelope\' is the Fastify plugin, to register with app.register(errorEnvelope); on Express, import { errorEnvelope } from \'error-envelope/express\' and mount envelope.beforeRoutes() and envelope.afterRoutes()'
  })
})
