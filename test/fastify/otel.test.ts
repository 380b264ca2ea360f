import t, { type Test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import Fastify, { type FastifyInstance } from 'fastify'
import errorEnvelope, { badRequest, serverOptions } from '../../index.js'
import { loadTelemetry } from '../../lib/core/telemetry.js'
import { reportFastifyAnswer } from '../../lib/fastify/telemetry.js'
import { normalizeOptions } from '../../lib/fastify/options.js'
import { assertEnvelope, build, errorLines } from '../helper.js'
import { finishedSpans, freshMetrics, pointsOf, registerTracing } from '../fixtures/otel.js'
import { MisuseError } from '../../lib/core/misuse.js'

// With @fastify/otel, the plugin marks the request span that @fastify/otel
// keeps for each request (not the handler's child span that is active in
// the error handler).

registerTracing()

function routes (app: FastifyInstance): void {
  app.get('/widgets/:id', async () => { throw badRequest('Widget id is too short', { param: 'id' }) })
  app.get('/crash', async () => { throw new Error('db at 10.0.0.7 refused password=hunter2') })
  app.post('/users', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }, async () => ({ ok: true }))
}

async function otelApp (t: Test, recordExceptions?: boolean): Promise<Awaited<ReturnType<typeof build>>> {
  const instrumentation = new FastifyOtelInstrumentation(recordExceptions === undefined ? {} : { recordExceptions })
  const built = await build(t, { before: async (app) => { await app.register(instrumentation.plugin()) }, routes })
  t.teardown(() => { instrumentation.disable() })
  finishedSpans()
  return built
}

function requestSpan (): ReturnType<typeof finishedSpans>[number] {
  const spans = finishedSpans().filter((span) => span.name === 'request')
  if (spans.length !== 1) throw new Error(`expected one request span, found ${spans.length}`)
  return spans[0]
}

t.test('with recordExceptions: false, a 4xx adds error.type and no exception event; a 5xx gets Error with the code and one exception', async (t) => {
  const reader = freshMetrics(t)
  const { app, logs } = await otelApp(t, false)

  const client = await app.inject('/widgets/w')
  const clientBody = assertEnvelope(t, client, 400, { code: 'bad_request', message: 'Widget id is too short', type: 'invalid_request_error', param: 'id' })
  const clientSpan = requestSpan()
  t.equal(clientSpan.kind, SpanKind.SERVER)
  t.match(clientSpan.attributes, { 'error.type': 'bad_request', 'http.response.status_code': 400, 'http.route': '/widgets/:id' })
  t.same(clientSpan.events, [], 'no exception event for a 4xx')
  // @fastify/otel 0.21 sets Error, with the thrown message, for every error
  // a handler throws (its onError hook runs before the error handler), and
  // has no option against it; the plugin leaves a 4xx's status as it is.
  t.same(clientSpan.status, { code: SpanStatusCode.ERROR, message: 'Widget id is too short' })
  t.match(errorLines(logs, clientBody.error.request_id)[0], { code: 'bad_request', trace_id: clientSpan.spanContext().traceId, span_id: clientSpan.spanContext().spanId })

  const server = await app.inject('/crash')
  const serverBody = assertEnvelope(t, server, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
  const serverSpan = requestSpan()
  t.match(serverSpan.attributes, { 'error.type': 'internal_error', 'http.response.status_code': 500, 'http.route': '/crash' })
  t.same(serverSpan.status, { code: SpanStatusCode.ERROR, message: 'internal_error' }, 'the code replaces the real message in the status')
  t.equal(serverSpan.events.length, 1)
  t.match(serverSpan.events[0], { name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'db at 10.0.0.7 refused password=hunter2' } })
  t.match(errorLines(logs, serverBody.error.request_id)[0], { level: 50, trace_id: serverSpan.spanContext().traceId, span_id: serverSpan.spanContext().spanId })

  const invalid = await app.inject({ method: 'POST', url: '/users', payload: {} })
  assertEnvelope(t, invalid, 422, { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] })
  const invalidSpan = requestSpan()
  t.match(invalidSpan.attributes, { 'error.type': 'validation_failed', 'http.response.status_code': 422 })
  t.same(invalidSpan.events, [])

  const missing = await app.inject('/nothing/here')
  assertEnvelope(t, missing, 404, { code: 'not_found', message: 'No route for GET /nothing/here', type: 'invalid_request_error' })
  const missingSpan = requestSpan()
  t.match(missingSpan.attributes, { 'error.type': 'not_found', 'http.response.status_code': 404 })
  t.same(missingSpan.status, { code: SpanStatusCode.UNSET }, 'an answer nothing threw leaves the status unset')
  t.same(missingSpan.events, [])

  const points = await pointsOf(reader, 'error_envelope.errors')
  t.same(points.map((point) => point.attributes['error.type']).sort(), ['bad_request', 'internal_error', 'not_found', 'validation_failed'])
})

t.test('with @fastify/otel\'s default recordExceptions, a 4xx carries its exception event: the reason to set it to false', async (t) => {
  const { app } = await otelApp(t)
  assertEnvelope(t, await app.inject('/widgets/w'), 400, { code: 'bad_request', message: 'Widget id is too short', type: 'invalid_request_error', param: 'id' })
  const span = requestSpan()
  t.equal(span.events.length, 1)
  t.match(span.events[0], { name: 'exception', attributes: { 'exception.message': 'Widget id is too short' } })
  t.match(span.attributes, { 'error.type': 'bad_request' })
})

t.test('without @opentelemetry/api loaded, the Fastify report does nothing', async (t) => {
  const settings = normalizeOptions({})
  const request = { method: 'GET', routeOptions: { url: '/x' } } as unknown as Parameters<typeof reportFastifyAnswer>[0]
  t.equal(reportFastifyAnswer(request, settings, { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'x' }, undefined), undefined)
  t.equal(reportFastifyAnswer(request, normalizeOptions({ telemetry: false }), { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'x' }, undefined), undefined)
})

t.test('serverOptions(): a malformed URL\'s 400, answered before any route, is marked and counted without a route', async (t) => {
  const reader = freshMetrics(t)
  const instrumentation = new FastifyOtelInstrumentation({ recordExceptions: false })
  t.teardown(() => { instrumentation.disable() })
  const { app, logs } = await build(t, { server: serverOptions(), before: async (app) => { await app.register(instrumentation.plugin()) }, routes })
  // serverOptions() loads @opentelemetry/api in the background; this waits for the same load.
  await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
  finishedSpans()
  const response = await app.inject('/widgets/%zz')
  const body = assertEnvelope(t, response, 400, { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error' })
  t.same(await pointsOf(reader, 'error_envelope.errors'), [{ attributes: { 'error.type': 'bad_request', 'http.response.status_code': 400, 'http.request.method': 'GET' }, value: 1 }])
  t.ok(errorLines(logs, body.error.request_id).length === 1)
})

t.test('an unknown telemetry key fails at registration, naming it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(errorEnvelope, { telemetry: { span: false } as never }) }, new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, metrics, logs'))
  t.throws(() => serverOptions({ telemetry: { span: false } as never }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, metrics, logs'))
})
