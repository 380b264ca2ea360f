// One Express benchmark server, chosen by name:
// `node bench/express-server.mjs <variant> [--keep-tick-object]`, as
// bench/server.mjs is for Fastify. It listens on a free loopback port and
// reports it to its parent over IPC. Every variant has the same realistic
// size (bench/app-size.mjs).
import './keep-tick-object.mjs'
import Ajv from 'ajv'
import express from 'express'
import { rateLimit } from 'express-rate-limit'
import createError from 'http-errors'
import { errorEnvelope, notFound } from 'error-envelope/express'
import { addExpressAppSize } from './app-size.mjs'

const [variant] = process.argv.slice(2)
const REQUEST_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
const BODY_SCHEMA = {
  type: 'object',
  required: ['name', 'email', 'age'],
  properties: { name: { type: 'string' }, email: { type: 'string' }, age: { type: 'integer' } }
}
const INVALID = '{"error":{"code":"validation_failed","message":"3 fields failed validation","type":"validation_error","param":"name","request_id":"req_4Jd8kQ2mZx7Lr1Vb9Tn3"}}'
const HOUR = 60 * 60 * 1000
const HUGE = { max: 1e9, timeWindow: '1 hour' }
const OVER = { max: 1, timeWindow: '1 hour', keyGenerator: () => 'bench' }
const ENVELOPE = '{"error":{"code":"not_found","message":"Widget w_1 not found","type":"invalid_request_error","param":"id","request_id":"req_4Jd8kQ2mZx7Lr1Vb9Tn3"}}'

// The least work that gives the envelope's bytes: one error made once,
// thrown again and again, and one body ended with its headers.
const PREBUILT = Object.assign(new Error('Widget w_1 not found'), { status: 404 })
const ENVELOPE_LENGTH = String(Buffer.byteLength(ENVELOPE))

function endEnvelope (res) {
  res.statusCode = 404
  res.setHeader('x-request-id', REQUEST_ID)
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', ENVELOPE_LENGTH)
  res.end(ENVELOPE)
}

function ok (_req, res) {
  res.json({ ok: true, id: 'w_1', name: 'Sprocket' })
}

// The same app size on both sides of a pair: the adapter's middleware is
// the only difference.
function withEnvelope (routes, options = {}) {
  return (app) => {
    const envelope = errorEnvelope(options)
    app.use(envelope.beforeRoutes())
    addExpressAppSize(app, express.json)
    routes(app, envelope)
    app.use(envelope.afterRoutes())
  }
}

function sized (routes) {
  return (app) => {
    addExpressAppSize(app, express.json)
    routes(app)
  }
}

function sendEnvelope (res) {
  res.status(404).set('x-request-id', REQUEST_ID).set('content-type', 'application/json; charset=utf-8').send(ENVELOPE)
}

const variants = {
  'express-bare-ok': sized((app) => { app.get('/ok', ok) }),
  'express-plugin-ok': withEnvelope((app) => { app.get('/ok', ok) }),
  // What mounting any middleware costs, as the control of the 2xx row: one
  // that only calls next(), where beforeRoutes() is mounted.
  'express-empty-middleware-ok': (app) => {
    app.use(function passOn (_req, _res, next) { next() })
    addExpressAppSize(app, express.json)
    app.get('/ok', ok)
  },
  'express-plugin-throw': withEnvelope((app) => { app.get('/widgets/:id', () => { throw notFound('Widget w_1 not found', { param: 'id' }) }) }),
  // Express's error path floor: an http-errors 404 thrown to an error
  // handler that sends one prebuilt body and the request id header.
  'express-floor': sized((app) => {
    app.get('/widgets/:id', () => { throw createError(404, 'Widget w_1 not found') })
    app.use(function floorHandler (_error, _req, res, _next) { sendEnvelope(res) })
  }),
  // The true floor of the error path: the prebuilt error thrown, the
  // prebuilt body ended.
  'express-true-floor': sized((app) => {
    app.get('/widgets/:id', () => { throw PREBUILT })
    app.use(function trueFloorHandler (_error, _req, res, _next) { endEnvelope(res) })
  }),
  // Express's own default handler (finalhandler's HTML page) for the same
  // thrown error; env "test" so that Express does not log each one.
  'express-finalhandler': (app) => {
    app.set('env', 'test')
    addExpressAppSize(app, express.json)
    app.get('/widgets/:id', () => { throw PREBUILT })
  },
  // The limit of the 404 and 405 rows at its least: a route ending the
  // prebuilt envelope.
  'express-true-limit': sized((app) => { app.get('/widgets/:id', (_req, res) => { endEnvelope(res) }) }),
  'express-plugin-404': withEnvelope((app) => { app.get('/ok', ok) }),
  'express-plugin-405': withEnvelope((app) => { app.get('/widgets/:id', ok) }),
  // The limit: a route answering the same envelope without throwing.
  'express-limit': sized((app) => { app.get('/widgets/:id', (_req, res) => { sendEnvelope(res) }) }),
  // schema failure: the adapter's 422 with every detail, against a route
  // that runs the same ajv check and sends a prebuilt 400.
  'express-422': withEnvelope((app, envelope) => { app.post('/items', express.json(), envelope.validate({ body: BODY_SCHEMA }), ok) }),
  'express-prebuilt-400': sized((app) => {
    const check = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: true }).compile(BODY_SCHEMA)
    app.post('/items', express.json(), (req, res, next) => {
      if (check(req.body)) { next(); return }
      res.status(400).set('content-type', 'application/json; charset=utf-8').send(INVALID)
    }, ok)
  }),
  // rate limiting: the adapter's limiter against bare express-rate-limit.
  'express-rl-ok': withEnvelope((app) => { app.get('/ok', ok) }, { rateLimit: HUGE }),
  'express-bare-rl-ok': sized((app) => { app.use(rateLimit({ windowMs: HOUR, limit: 1e9 })); app.get('/ok', ok) }),
  'express-429': withEnvelope((app) => { app.get('/ok', ok) }, { rateLimit: OVER }),
  'express-bare-429': sized((app) => { app.use(rateLimit({ windowMs: HOUR, limit: 1, keyGenerator: () => 'bench' })); app.get('/ok', ok) })
}

const setup = variants[variant]
if (setup === undefined) {
  process.stderr.write(`unknown variant ${variant}; known: ${Object.keys(variants).join(', ')}\n`)
  process.exit(2)
}
const app = express()
setup(app)
const server = app.listen(0, '127.0.0.1', () => { process.send({ port: server.address().port }) })
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send({ cpu: user + system })
  }
})
process.on('disconnect', () => { server.close(() => process.exit(0)) })
