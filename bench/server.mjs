// One benchmark server, chosen by name:
// `node bench/server.mjs <variant> [--logger] [--keep-tick-object] [--otel-sdk]`
// (`--otel-sdk`: OpenTelemetry's SDK registered and a span per request).
// It listens on a free loopback port and reports it to its parent over IPC.
// Each variant answers the same request the same way with and without the
// plugin, so that the parent can compare requests per second pair by pair;
// every variant has the same realistic size (bench/app-size.mjs).
import './keep-tick-object.mjs'
import Fastify from 'fastify'
import createError from 'http-errors'
import { addFastifyAppSize } from './app-size.mjs'
import rateLimit from '@fastify/rate-limit'
import sensible from '@fastify/sensible'
import fp from 'fastify-plugin'
import errorEnvelope, { notFound } from 'error-envelope'

const [variant, ...flags] = process.argv.slice(2)
const logger = flags.includes('--logger') ? { level: 'info', file: '/dev/null' } : false
// The request id inside ENVELOPE, for the floor that also sends it as a header.
const REQUEST_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
const ENVELOPE = '{"error":{"code":"not_found","message":"Widget w_1 not found","type":"invalid_request_error","param":"id","request_id":"req_4Jd8kQ2mZx7Lr1Vb9Tn3"}}'
const INVALID_ENVELOPE = '{"error":{"code":"validation_failed","message":"3 fields failed validation","type":"validation_error","param":"name","details":[{"field":"name","message":"must be a string"},{"field":"email","message":"must be a string"},{"field":"age","message":"must be an integer"}],"request_id":"req_4Jd8kQ2mZx7Lr1Vb9Tn3"}}'
const BODY_SCHEMA = {
  body: {
    type: 'object',
    required: ['name', 'email', 'age'],
    properties: { name: { type: 'string' }, email: { type: 'string' }, age: { type: 'integer' } }
  }
}
const OK_SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' }, id: { type: 'string' }, name: { type: 'string' } } }
const CACHED = '{"ok":true,"id":"w_1","name":"Sprocket"}'
const HUGE = { max: 1e9, timeWindow: '1 hour' }
const OVER = { max: 1, timeWindow: '1 hour', keyGenerator: () => 'bench' }

const variants = {
  // 2xx
  'bare-ok': async (app) => { await sized(app); app.get('/ok', okHandler) },
  'plugin-ok': async (app) => { await withPlugin(app); app.get('/ok', okHandler) },
  // What registering any plugin costs, as a second control.
  'empty-plugin-ok': async (app) => { await app.register(fp(async function empty () {})); await sized(app); app.get('/ok', okHandler) },
  // A 2xx through a response schema: the plugin's preSerialization hook on
  // such routes.
  'bare-schema-ok': async (app) => { await sized(app); app.get('/ok', { schema: { response: { 200: OK_SCHEMA } } }, okHandler) },
  'plugin-schema-ok': async (app) => { await withPlugin(app); app.get('/ok', { schema: { response: { 200: OK_SCHEMA } } }, okHandler) },
  // A 2xx that another plugin's onRequest hook sends before any handler
  // runs (a cache): the plugin still echoes X-Request-Id on it.
  'bare-cached-ok': async (app) => { await sized(app); await app.register(fp(cache)); app.get('/ok', okHandler) },
  'plugin-cached-ok': async (app) => { await withPlugin(app); await app.register(fp(cache)); app.get('/ok', okHandler) },
  // throw notFound()
  'plugin-throw': async (app) => {
    await withPlugin(app)
    app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
  },
  // The same without the X-Request-Id echo.
  'plugin-throw-no-echo': async (app) => {
    await withPlugin(app, { requestId: { header: false } })
    app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
  },
  // The same with the plugin's telemetry off: the pair of `plugin-throw` with
  // @opentelemetry/api absent, present alone, and with the SDK.
  'plugin-throw-telemetry-off': async (app) => {
    await withPlugin(app, { telemetry: false })
    app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
  },
  // Fastify's error path floor: one prebuilt error, one prebuilt body,
  // without the X-Request-Id header that the contract requires.
  floor: async (app) => {
    await sized(app)
    const prebuilt = Object.assign(new Error('Widget w_1 not found'), { statusCode: 404 })
    app.setErrorHandler(function floorHandler (_error, _request, reply) {
      reply.code(404).header('content-type', 'application/json; charset=utf-8').send(ENVELOPE)
    })
    app.get('/widgets/:id', async () => { throw prebuilt })
  },
  // The same floor sending X-Request-Id as well: the response of
  // `plugin-throw`, header for header.
  'floor-request-id': async (app) => {
    await sized(app)
    const prebuilt = Object.assign(new Error('Widget w_1 not found'), { statusCode: 404 })
    app.setErrorHandler(function floorHandler (_error, _request, reply) {
      reply.code(404).header('x-request-id', REQUEST_ID).header('content-type', 'application/json; charset=utf-8').send(ENVELOPE)
    })
    app.get('/widgets/:id', async () => { throw prebuilt })
  },
  // The limit: a route answering the same envelope without throwing.
  limit: async (app) => {
    await sized(app)
    app.get('/widgets/:id', async (_request, reply) => {
      reply.code(404).header('x-request-id', REQUEST_ID).header('content-type', 'application/json; charset=utf-8')
      return ENVELOPE
    })
  },
  sensible: async (app) => {
    await app.register(sensible)
    await sized(app)
    app.get('/widgets/:id', async () => { throw app.httpErrors.notFound('Widget w_1 not found') })
  },
  // unmatched URL and wrong method
  // Fastify's own not-found path, as the floor of the 404 row: its
  // not-found handler sends one prebuilt body.
  'floor-404': async (app) => {
    await sized(app)
    app.setNotFoundHandler(function floorNotFound (request, reply) {
      reply.code(404).header('x-request-id', request.id).header('content-type', 'application/json; charset=utf-8').send(ENVELOPE)
    })
    app.get('/ok', okHandler)
  },
  'plugin-404': async (app) => { await withPlugin(app); app.get('/ok', okHandler) },
  'plugin-405': async (app) => { await withPlugin(app); app.get('/widgets/:id', okHandler) },
  // schema failures
  'plugin-422': async (app) => { await withPlugin(app); app.post('/items', { schema: BODY_SCHEMA }, okHandler) },
  'bare-400': async (app) => { await sized(app); app.post('/items', { schema: BODY_SCHEMA }, okHandler) },
  // The 422 row's ceiling: Fastify's own first-error validation, then one
  // prebuilt envelope naming the three fields, with X-Request-Id.
  'floor-422': async (app) => {
    await sized(app)
    app.setErrorHandler(function floorHandler (_error, _request, reply) {
      reply.code(422).header('x-request-id', REQUEST_ID).header('content-type', 'application/json; charset=utf-8').send(INVALID_ENVELOPE)
    })
    app.post('/items', { schema: BODY_SCHEMA }, okHandler)
  },
  // A mixed load on one app: 2xx, unmatched URLs, schema failures and a
  // thrown 404, with the plugin and with Fastify's own answers.
  'plugin-mixed': async (app) => {
    await withPlugin(app)
    mixedRoutes(app, () => notFound('Widget w_1 not found', { param: 'id' }))
  },
  'bare-mixed': async (app) => {
    await sized(app)
    mixedRoutes(app, () => createError(404, 'Widget w_1 not found'))
  },
  // rate limiting
  'plugin-429': async (app) => { await withPlugin(app, { rateLimit: OVER }); app.get('/ok', okHandler) },
  'bare-429': async (app) => { await app.register(rateLimit, OVER); await sized(app); app.get('/ok', okHandler) },
  'plugin-rl-ok': async (app) => { await withPlugin(app, { rateLimit: HUGE }); app.get('/ok', okHandler) },
  'bare-rl-ok': async (app) => { await app.register(rateLimit, HUGE); await sized(app); app.get('/ok', okHandler) },
  // Redis: the limiter's store against one GET of a bare route (REDIS_PORT).
  'plugin-redis-ok': async (app) => {
    const redis = await connectRedis(app)
    await withPlugin(app, { rateLimit: { ...HUGE, redis } })
    app.get('/ok', okHandler)
  },
  'bare-redis-get': async (app) => {
    const redis = await connectRedis(app)
    await sized(app)
    app.get('/ok', async () => { await redis.get('bench'); return okHandler() })
  }
}

// The plugin, then the app's size: the routes and plugins of a real API.
async function withPlugin (app, options) {
  await app.register(errorEnvelope, options)
  await addFastifyAppSize(app)
}

async function sized (app) {
  await addFastifyAppSize(app)
}

function mixedRoutes (app, notFoundError) {
  app.get('/ok', okHandler)
  app.post('/items', { schema: BODY_SCHEMA }, okHandler)
  app.get('/widgets/:id', async () => { throw notFoundError() })
}

// A cache answering GET /ok from an onRequest hook.
async function cache (instance) {
  instance.addHook('onRequest', function answerFromCache (request, reply, done) {
    if (request.url === '/ok') {
      reply.header('content-type', 'application/json; charset=utf-8').send(CACHED)
      return
    }
    done()
  })
}

async function connectRedis (app) {
  const { Redis } = await import('ioredis')
  const redis = new Redis({ port: Number(process.env.REDIS_PORT), host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: true })
  await redis.connect()
  app.addHook('onClose', async () => { redis.disconnect() })
  return redis
}

async function okHandler () {
  return { ok: true, id: 'w_1', name: 'Sprocket' }
}

const setup = variants[variant]
if (setup === undefined) {
  process.stderr.write(`unknown variant ${variant}; known: ${Object.keys(variants).join(', ')}\n`)
  process.exit(2)
}
// Loaded only when asked: the other servers may run without @opentelemetry/*.
const otelSdk = flags.includes('--otel-sdk') ? await import('./otel-sdk.mjs') : undefined
otelSdk?.registerOtelSdk()
const app = Fastify({ logger })
await setup(app)
await app.listen({ port: 0, host: '127.0.0.1' })
otelSdk?.spanPerRequest(app.server)
process.send({ port: app.server.address().port })
// CPU time the server spent, for a cost per request that the other processes
// on the machine disturb far less than they disturb requests per second.
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send({ cpu: user + system })
  }
})
process.on('disconnect', () => { app.close().then(() => process.exit(0)) })
