import t, { type Test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import { badRequest, errorEnvelope } from '../../express.js'
import { reportExpressAnswer } from '../../lib/express/telemetry.js'
import { normalizeExpressOptions } from '../../lib/express/options.js'
import { loadTelemetry } from '../../lib/core/telemetry.js'
import { contractErrors, type LogLine } from '../helper.js'
import { finishedSpans, freshMetrics, pointsOf, registerTracing, tracerProvider } from '../fixtures/otel.js'
import { MisuseError } from '../../lib/core/misuse.js'

// With @opentelemetry/instrumentation-http and -express, as an app sets them
// up: the instrumentations patch `http` and `express` when they are
// required, so express is required after registerInstrumentations(). The
// plugin marks the span active in the error handler: the HTTP server span.

registerTracing()
registerInstrumentations({ tracerProvider, instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] })
const express = createRequire(import.meta.url)('express') as typeof import('express')

async function start (t: Test): Promise<{ base: string, logs: LogLine[] }> {
  const logs: LogLine[] = []
  const stream = new Writable({
    write (chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line))
      done()
    }
  })
  const envelope = errorEnvelope({ logger: pino({ level: 'info' }, stream) })
  await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
  const app = express()
  app.use(envelope.beforeRoutes())
  app.use(express.json())
  app.get('/widgets/:id', () => { throw badRequest('Widget id is too short', { param: 'id' }) })
  app.get('/crash', () => { throw new Error('db at 10.0.0.7 refused password=hunter2') })
  app.post('/users', envelope.validate({ body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }), (req, res) => { res.json({ ok: true }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  finishedSpans()
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs }
}

// The HTTP server span of the request, once it ended.
async function serverSpan (): Promise<ReturnType<typeof finishedSpans>[number]> {
  for (let i = 0; i < 100; i++) {
    const spans = spanExporterSpans().filter((span) => span.kind === SpanKind.SERVER)
    if (spans.length > 0) return spans[0]
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('no server span')
}

let kept: ReturnType<typeof finishedSpans> = []
function spanExporterSpans (): ReturnType<typeof finishedSpans> {
  kept = [...kept, ...finishedSpans()]
  return kept
}

async function fetched (t: Test, base: string, path: string, init: RequestInit, status: number, error: Record<string, unknown>): Promise<{ body: any, span: ReturnType<typeof finishedSpans>[number] }> {
  kept = []
  const response = await fetch(base + path, init)
  const body = await response.json()
  t.equal(response.status, status)
  t.same(contractErrors(body), [])
  t.same(body, { error: { ...error, request_id: response.headers.get('x-request-id') } })
  return { body, span: await serverSpan() }
}

async function lineOf (logs: LogLine[], id: string): Promise<LogLine | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = logs.find((entry) => entry.request_id === id && typeof entry.code === 'string')
    if (line !== undefined) return line
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return undefined
}

t.test('the HTTP server span gets error.type and the status code; only a 5xx gets Error and an exception event', async (t) => {
  const reader = freshMetrics(t)
  const { base, logs } = await start(t)

  const client = await fetched(t, base, '/widgets/w', {}, 400, { code: 'bad_request', message: 'Widget id is too short', type: 'invalid_request_error', param: 'id' })
  t.match(client.span.attributes, { 'error.type': 'bad_request', 'http.response.status_code': 400, 'http.route': '/widgets/:id' })
  t.same(client.span.status, { code: SpanStatusCode.UNSET }, 'a 4xx leaves the server span\'s status unset')
  t.same(client.span.events, [])
  t.match(await lineOf(logs, client.body.error.request_id), { code: 'bad_request', trace_id: client.span.spanContext().traceId })

  const server = await fetched(t, base, '/crash', {}, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
  t.match(server.span.attributes, { 'error.type': 'internal_error', 'http.response.status_code': 500 })
  // instrumentation-http sets Error again as the response ends, without a
  // description: the SDK keeps the last status set.
  t.same(server.span.status, { code: SpanStatusCode.ERROR })
  t.equal(server.span.events.length, 1)
  t.match(server.span.events[0], { name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'db at 10.0.0.7 refused password=hunter2' } })
  t.match(await lineOf(logs, server.body.error.request_id), { code: 'internal_error', trace_id: server.span.spanContext().traceId })

  const invalid = await fetched(t, base, '/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 422,
    { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] })
  t.match(invalid.span.attributes, { 'error.type': 'validation_failed', 'http.response.status_code': 422 })
  t.same(invalid.span.events, [])

  const missing = await fetched(t, base, '/nothing/here', {}, 404, { code: 'not_found', message: 'No route for GET /nothing/here', type: 'invalid_request_error' })
  t.match(missing.span.attributes, { 'error.type': 'not_found', 'http.response.status_code': 404 })
  t.same(missing.span.status, { code: SpanStatusCode.UNSET })

  const points = await pointsOf(reader, 'error_envelope.errors')
  t.same(points.map((point) => [point.attributes['error.type'], point.attributes['http.route']]).sort(), [
    ['bad_request', '/widgets/:id'], ['internal_error', '/crash'], ['not_found', undefined], ['validation_failed', '/users']
  ])
})

t.test('walks sub-apps mounted with app.use() and router.use() though instrumentation-express wraps every layer\'s handle', async (t) => {
  const envelope = errorEnvelope({ logger: pino({ level: 'silent' }) })
  const app = express()
  app.use(envelope.beforeRoutes())
  const sub = express()
  sub.get('/thing', (_req, res) => { res.json({ ok: true }) })
  const nested = express()
  nested.put('/x', (_req, res) => { res.json({ ok: true }) })
  const shop = express()
  shop.get('/thing', (_req, res) => { res.json({ ok: true }) })
  shop.use('/nested', nested)
  const router = express.Router()
  router.use('/shop', shop)
  app.use('/sub', sub)
  app.use('/r', router)
  app.use(envelope.afterRoutes())
  const mounted = (app.router.stack as Array<{ name: string, handle: { __wrapped?: boolean } }>).find((layer) => layer.name === 'mounted_app')
  t.equal(mounted?.handle.__wrapped, true, 'the sub-app\'s layer runs the instrumentation\'s wrapper')
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  for (const [method, path, allow] of [['DELETE', '/sub/thing', 'GET, HEAD'], ['DELETE', '/r/shop/thing', 'GET, HEAD'], ['GET', '/r/shop/nested/x', 'PUT']]) {
    const response = await fetch(base + path, { method })
    t.equal(response.status, 405, `${method} ${path}`)
    t.equal(response.headers.get('allow'), allow)
    const body = await response.json()
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'method_not_allowed', message: `Method ${method} is not allowed for ${path}`, type: 'invalid_request_error', request_id: response.headers.get('x-request-id') } })
  }
})

t.test('without @opentelemetry/api loaded, the Express report does nothing', async (t) => {
  const req = { method: 'GET', headers: {} } as unknown as Parameters<typeof reportExpressAnswer>[0]
  const answer = { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'x' }
  t.equal(reportExpressAnswer(req, normalizeExpressOptions({}), answer, undefined), undefined)
  t.equal(reportExpressAnswer(req, normalizeExpressOptions({ telemetry: false }), answer, undefined), undefined)
})

t.test('an unknown telemetry key fails at setup, naming it', async (t) => {
  t.throws(() => errorEnvelope({ telemetry: { span: false } as never }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, metrics, logs'))
})
