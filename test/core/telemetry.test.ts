import t from 'tap'
import { ApiError, badRequest, defineErrors, internalError, normalizeError } from '../../index.js'
import { normalizeDocsOptions } from '../../lib/core/docs-options.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'
import { errorTypeOf, importOptional, loadTelemetry, normalizeTelemetryOptions, reportErrorAnswer, type OtelApi, type TelemetryPort, type TelemetrySettings } from '../../lib/core/telemetry.js'
import { MisuseError } from '../../lib/core/misuse.js'

// The core of the telemetry, against a recording stand-in for
// @opentelemetry/api: what it sets on a span, counts and gives the log line.

const errors = defineErrors({ out_of_stock: { status: 409, message: 'Out of stock' } })
const { codeDocs } = normalizeDocsOptions(errors, undefined)
interface Request { method: string | undefined, route: string | undefined, span?: object }
const request: Request = { method: 'GET', route: '/widgets/:id' }
// A port as an adapter gives: its request's method, route and own span.
const port: TelemetryPort<Request> = { methodOf: (r) => r.method, routeOf: (r) => r.route, spanOf: (r) => r.span }

interface Recorded { calls: unknown[][], counts: unknown[][] }

function fakeApi (options: { recording?: boolean, active?: boolean, failing?: boolean, metadata?: unknown } = {}): { api: OtelApi, recorded: Recorded, span: object } {
  const recorded: Recorded = { calls: [], counts: [] }
  const span = {
    isRecording: () => options.recording ?? true,
    spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }),
    setAttribute: (...args: unknown[]) => { if (options.failing === true) throw new Error('exporter down'); recorded.calls.push(['setAttribute', ...args]) },
    setStatus: (...args: unknown[]) => recorded.calls.push(['setStatus', ...args]),
    recordException: (...args: unknown[]) => recorded.calls.push(['recordException', ...args])
  }
  const provider = { getMeter: () => ({ createCounter: () => ({ add: (...args: unknown[]) => { recorded.counts.push(args) } }) }) }
  const api: OtelApi = {
    trace: { getSpan: () => options.active === false ? undefined : span },
    metrics: { getMeterProvider: () => provider },
    context: { active: () => ({ getValue: (key: symbol) => key === Symbol.for('OpenTelemetry SDK Context Key RPC_METADATA') ? options.metadata : undefined }) },
    createContextKey: (description: string) => Symbol.for(description),
    createNoopMeter: () => ({ createCounter: () => noopCounter }),
    SpanStatusCode: { ERROR: 2 }
  }
  return { api, recorded, span }
}

const noopCounter = { add: () => {} }

function settingsWith (api: OtelApi | undefined, parts: Partial<TelemetrySettings> = {}): TelemetrySettings {
  return { spans: true, metrics: true, logs: true, api, ...parts }
}

t.test('the telemetry option: on by default, false turns it off, unknown keys and wrong values are named', async (t) => {
  t.same(normalizeTelemetryOptions(undefined), { spans: true, metrics: true, logs: true, api: undefined })
  t.same(normalizeTelemetryOptions(true), { spans: true, metrics: true, logs: true, api: undefined })
  t.equal(normalizeTelemetryOptions(false), false)
  t.same(normalizeTelemetryOptions({ metrics: false }), { spans: true, metrics: false, logs: true, api: undefined })
  t.equal(normalizeTelemetryOptions({ spans: false, metrics: false, logs: false }), false, 'every part off is off')
  t.throws(() => normalizeTelemetryOptions({ span: false }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, metrics, logs'))
  t.throws(() => normalizeTelemetryOptions({ metrics: 'no' }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "telemetry.metrics" must be a boolean, instead got "no"'))
  t.throws(() => normalizeTelemetryOptions('on'), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "telemetry" must be an object, instead got "on"'))
  t.throws(() => normalizeCommonOptions({ telemetry: { logs: 1 } }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "telemetry.logs" must be a boolean, instead got 1'))
  t.throws(() => normalizeCommonOptions({ requestId: { fromTraceparent: 'yes' } }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "requestId.fromTraceparent" must be a boolean, instead got "yes"'))
})

t.test('loads @opentelemetry/api when installed, and nothing when it is not', async (t) => {
  const settings = settingsWith(undefined)
  await loadTelemetry(settings)
  t.equal(typeof settings.api?.trace.getActiveSpan, 'function')
  t.equal(await importOptional('@opentelemetry/not-installed'), undefined)
  const missing = settingsWith(undefined)
  await loadTelemetry(missing, async () => await importOptional('@opentelemetry/not-installed'))
  t.equal(missing.api, undefined)
  t.equal(reportErrorAnswer(missing, codeDocs, normalizeError(badRequest('x')), undefined, request, port), undefined, 'without the package, nothing is reported')
  await loadTelemetry(false)
  t.equal(reportErrorAnswer(false, codeDocs, normalizeError(badRequest('x')), undefined, request, port), undefined)
})

t.test('error.type is the code of the table, the catalog or the status, else _OTHER', async (t) => {
  t.equal(errorTypeOf(normalizeError(badRequest('x')), codeDocs), 'bad_request')
  t.equal(errorTypeOf(normalizeError(errors.out_of_stock()), codeDocs), 'out_of_stock')
  t.equal(errorTypeOf(normalizeError(new ApiError(418)), codeDocs), 'im_a_teapot', 'a status outside the table has its derived code')
  t.equal(errorTypeOf(normalizeError(new ApiError(409, 'x', { code: 'made_up' })), codeDocs), '_OTHER')
  t.equal(errorTypeOf(normalizeError(new ApiError(409, 'x', { code: 'not_found' })), codeDocs), 'not_found', 'a table code at another status is still a documented code')
})

t.test('a 4xx sets the attributes only; a 5xx sets Error with the code and records the thrown value through the guards', async (t) => {
  const { api, recorded } = fakeApi()
  const ids = reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(badRequest('x')), badRequest('x'), request, port)
  t.same(ids, { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) })
  t.same(recorded.calls, [['setAttribute', 'error.type', 'bad_request'], ['setAttribute', 'http.response.status_code', 400]])
  t.same(recorded.counts, [[1, { 'error.type': 'bad_request', 'http.response.status_code': 400, 'http.request.method': 'GET', 'http.route': '/widgets/:id' }]])

  recorded.calls.length = 0
  const thrown = new Proxy(new Error('secret detail'), { get (target, key) { if (key === 'toJSON' || key === 'toString') throw new Error('trap'); return Reflect.get(target, key) } })
  reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(thrown), thrown, { method: 'BREW', route: undefined }, port)
  t.same(recorded.calls.slice(0, 3), [['setAttribute', 'error.type', 'internal_error'], ['setAttribute', 'http.response.status_code', 500], ['setStatus', { code: 2, message: 'internal_error' }]])
  t.match(recorded.calls[3], ['recordException', { name: 'Error', message: 'secret detail', stack: /^Error: secret detail\n/ }])
  t.same(recorded.counts[1], [1, { 'error.type': 'internal_error', 'http.response.status_code': 500, 'http.request.method': '_OTHER' }], 'an unknown method is _OTHER and no route is no attribute')

  recorded.calls.length = 0
  reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(internalError('x')), 'a thrown string', { method: undefined, route: undefined }, port)
  t.same(recorded.calls[3], ['recordException', { name: 'string', message: 'a thrown string' }], 'a value without a stack')
  recorded.calls.length = 0
  reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(internalError('x')), undefined, request, port)
  t.equal(recorded.calls.length, 3, 'nothing thrown, no exception')
})

t.test('each part can be turned off; a span given is used over the active one; a broken SDK loses the report only', async (t) => {
  const { api, recorded } = fakeApi()
  t.equal(reportErrorAnswer(settingsWith(api, { logs: false }), codeDocs, normalizeError(badRequest('x')), undefined, request, port), undefined, 'logs off: no ids')
  t.equal(recorded.calls.length, 2)
  recorded.calls.length = 0
  recorded.counts.length = 0
  reportErrorAnswer(settingsWith(api, { spans: false, metrics: false }), codeDocs, normalizeError(badRequest('x')), undefined, request, port)
  t.same(recorded, { calls: [], counts: [] }, 'spans and metrics off: nothing recorded')

  const own = fakeApi()
  const ids = reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(badRequest('x')), undefined, { ...request, span: own.span }, port)
  t.same(own.recorded.calls.length, 2, 'the given span is marked')
  t.same(recorded.calls, [], 'the active one is not')
  t.same(ids, { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) })

  const notRecording = fakeApi({ recording: false })
  t.same(reportErrorAnswer(settingsWith(notRecording.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port), { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) })
  t.same(notRecording.recorded.calls, [], 'a span that records nothing is left alone')

  const noSpan = fakeApi({ active: false })
  t.equal(reportErrorAnswer(settingsWith(noSpan.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port), undefined)
  t.equal(noSpan.recorded.counts.length, 1, 'counted without a span')

  const failing = fakeApi({ failing: true })
  t.equal(reportErrorAnswer(settingsWith(failing.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port), undefined)
})

t.test('the counter is made again when the global meter provider changes', async (t) => {
  const first = fakeApi()
  const second = fakeApi()
  reportErrorAnswer(settingsWith(first.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port)
  reportErrorAnswer(settingsWith(second.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port)
  reportErrorAnswer(settingsWith(second.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port)
  t.equal(first.recorded.counts.length, 1)
  t.equal(second.recorded.counts.length, 2)
})

t.test('the HTTP server span of the request\'s RPC metadata comes first', async (t) => {
  const server = fakeApi()
  const { api, recorded } = fakeApi({ metadata: { type: 'http', span: server.span } })
  const own = fakeApi()
  reportErrorAnswer(settingsWith(api), codeDocs, normalizeError(badRequest('x')), undefined, { ...request, span: own.span }, port)
  t.equal(server.recorded.calls.length, 2, 'the server span is marked')
  t.same([recorded.calls, own.recorded.calls], [[], []])
  for (const metadata of [{ type: 'grpc', span: server.span }, { type: 'http' }, { type: 'http', span: {} }, null]) {
    const other = fakeApi({ metadata })
    reportErrorAnswer(settingsWith(other.api), codeDocs, normalizeError(badRequest('x')), undefined, request, port)
    t.equal(other.recorded.calls.length, 2, `${JSON.stringify(metadata)}: the active span instead`)
  }
})

t.test('with the API and no SDK, an answer reads nothing of the request and reports nothing', async (t) => {
  const settings = settingsWith(undefined)
  await loadTelemetry(settings)
  const read: string[] = []
  const watched: TelemetryPort<Request> = {
    methodOf: (r) => { read.push('method'); return r.method },
    routeOf: (r) => { read.push('route'); return r.route },
    spanOf: (r) => { read.push('span'); return r.span }
  }
  t.equal(reportErrorAnswer(settings, codeDocs, normalizeError(internalError('x')), new Error('x'), request, watched), undefined)
  t.same(read, ['span'], 'only the adapter\'s span is looked for; the route and the method are read for a count only')
})
