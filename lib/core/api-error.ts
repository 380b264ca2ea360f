import { codeFor, defaultCodes, isErrorStatus, specialCodes } from './codes.js'
import { describe } from './describe.js'
import { MisuseError } from './misuse.js'

/**
 * One entry of an envelope's `details`: a field and what is wrong with it.
 *
 * @example
 * ```ts
 * const detail: ErrorDetail = { field: 'user.email', message: 'is required' }
 * ```
 */
export interface ErrorDetail {
  field: string
  message: string
}

/**
 * Response headers an error asks for, such as `Retry-After` or `Allow`.
 *
 * @example
 * ```ts
 * const headers: ErrorHeaders = { 'retry-after': '30' }
 * ```
 */
export type ErrorHeaders = Record<string, string | number | readonly string[]>

/**
 * What every helper and `new ApiError()` accept besides the message.
 *
 * @example
 * ```ts
 * conflict('Email already registered', { param: 'email', code: 'email_taken' })
 * ```
 */
export interface ApiErrorOptions {
  /** Overrides the status's default code; `^[a-z][a-z0-9_]{0,63}$`. */
  code?: string
  /** Overrides the status's default type; `^[a-z][a-z0-9_]{0,63}$`. */
  type?: string
  /** The offending input field. */
  param?: string
  /** Every offending field, at most 100. */
  details?: readonly ErrorDetail[]
  /** Headers to send with the error response. */
  headers?: ErrorHeaders
  /** The underlying error; logged, never sent. */
  cause?: unknown
  /** Whether the client may read `message`; default true (a helper's message is written for the client). */
  expose?: boolean
  /** Capture a stack trace. Default: only for 5xx, so that throwing a 4xx stays cheap. */
  captureStack?: boolean
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,63}$/
// The table's codes and types, which nearly every answer carries: a set
// lookup for them, the pattern only for the others.
const TABLE_IDENTIFIERS: ReadonlySet<string> = new Set(
  [...Object.values(defaultCodes), ...Object.values(specialCodes)].flatMap((entry) => [entry.code, entry.type])
)
const BRAND = Symbol.for('error-envelope.ApiError')

/**
 * An error that knows how it is answered: status, code, type, message, the
 * offending field and the headers to send. `status` and `statusCode` always
 * agree, as in `http-errors`. A 4xx captures no stack trace unless asked to.
 *
 * @example
 * ```ts
 * import { ApiError } from 'error-envelope'
 * throw new ApiError(409, 'Email already registered', { param: 'email' })
 * ```
 */
export class ApiError extends Error {
  declare readonly status: number
  declare readonly statusCode: number
  declare readonly code: string
  declare readonly type: string
  declare readonly param: string | undefined
  declare readonly details: readonly ErrorDetail[] | undefined
  declare readonly headers: ErrorHeaders | undefined
  declare readonly expose: boolean

  constructor (status: number, message?: string, options: ApiErrorOptions = {}) {
    const statusOk = isErrorStatus(status)
    if (!(options.captureStack ?? (!statusOk || status >= 500))) {
      // Error's constructor costs about a microsecond here even with
      // Error.stackTraceLimit at 0, twenty times what the rest of an answer
      // costs; a 4xx is an expected answer, not a fault to trace. So it is
      // built on the same prototype without running Error's constructor:
      // `instanceof Error` and `instanceof ApiError` hold, `stack` is the
      // one-line summary a stack without frames would be. Its `message`,
      // `stack` and `cause` are plain (enumerable) properties.
      const self = Object.create(new.target.prototype) as Writable<ApiError>
      setFields(self, status, message, options)
      self.stack = `ApiError: ${self.message}`
      if (options.cause !== undefined) self.cause = options.cause
      return self
    }
    super(message ?? '', options.cause === undefined ? undefined : { cause: options.cause })
    if (!statusOk) {
      throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError expects a status from 400 to 599, instead got ${describe(status)}`)
    }
    setFields(this, status, message, options)
  }

  override get name (): string {
    return 'ApiError'
  }

  /** Marks instances across copies of the package (CommonJS and ES module builds). */
  get [BRAND] (): true {
    return true
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }

function setFields (target: ApiError, status: number, message: string | undefined, options: ApiErrorOptions): void {
  const self = target as Writable<ApiError>
  const entry = codeFor(status)
  self.status = status
  self.statusCode = status
  self.code = checkIdentifier('code', options.code ?? entry.code)
  self.type = checkIdentifier('type', options.type ?? entry.type)
  self.param = options.param
  self.details = options.details
  self.headers = options.headers
  self.expose = options.expose ?? true
  self.message = message === undefined || message === '' ? entry.message : message
}

/**
 * Whether a value is an `ApiError`, from this copy of the package or another
 * (the CommonJS and ES module builds each have their own class).
 *
 * @example
 * ```ts
 * import { isApiError, notFound } from 'error-envelope'
 * isApiError(notFound()) // true
 * isApiError(new Error('x')) // false
 * ```
 */
export function isApiError (value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false
  try {
    return (value as Record<symbol, unknown>)[BRAND] === true
  } catch {
    // A Proxy trap or a getter that throws: whatever it is, not one of ours.
    return false
  }
}

/**
 * Whether a value can be an envelope's `code` or `type`: `^[a-z][a-z0-9_]{0,63}$`.
 *
 * @example
 * ```ts
 * isIdentifier('email_taken') // true
 * isIdentifier('Email-Taken') // false
 * ```
 */
export function isIdentifier (value: unknown): value is string {
  return typeof value === 'string' && (TABLE_IDENTIFIERS.has(value) || IDENTIFIER.test(value))
}

function checkIdentifier (option: string, value: unknown): string {
  if (!isIdentifier(value)) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "${option}" must match ${IDENTIFIER}, instead got ${describe(value)}`)
  }
  return value
}
