// One Express benchmark server, chosen by name:
// `node bench/express-server.mjs <variant> [--default-next-tick]`, as
// bench/server.mjs is for Fastify. It listens on a free loopback port and
// reports it to its parent over IPC.
import './keep-tick-object.mjs'
import express from 'express'
import createError from 'http-errors'
import { errorEnvelope, notFound } from 'error-envelope/express'

const [variant] = process.argv.slice(2)
const REQUEST_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
const ENVELOPE = '{"error":{"code":"not_found","message":"Widget w_1 not found","type":"invalid_request_error","param":"id","request_id":"req_4Jd8kQ2mZx7Lr1Vb9Tn3"}}'

function ok (_req, res) {
  res.json({ ok: true, id: 'w_1', name: 'Sprocket' })
}

// The same app size on both sides of a pair: the adapter's middleware is
// the only difference.
function withEnvelope (routes) {
  return (app) => {
    const envelope = errorEnvelope()
    app.use(envelope.beforeRoutes())
    routes(app)
    app.use(envelope.afterRoutes())
  }
}

function sendEnvelope (res) {
  res.status(404).set('x-request-id', REQUEST_ID).set('content-type', 'application/json; charset=utf-8').send(ENVELOPE)
}

const variants = {
  'express-bare-ok': (app) => { app.get('/ok', ok) },
  'express-plugin-ok': withEnvelope((app) => { app.get('/ok', ok) }),
  'express-plugin-throw': withEnvelope((app) => { app.get('/widgets/:id', () => { throw notFound('Widget w_1 not found', { param: 'id' }) }) }),
  // Express's error path floor: an http-errors 404 thrown to an error
  // handler that sends one prebuilt body and the request id header.
  'express-floor': (app) => {
    app.get('/widgets/:id', () => { throw createError(404, 'Widget w_1 not found') })
    app.use(function floorHandler (_error, _req, res, _next) { sendEnvelope(res) })
  },
  'express-plugin-404': withEnvelope((app) => { app.get('/ok', ok) }),
  'express-plugin-405': withEnvelope((app) => { app.get('/widgets/:id', ok) }),
  // The limit: a route answering the same envelope without throwing.
  'express-limit': (app) => { app.get('/widgets/:id', (_req, res) => { sendEnvelope(res) }) }
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
