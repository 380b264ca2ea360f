import { booleanOption, fail, objectOption } from '../core/option-checks.js'
import { defaultErrorHeaders, refusedErrorHeaders } from '../core/normalize.js'
import { generateRequestId, isValidRequestId } from '../core/request-id.js'
import { normalizeValidationOptions, type ValidationOptions, type ValidationSettings } from '../core/validation.js'
import { normalizeRateLimitOptions, type RateLimitOptions, type RateLimitSettings } from './rate-limit-options.js'

/** A pino level name. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * Options of the plugin. Every one is optional; the defaults are safe for
 * production.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, {
 *   requestId: { header: 'x-correlation-id' },
 *   logLevels: { clientError: 'warn' }
 * })
 * ```
 */
export interface ErrorEnvelopeOptions {
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
  /** Rate limiting with `@fastify/rate-limit`; off unless given. */
  rateLimit?: RateLimitOptions | false
}

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
}

/** The options after checking, with every default filled in. */
export interface Settings {
  exposeServerErrors: boolean
  errorHeaders: ReadonlySet<string>
  requestIdHeader: string | false
  trustIncomingRequestId: boolean
  generateRequestId: (() => string) | undefined
  clientErrorLevel: LogLevel
  serverErrorLevel: LogLevel
  validation: ValidationSettings
  rateLimit: RateLimitSettings | false
}

export const defaultRequestIdHeader = 'x-request-id'
export const defaultClientErrorLevel: LogLevel = 'info'
export const defaultServerErrorLevel: LogLevel = 'error'

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Options Fastify itself passes to every plugin it registers.
const REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers'])
const KNOWN = new Set(['exposeServerErrors', 'errorHeaders', 'requestId', 'logLevels', 'validation', 'rateLimit'])
const REQUEST_ID_KEYS = new Set(['header', 'trustIncoming', 'generate'])
const LOG_LEVEL_KEYS = new Set(['clientError', 'serverError'])

/**
 * Checks the plugin's options once, at registration, and fills in the
 * defaults. A wrong option throws a `TypeError` that names it and says what
 * was given.
 *
 * @example
 * ```ts
 * normalizeOptions({ exposeServerErrors: 'yes' })
 * // TypeError: error-envelope option "exposeServerErrors" must be a boolean, instead got "yes"
 * ```
 */
export function normalizeOptions (options: unknown): Settings {
  const given = objectOption('options', options ?? {}) as ErrorEnvelopeOptions & Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key) && !REGISTER_OPTIONS.has(key)) {
      throw new TypeError(`error-envelope does not know the option "${key}"; known options: ${[...KNOWN].join(', ')}`)
    }
  }
  const requestId = nestedOption('requestId', given.requestId, REQUEST_ID_KEYS) as RequestIdOptions
  const logLevels = nestedOption('logLevels', given.logLevels, LOG_LEVEL_KEYS) as NonNullable<ErrorEnvelopeOptions['logLevels']>
  const header = requestId.header === undefined ? defaultRequestIdHeader : requestId.header
  if (header !== false && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    fail('requestId.header', 'a header name or false', header)
  }
  const generate = requestId.generate
  if (generate !== undefined && typeof generate !== 'function') fail('requestId.generate', 'a function', generate)
  return {
    exposeServerErrors: booleanOption('exposeServerErrors', given.exposeServerErrors, false),
    errorHeaders: headerNames(given.errorHeaders),
    requestIdHeader: header === false ? false : header.toLowerCase(),
    trustIncomingRequestId: booleanOption('requestId.trustIncoming', requestId.trustIncoming, true),
    generateRequestId: generate === undefined ? undefined : checkedGenerator(generate),
    clientErrorLevel: levelOption('logLevels.clientError', logLevels.clientError, defaultClientErrorLevel),
    serverErrorLevel: levelOption('logLevels.serverError', logLevels.serverError, defaultServerErrorLevel),
    validation: normalizeValidationOptions(given.validation),
    rateLimit: normalizeRateLimitOptions(given.rateLimit)
  }
}

// An object option: left out means its defaults; anything else, null
// included, must be an object whose keys are all known.
function nestedOption (name: string, value: unknown, known: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined) return {}
  const given = objectOption(name, value)
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      throw new TypeError(`error-envelope does not know the option "${name}.${key}"; known options of ${name}: ${[...known].join(', ')}`)
    }
  }
  return given
}

function levelOption (name: string, value: unknown, fallback: LogLevel): LogLevel {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !LEVELS.has(value)) fail(name, `one of ${[...LEVELS].join(', ')}`, value)
  return value as LogLevel
}

function headerNames (value: unknown): ReadonlySet<string> {
  if (value === undefined) return defaultErrorHeaders
  if (!Array.isArray(value)) fail('errorHeaders', 'an array of header names', value)
  const names = new Set(defaultErrorHeaders)
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i]
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) fail(`errorHeaders[${i}]`, 'a header name', name)
    if (refusedErrorHeaders.has(name.toLowerCase())) {
      fail(`errorHeaders[${i}]`, `a header an error may set, not one of ${[...refusedErrorHeaders].join(', ')}`, name)
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
