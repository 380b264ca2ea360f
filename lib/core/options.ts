import { booleanOption, checkKnownKeys, fail, nestedOption, objectOption, type KnownKeys } from './option-checks.js'
import { defaultHeaderNames, refusedHeaderNames, type NormalizeSettings } from './normalize.js'
import { generateRequestId, isValidRequestId } from './request-id.js'
import { formatOption, type ErrorFormat } from './problem.js'
import { normalizeDocsOptions, type CodeDocs, type DocsOptions, type DocsSettings } from './docs-options.js'
import { normalizeNotFoundOptions, type NotFoundOptions, type NotFoundSettings } from './unrouted.js'
import { normalizeValidationOptions, type ValidationOptions, type ValidationSettings } from './validation.js'
import { normalizeTelemetryOptions, type TelemetryOptions, type TelemetrySettings } from './telemetry.js'

/** A pino level name. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * Where request ids come from and go to.
 *
 * @example
 * ```ts
 * { header: 'x-correlation-id', trustIncoming: false }
 * ```
 */
export interface RequestIdOptions {
  /** The request and response header; default `x-request-id`. `false` reads none and echoes none. */
  header?: string | false
  /** Use a valid incoming id instead of generating one; default true. */
  trustIncoming?: boolean
  /** Makes a new id; its result is used only when it matches the contract's pattern. */
  generate?: () => string
  /**
   * With no valid incoming id, use the trace id of a valid W3C `traceparent`
   * header (32 lowercase hex characters) before generating one; default false.
   */
  fromTraceparent?: boolean
}

/**
 * What a thrown value means, before it is answered (the `mapError` option of
 * both adapters): a driver's unique-key violation becomes `conflict()`, a
 * missing row `notFound()`. Return the error to answer, or `undefined` to
 * answer the thrown value as it is; a throw inside it is answered as a thrown
 * error (a masked 500, unless it is an `ApiError`). `Request` is the
 * framework's request: `FastifyRequest` on Fastify, `EnvelopeRequest` on
 * Express.
 *
 * @example
 * ```ts
 * import { conflict, type MapError } from 'error-envelope'
 * import type { FastifyRequest } from 'fastify'
 *
 * const mapError: MapError<FastifyRequest> = (thrown) =>
 *   thrown instanceof UniqueViolation ? conflict('Email already registered', { param: 'email' }) : undefined
 * ```
 */
export type MapError<Request = any> = (thrown: unknown, request: Request) => unknown

/**
 * The options both adapters take, with the same meaning and the same checks.
 *
 * @example
 * ```ts
 * const options: CommonOptions = { requestId: { header: 'x-correlation-id' }, logLevels: { clientError: 'warn' } }
 * ```
 */
export interface CommonOptions {
  /** Show the real message of 5xx errors that no helper made. For local development only. Default false. */
  exposeServerErrors?: boolean
  /** Extra header names an `ApiError` or `http-errors` error may set, besides the default allowlist. */
  errorHeaders?: readonly string[]
  /** Where request ids come from and go to. */
  requestId?: RequestIdOptions
  /** Log levels of error responses: `clientError` (4xx, default `info`), `serverError` (5xx, default `error`). */
  logLevels?: { clientError?: LogLevel, serverError?: LogLevel }
  /** Schema validation answers. */
  validation?: ValidationOptions
  /**
   * Turns what a handler threw into what it means, before it is answered:
   * a driver's unique-key violation into `conflict()`, a missing row into
   * `notFound()`. Return the error to answer, or `undefined` to answer the
   * thrown value as it is. A throw inside it is answered as a thrown error
   * (a masked 500, unless it is an `ApiError`).
   */
  mapError?: MapError
  /** The code and message of the 404 to a request no route took. */
  notFound?: NotFoundOptions
  /**
   * How error answers are written: `'envelope'` (default), `'problem'` (RFC
   * 9457 `application/problem+json`), or `'negotiate'` (problem details when
   * the request's `Accept` prefers them).
   */
  format?: ErrorFormat
  /** The API's errors, made by `defineErrors()`: their codes get `doc_url`s and the reference page. */
  catalog?: object
  /** The reference page's path and public address; with it, envelopes of catalog codes carry `doc_url`. */
  docs?: DocsOptions
  /**
   * What is reported to OpenTelemetry when `@opentelemetry/api` is
   * installed: span attributes and status, the `error_envelope.errors`
   * counter, trace ids on log lines. `false` turns it off; default on.
   */
  telemetry?: TelemetryOptions | boolean
}

/** The common options after checking, with every default filled in. */
export interface CommonSettings {
  exposeServerErrors: boolean
  errorHeaders: ReadonlySet<string>
  requestIdHeader: string | false
  trustIncomingRequestId: boolean
  /** Makes a valid id, whatever a user's generator returns or throws. */
  newRequestId: () => string
  /** Use a valid `traceparent`'s trace id when no valid incoming id arrives. */
  requestIdFromTraceparent: boolean
  clientErrorLevel: LogLevel
  serverErrorLevel: LogLevel
  validation: ValidationSettings
  mapError: MapError<unknown> | undefined
  notFound: NotFoundSettings
  format: ErrorFormat
  docs: DocsSettings | undefined
  codeDocs: CodeDocs
  telemetry: TelemetrySettings | false
}

export const defaultRequestIdHeader = 'x-request-id'
export const defaultClientErrorLevel: LogLevel = 'info'
export const defaultServerErrorLevel: LogLevel = 'error'

/** The names of the common options, in the order the README lists them. */
export const COMMON_OPTIONS = Object.freeze({
  exposeServerErrors: true, errorHeaders: true, requestId: true, logLevels: true, validation: true, mapError: true, notFound: true, format: true, catalog: true, docs: true, telemetry: true
} satisfies KnownKeys<CommonOptions>)

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const REQUEST_ID_KEYS: KnownKeys<RequestIdOptions> = { header: true, trustIncoming: true, generate: true, fromTraceparent: true }
const LOG_LEVEL_KEYS: KnownKeys<NonNullable<CommonOptions['logLevels']>> = { clientError: true, serverError: true }

/**
 * Checks an adapter's options object: an object (or nothing), whose every key
 * is known. `ignored` names keys a framework adds on its own (Fastify passes
 * `prefix` to every plugin).
 *
 * @example
 * ```ts
 * checkedOptions({ exposeErrors: true }, { exposeServerErrors: true })
 * // MisuseError ERR_ENVELOPE_UNKNOWN_OPTION: error-envelope does not know the option "exposeErrors"; known options: exposeServerErrors
 * ```
 */
export function checkedOptions (options: unknown, known: Readonly<Record<string, true>>, ignored: readonly string[] = []): Record<string, unknown> {
  const given = objectOption('options', options ?? {})
  checkKnownKeys(given, known, { ignored })
  return given
}

/**
 * Checks the options both adapters share, once, at setup, and fills in the
 * defaults. A wrong option throws a `TypeError` that names it and says what
 * was given.
 *
 * @example
 * ```ts
 * normalizeCommonOptions({ exposeServerErrors: 'yes' })
 * // TypeError: error-envelope option "exposeServerErrors" must be a boolean, instead got "yes"
 * ```
 */
export function normalizeCommonOptions (given: Record<string, unknown>): CommonSettings {
  const requestId = nestedOption('requestId', given.requestId, REQUEST_ID_KEYS) as RequestIdOptions
  const logLevels = nestedOption('logLevels', given.logLevels, LOG_LEVEL_KEYS) as NonNullable<CommonOptions['logLevels']>
  const header = requestId.header === undefined ? defaultRequestIdHeader : requestId.header
  if (header !== false && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    fail('requestId.header', 'a header name or false', header)
  }
  const generate = requestId.generate
  if (generate !== undefined && typeof generate !== 'function') fail('requestId.generate', 'a function', generate)
  const checked = generate === undefined ? undefined : checkedGenerator(generate)
  return {
    exposeServerErrors: booleanOption('exposeServerErrors', given.exposeServerErrors, false),
    errorHeaders: headerNames(given.errorHeaders),
    requestIdHeader: header === false ? false : header.toLowerCase(),
    trustIncomingRequestId: booleanOption('requestId.trustIncoming', requestId.trustIncoming, true),
    newRequestId: checked ?? generateRequestId,
    requestIdFromTraceparent: booleanOption('requestId.fromTraceparent', requestId.fromTraceparent, false),
    clientErrorLevel: levelOption('logLevels.clientError', logLevels.clientError, defaultClientErrorLevel),
    serverErrorLevel: levelOption('logLevels.serverError', logLevels.serverError, defaultServerErrorLevel),
    validation: normalizeValidationOptions(given.validation),
    mapError: functionOption('mapError', given.mapError),
    notFound: normalizeNotFoundOptions(given.notFound),
    format: formatOption(given.format),
    ...normalizeDocsOptions(given.catalog, given.docs),
    telemetry: normalizeTelemetryOptions(given.telemetry)
  }
}

/**
 * The error a thrown value is answered as: `mapError`'s answer when it gives
 * one, else the thrown value; a throw inside `mapError` is answered instead.
 *
 * @example
 * ```ts
 * mappedError(settings, new UniqueViolation('email'), request) // conflict('Email already registered', ...)
 * ```
 */
export function mappedError (settings: CommonSettings, thrown: unknown, request: unknown): unknown {
  if (settings.mapError === undefined) return thrown
  try {
    return settings.mapError(thrown, request) ?? thrown
  } catch (failure) {
    return failure
  }
}

function functionOption<F> (name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') fail(name, 'a function', value)
  return value as F
}

function levelOption (name: string, value: unknown, fallback: LogLevel): LogLevel {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !LEVELS.has(value)) fail(name, `one of ${[...LEVELS].join(', ')}`, value)
  return value as LogLevel
}

function headerNames (value: unknown): ReadonlySet<string> {
  if (value === undefined) return defaultHeaderNames
  if (!Array.isArray(value)) fail('errorHeaders', 'an array of header names', value)
  const names = new Set(defaultHeaderNames)
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i]
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) fail(`errorHeaders[${i}]`, 'a header name', name)
    if (refusedHeaderNames.has(name.toLowerCase())) {
      fail(`errorHeaders[${i}]`, `a header an error may set, not one of ${[...refusedHeaderNames].join(', ')}`, name)
    }
    names.add(name.toLowerCase())
  }
  return names
}

// A user's generator runs on every request: whatever it returns or throws,
// the request gets a valid id.
function checkedGenerator (generate: () => string): () => string {
  return function generateCheckedRequestId () {
    let id: unknown
    try {
      id = generate()
    } catch {
      return generateRequestId()
    }
    return isValidRequestId(id) ? id : generateRequestId()
  }
}

/**
 * The settings of `normalizeError()` for an adapter: the common options it
 * reads (`exposeServerErrors`, `errorHeaders`, `validation.status`), built
 * here once for every adapter, and what only the adapter knows: its
 * framework's errors (`recognize`), the status preset on its response
 * (`presetStatus`), its schema failures (`fromValidation`).
 *
 * @example
 * ```ts
 * normalizeError(thrown, normalizerSettings(settings, { recognize: recognizeExpressError }), res)
 * ```
 */
export function normalizerSettings (settings: CommonSettings, own: Pick<NormalizeSettings, 'recognize' | 'presetStatus' | 'fromValidation'> = {}): NormalizeSettings {
  return {
    exposeServerErrors: settings.exposeServerErrors,
    errorHeaders: settings.errorHeaders,
    validationStatus: settings.validation.status,
    ...own
  }
}
