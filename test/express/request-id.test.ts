import t from 'tap'
import express from 'express'
import pino from 'pino'
import { pinoHttp } from 'pino-http'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { waitFor, type LogLine } from '../helper.js'
import { assertFetched, buildExpress } from './helper.js'
import { errorEnvelope, getLogger, getRequestId, MisuseError, notFound } from '../../express.js'

// What only Express has: getRequestId() and getLogger(), pino-http beside
// the adapter, a request that skipped beforeRoutes(). The request id both
// adapters share is proven in test/conformance/request-id.test.ts.

function capture (): { logs: LogLine[], logger: pino.Logger } {
  const logs: LogLine[] = []
  const stream = new Writable({ write (chunk, _e, done) { for (const l of chunk.toString().split('\n')) if (l !== '') logs.push(JSON.parse(l)); done() } })
  return { logs, logger: pino({ level: 'info' }, stream) }
}

async function serve (t: Parameters<Parameters<typeof t.test>[1]>[0], app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('gives req.id and req.log, echoes the id on a 2xx, and logs with request_id', async (t) => {
  const { app, logs, listen } = buildExpress(t)
  app.get('/ok', (req, res) => {
    getLogger(req).info('handling')
    t.equal(getLogger(req), (req as unknown as { log: unknown }).log, 'getLogger() is req.log, typed')
    res.json({ id: getRequestId(req), own: (req as unknown as { id: unknown }).id })
  })
  const base = await listen()
  const response = await fetch(base + '/ok', { headers: { 'x-request-id': 'trace-7' } })
  t.equal(response.headers.get('x-request-id'), 'trace-7')
  t.same(await response.json(), { id: 'trace-7', own: 'trace-7' })
  t.same(logs.filter((line) => line.msg === 'handling').map((line) => line.request_id), ['trace-7'])
})

for (const order of ['before', 'after'] as const) {
  t.test(`shares the request id with pino-http mounted ${order} beforeRoutes()`, async (t) => {
    const { logs, logger } = capture()
    const app = express()
    const envelope = errorEnvelope({ logger })
    const http = pinoHttp({ logger, genReqId: envelope.genReqId, quietReqLogger: true, customAttributeKeys: { reqId: 'request_id' } })
    if (order === 'before') app.use(http)
    app.use(envelope.beforeRoutes())
    if (order === 'after') app.use(http)
    app.get('/missing', (req) => {
      t.equal(getRequestId(req), 'shared-1')
      t.equal(getLogger(req), req.log, 'pino-http\'s logger, typed by pino-http')
      throw notFound('Widget w_9 not found')
    })
    app.use(envelope.afterRoutes())
    const base = await serve(t, app)
    const response = await fetch(base + '/missing', { headers: { 'x-request-id': 'shared-1' } })
    await assertFetched(t, response, 404, { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error' })
    t.ok(await waitFor(() => logs.some((line) => line.msg === 'request completed' && line.request_id === 'shared-1')), 'pino-http has written its line')
    t.equal(response.headers.get('x-request-id'), 'shared-1')
    t.ok(logs.some((line) => line.msg === 'request completed' && line.request_id === 'shared-1'), 'pino-http\'s line carries the id')
    t.equal(logs.filter((line) => line.code === 'not_found' && line.request_id === 'shared-1').length, 1, 'the error line carries it, once')
  })
}

t.test('answers and gives a silent req.log with logger: false', async (t) => {
  const app = express()
  const envelope = errorEnvelope({ logger: false })
  app.use(envelope.beforeRoutes())
  app.get('/missing', (req) => { getLogger(req).child({ part: 'db' }).info('nobody hears this'); throw notFound('Widget w_9 not found') })
  app.use(envelope.afterRoutes())
  const base = await serve(t, app)
  await assertFetched(t, await fetch(base + '/missing'), 404, { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error' })
})

t.test('answers a request that skipped beforeRoutes() with an id of its own, the same in header and body', async (t) => {
  const app = express()
  const envelope = errorEnvelope()
  app.get('/early', () => { throw notFound('Early') })
  app.use(envelope.afterRoutes())
  const base = await serve(t, app)
  const response = await fetch(base + '/early', { headers: { 'x-request-id': 'early-1' } })
  await assertFetched(t, response, 404, { code: 'not_found', message: 'Early', type: 'invalid_request_error' })
  t.equal(response.headers.get('x-request-id'), 'early-1')
})

t.test('refuses getRequestId() and getLogger() on a request that never passed beforeRoutes(), with a code', async (t) => {
  const app = express()
  const envelope = errorEnvelope()
  const thrown: unknown[] = []
  app.get('/early', (req, res) => {
    for (const read of [getRequestId, getLogger]) {
      try { read(req) } catch (error) { thrown.push(error) }
    }
    res.json({})
  })
  app.use(envelope.afterRoutes())
  const base = await serve(t, app)
  t.equal((await fetch(base + '/early')).status, 200)
  t.equal(thrown.length, 2)
  for (const error of thrown) {
    t.type(error, MisuseError)
    t.match(error, {
      name: 'TypeError',
      code: 'ERR_ENVELOPE_NO_REQUEST_CONTEXT',
      message: 'error-envelope: this request has not passed beforeRoutes(), which gives it its id and logger: mount app.use(envelope.beforeRoutes()) before the routes'
    })
  }
})
