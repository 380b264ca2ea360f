import type { CodeDocs } from './docs-options.js'
import type { NormalizedError } from './envelope.js'
import { codeFor } from './codes.js'
import { errorForLog } from './log-error.js'
import { booleanOption, nestedOption, type KnownKeys } from './option-checks.js'
import { readField } from './safe-read.js'
import { countErrorAnswer, errorCounter, type MetricsApi } from './telemetry-metric.js'

/**
 * The `telemetry` option: what the package reports to OpenTelemetry when
 * `@opentelemetry/api` is installed. `false` turns all of it off; each part
 * is on unless set to `false`.
 *
 * @example
 * ```ts
 * { telemetry: { metrics: false } } // spans and log ids only
 * ```
 */
export interface TelemetryOptions {
  /** `error.type`, `http.response.status_code`, the status of a 5xx and its exception, on the active span; default true. */
  spans?: boolean
  /** The `error_envelope.errors` counter; default true. */
  metrics?: boolean
  /** `trace_id` and `span_id` on the error's log line when a span is active; default true. */
  logs?: boolean
}

/** The `telemetry` option after checking; `api` is set once `@opentelemetry/api` is loaded. */
export interface TelemetrySettings {
  spans: boolean
  metrics: boolean
  logs: boolean
  api: OtelApi | undefined
}

/**
 * The trace and span of an error answer, for its log line.
 *
 * @example
 * ```ts
 * const ids: TraceIds = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' }
 * ```
 */
export interface TraceIds { trace_id: string, span_id: string }

/**
 * What an adapter tells the telemetry of its requests. Each is read only
 * when something is recorded: with no SDK registered, an answer reads none.
 *
 * @example
 * ```ts
 * const port: TelemetryPort<IncomingMessage> = {
 *   methodOf: (req) => req.method,
 *   routeOf: (req) => undefined,
 *   spanOf: (req) => undefined
 * }
 * ```
 */
export interface TelemetryPort<R> {
  /** The request's method. */
  methodOf: (request: R) => string | undefined
  /** The route template as registered; undefined when no route matched. */
  routeOf: (request: R) => string | undefined
  /** The request's own span, kept by the framework's instrumentation; undefined for the active one. */
  spanOf: (request: R) => unknown
}

// The part of `@opentelemetry/api` this file uses, owned here as types so
// that the package's declarations never name the optional peer.
interface SpanLike {
  isRecording: () => boolean
  spanContext: () => { traceId: string, spanId: string }
  setAttribute: (key: string, value: string | number) => unknown
  setStatus: (status: { code: number, message?: string }) => unknown
  recordException: (exception: { name: string, message: string, stack?: string }) => unknown
}

interface ContextLike { getValue: (key: symbol) => unknown }

/** The part of `@opentelemetry/api` the package uses. */
export interface OtelApi extends MetricsApi {
  trace: { getSpan: (context: ContextLike) => SpanLike | undefined }
  context: { active: () => ContextLike }
  createContextKey: (description: string) => symbol
  SpanStatusCode: { ERROR: number }
}

const TELEMETRY_KEYS: KnownKeys<TelemetryOptions> = { spans: true, metrics: true, logs: true }

/**
 * The `error.type` of codes outside the code table and the catalog
 * (OpenTelemetry's name for "other").
 *
 * @example
 * ```ts
 * import { OTHER_ERROR_TYPE } from 'error-envelope'
 * OTHER_ERROR_TYPE // '_OTHER'
 * ```
 */
export const OTHER_ERROR_TYPE = '_OTHER'

/**
 * Checks the `telemetry` option: `false`, `true` or an object of the known
 * keys.
 *
 * @example
 * ```ts
 * normalizeTelemetryOptions({ span: false })
 * // TypeError: error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, metrics, logs
 * ```
 */
export function normalizeTelemetryOptions (value: unknown): TelemetrySettings | false {
  if (value === false) return false
  const given = value === true ? {} : nestedOption('telemetry', value, TELEMETRY_KEYS)
  const settings = {
    spans: booleanOption('telemetry.spans', given.spans, true),
    metrics: booleanOption('telemetry.metrics', given.metrics, true),
    logs: booleanOption('telemetry.logs', given.logs, true),
    api: undefined
  }
  return settings.spans || settings.metrics || settings.logs ? settings : false
}

let imported: Promise<OtelApi | undefined> | undefined

// One attempt per process: an app without the package pays one failed
// resolution at setup, and nothing per request.
function importApi (): Promise<OtelApi | undefined> {
  imported ??= importOptional('@opentelemetry/api')
  return imported
}

/**
 * The module of an optional peer, or undefined when it is not installed (or
 * fails to load). In the CommonJS build this is a `require`.
 *
 * @example
 * ```ts
 * await importOptional('@opentelemetry/api') // the module, when installed
 * await importOptional('not-installed') // undefined
 * ```
 */
export function importOptional (name: string): Promise<OtelApi | undefined> {
  return import(name).then(function loaded (api) {
    return api as OtelApi
  }, function missing () {
    return undefined
  })
}

/**
 * Loads `@opentelemetry/api`, an optional peer, for these settings. Without
 * the package, `api` stays undefined and every report does nothing.
 *
 * @example
 * ```ts
 * await loadTelemetry(settings.telemetry)
 * ```
 */
export async function loadTelemetry (telemetry: TelemetrySettings | false, load: () => Promise<OtelApi | undefined> = importApi): Promise<void> {
  if (telemetry === false) return
  telemetry.api = await load()
}

/**
 * Reports an error answer to OpenTelemetry, and gives the ids of its span
 * for the log line. On the request's span (the HTTP server span of
 * `@opentelemetry/instrumentation-http` when there is one, else the one the
 * adapter's port gives, else the active one):
 * `error.type` (the code, or `_OTHER` for a code outside the code table and
 * the catalog) and `http.response.status_code`; a 5xx also sets the status
 * to Error with the code as its description, and records what was thrown.
 * A 4xx leaves the status as it is and records no exception: the client's
 * doing, as the HTTP semantic conventions say. Then one count on the
 * `error_envelope.errors` counter.
 *
 * @example
 * ```ts
 * const ids = reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, req, expressTelemetry)
 * // span: error.type=not_found http.response.status_code=404; ids: { trace_id, span_id }
 * ```
 */
export function reportErrorAnswer<R> (
  telemetry: TelemetrySettings | false,
  codeDocs: CodeDocs,
  answer: NormalizedError,
  thrown: unknown,
  request: R,
  port: TelemetryPort<R>
): TraceIds | undefined {
  if (telemetry === false) return undefined
  const api = telemetry.api
  if (api === undefined) return undefined
  try {
    const counter = telemetry.metrics ? errorCounter(api) : undefined
    const context = api.context.active()
    const active = httpServerSpan(api, context) ?? asSpan(port.spanOf(request)) ?? api.trace.getSpan(context)
    const marking = active !== undefined && telemetry.spans && active.isRecording()
    if (counter !== undefined || marking) {
      const errorType = errorTypeOf(answer, codeDocs)
      if (counter !== undefined) countErrorAnswer(counter, errorType, answer.status, port.methodOf(request), port.routeOf(request))
      if (marking) markSpan(api, active, errorType, answer, thrown)
    }
    if (active === undefined || !telemetry.logs) return undefined
    const { traceId, spanId } = active.spanContext()
    return { trace_id: traceId, span_id: spanId }
  } catch {
    // A broken SDK or exporter loses the report, never the answer.
    return undefined
  }
}

function markSpan (api: OtelApi, span: SpanLike, errorType: string, answer: NormalizedError, thrown: unknown): void {
  span.setAttribute('error.type', errorType)
  span.setAttribute('http.response.status_code', answer.status)
  if (answer.status < 500) return
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorType })
  if (thrown === undefined) return
  // The thrown value is read through the log's guards: no user getter or
  // toString runs here. Its real message stays in the event, which is the
  // server's own record; the status carries only the code.
  // No `code`: the SDK would report it as `exception.type`, which names
  // the thrown value's class.
  const { type, message, stack } = errorForLog(thrown, true)
  span.recordException(stack === undefined ? { name: type, message } : { name: type, message, stack })
}

/**
 * The `error.type` of an answer: its code when the code table or the
 * catalog has it, else `_OTHER`, so that the values stay a documented,
 * bounded list.
 *
 * @example
 * ```ts
 * errorTypeOf(normalizeError(notFound()), settings.codeDocs) // 'not_found'
 * errorTypeOf(normalizeError(new ApiError(400, 'made_up')), settings.codeDocs) // '_OTHER'
 * ```
 */
export function errorTypeOf (answer: NormalizedError, codeDocs: CodeDocs): string {
  const code = answer.code
  if (codeDocs.titleOf(code) !== undefined || codeFor(answer.status).code === code) return code
  return OTHER_ERROR_TYPE
}

// The HTTP server span that @opentelemetry/instrumentation-http keeps in
// the request's context, as @opentelemetry/core's RPC metadata of type
// `http` (which framework instrumentations read to set `http.route`): the
// span the HTTP conventions speak of, where the active one may be a
// middleware's child span.
const RPC_METADATA = 'OpenTelemetry SDK Context Key RPC_METADATA'

// The key, made once per copy of the API loaded.
const rpcKeys = new WeakMap<OtelApi, symbol>()

function httpServerSpan (api: OtelApi, context: ContextLike): SpanLike | undefined {
  let key = rpcKeys.get(api)
  if (key === undefined) {
    key = api.createContextKey(RPC_METADATA)
    rpcKeys.set(api, key)
  }
  const metadata = context.getValue(key)
  if (readField(metadata, 'type') !== 'http') return undefined
  const span = readField(metadata, 'span')
  return isSpan(span) ? span : undefined
}

function isSpan (value: unknown): value is SpanLike {
  return typeof value === 'object' && value !== null && typeof (value as SpanLike).spanContext === 'function'
}

function asSpan (value: unknown): SpanLike | undefined {
  return isSpan(value) ? value : undefined
}
