import { specialCodes } from './codes.js'
import { ApiError, type ApiErrorOptions, type ErrorHeaders } from './api-error.js'
import { describe } from './describe.js'
import { MisuseError } from './misuse.js'
import { readField } from './safe-read.js'

/**
 * Options of `unauthorized()`: `challenge` is the `WWW-Authenticate` value.
 *
 * @example
 * ```ts
 * unauthorized('Token expired', { challenge: 'Bearer error="invalid_token"' })
 * ```
 */
export interface UnauthorizedOptions extends ApiErrorOptions {
  /** The `WWW-Authenticate` challenge; default `Bearer`. */
  challenge?: string
}

/**
 * Options of `methodNotAllowed()`: `allow` lists the methods for the `Allow` header.
 *
 * @example
 * ```ts
 * methodNotAllowed(undefined, { allow: ['GET', 'HEAD'] })
 * ```
 */
export interface MethodNotAllowedOptions extends ApiErrorOptions {
  allow?: readonly string[]
}

/**
 * Options of `tooManyRequests()` and `serviceUnavailable()`: `retryAfter`
 * sets `Retry-After` in whole seconds.
 *
 * @example
 * ```ts
 * serviceUnavailable('Down for maintenance', { retryAfter: 120 })
 * ```
 */
export interface RetryAfterOptions extends ApiErrorOptions {
  retryAfter?: number
}

/**
 * 400 `bad_request`.
 *
 * @example
 * ```ts
 * throw badRequest('Cursor is malformed', { param: 'cursor' })
 * ```
 */
export function badRequest (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(400, message, options)
}

/**
 * 401 `unauthorized` / `authentication_error`, with `WWW-Authenticate: Bearer`
 * unless `challenge` or `headers` say otherwise.
 *
 * @example
 * ```ts
 * throw unauthorized('Invalid API key')
 * ```
 */
export function unauthorized (message?: string, options: UnauthorizedOptions = {}): ApiError {
  const { challenge = 'Bearer', ...rest } = options
  if (typeof challenge !== 'string' || challenge.length === 0) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: unauthorized option "challenge" must be a non-empty string, instead got ${describe(challenge)}`)
  }
  return new ApiError(401, message, withHeader(rest, 'www-authenticate', challenge))
}

/**
 * 402 `payment_required`.
 *
 * @example
 * ```ts
 * throw paymentRequired('Your plan does not include exports')
 * ```
 */
export function paymentRequired (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(402, message, options)
}

/**
 * 403 `forbidden` / `permission_error`.
 *
 * @example
 * ```ts
 * throw forbidden('This key cannot write invoices')
 * ```
 */
export function forbidden (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(403, message, options)
}

/**
 * 404 `not_found`.
 *
 * @example
 * ```ts
 * throw notFound('Widget w_1 not found', { param: 'id' })
 * ```
 */
export function notFound (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(404, message, options)
}

/**
 * 405 `method_not_allowed`; `allow` sets the `Allow` header.
 *
 * @example
 * ```ts
 * throw methodNotAllowed('Invoices cannot be deleted', { allow: ['GET', 'HEAD'] })
 * ```
 */
export function methodNotAllowed (message?: string, options: MethodNotAllowedOptions = {}): ApiError {
  const { allow, ...rest } = options
  if (allow === undefined) return new ApiError(405, message, rest)
  if (!Array.isArray(allow) || !allow.every((method) => typeof method === 'string')) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: methodNotAllowed option "allow" must be an array of method names, instead got ${describe(allow)}`)
  }
  return new ApiError(405, message, withHeader(rest, 'allow', allow.join(', ')))
}

/**
 * 409 `conflict`.
 *
 * @example
 * ```ts
 * throw conflict('Email already registered', { param: 'email' })
 * ```
 */
export function conflict (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(409, message, options)
}

/**
 * 410 `gone`.
 *
 * @example
 * ```ts
 * throw gone('API v1 was retired on 2026-01-01; use /v2')
 * ```
 */
export function gone (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(410, message, options)
}

/**
 * 412 `precondition_failed`.
 *
 * @example
 * ```ts
 * throw preconditionFailed('The widget changed since you read it', { param: 'If-Match' })
 * ```
 */
export function preconditionFailed (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(412, message, options)
}

/**
 * 413 `payload_too_large`.
 *
 * @example
 * ```ts
 * throw payloadTooLarge('An upload is at most 10 MB')
 * ```
 */
export function payloadTooLarge (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(413, message, options)
}

/**
 * 415 `unsupported_media_type`.
 *
 * @example
 * ```ts
 * throw unsupportedMediaType('Upload a PNG or a JPEG')
 * ```
 */
export function unsupportedMediaType (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(415, message, options)
}

/**
 * 422, for business rules that a schema cannot express. With `details`, it
 * answers as a schema failure does, so that a client has one rule for field
 * errors: `validation_failed` / `validation_error`, `param` the first field
 * (unless you give `code` or `param`). Without them, `unprocessable_entity`
 * / `validation_error`.
 *
 * @example
 * ```ts
 * throw unprocessable('Email already registered', {
 *   details: [{ field: 'email', message: 'is already taken' }]
 * })
 * // 422 {"error":{"code":"validation_failed","message":"Email already registered","type":"validation_error","param":"email","details":[…],…}}
 * ```
 */
export function unprocessable (message?: string, options?: ApiErrorOptions): ApiError {
  const field = firstField(options?.details)
  if (field === undefined) return new ApiError(422, message, options)
  return new ApiError(422, message, {
    ...options,
    code: options?.code ?? specialCodes.validationFailed.code,
    param: options?.param ?? field
  })
}

// The field of the first detail the envelope will carry (a non-empty field
// and message), if any; read through guards, as the envelope reads them.
function firstField (details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined
  for (const detail of details) {
    const field = readField(detail, 'field')
    const message = readField(detail, 'message')
    if (typeof field === 'string' && field !== '' && typeof message === 'string' && message !== '') return field
  }
  return undefined
}

/**
 * 423 `locked`.
 *
 * @example
 * ```ts
 * throw locked('The invoice is being finalised')
 * ```
 */
export function locked (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(423, message, options)
}

/**
 * 429 `rate_limit_exceeded` / `rate_limit_error`; `retryAfter` sets `Retry-After`.
 *
 * @example
 * ```ts
 * throw tooManyRequests('Daily export quota used up', { retryAfter: 3600 })
 * ```
 */
export function tooManyRequests (message?: string, options: RetryAfterOptions = {}): ApiError {
  return new ApiError(429, message, withRetryAfter(options))
}

/**
 * 500 `internal_error` / `api_error`. Its message is shown, as it is written
 * for the client; pass `expose: false` to answer the generic phrase.
 *
 * @example
 * ```ts
 * throw internalError('Export failed, retry later', { cause: err })
 * ```
 */
export function internalError (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(500, message, options)
}

/**
 * 501 `not_implemented`.
 *
 * @example
 * ```ts
 * throw notImplemented('Bulk delete is not available yet')
 * ```
 */
export function notImplemented (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(501, message, options)
}

/**
 * 502 `bad_gateway`.
 *
 * @example
 * ```ts
 * throw badGateway('The payment provider answered an error', { cause: err })
 * ```
 */
export function badGateway (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(502, message, options)
}

/**
 * 503 `service_unavailable`; `retryAfter` sets `Retry-After`.
 *
 * @example
 * ```ts
 * throw serviceUnavailable('Down for maintenance', { retryAfter: 120 })
 * ```
 */
export function serviceUnavailable (message?: string, options: RetryAfterOptions = {}): ApiError {
  return new ApiError(503, message, withRetryAfter(options))
}

/**
 * 504 `gateway_timeout`.
 *
 * @example
 * ```ts
 * throw gatewayTimeout('The search backend did not answer in time')
 * ```
 */
export function gatewayTimeout (message?: string, options?: ApiErrorOptions): ApiError {
  return new ApiError(504, message, options)
}

function withRetryAfter (options: RetryAfterOptions): ApiErrorOptions {
  const { retryAfter, ...rest } = options
  if (retryAfter === undefined) return rest
  // Beyond MAX_SAFE_INTEGER, String() writes "1e+21", which is no delta-seconds.
  if (typeof retryAfter !== 'number' || !(retryAfter >= 0 && retryAfter <= Number.MAX_SAFE_INTEGER)) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: option "retryAfter" must be a number of seconds, instead got ${describe(retryAfter)}`)
  }
  // Retry-After is whole seconds (RFC 9110 10.2.3); never 0, which reads as "now".
  return withHeader(rest, 'retry-after', String(Math.max(1, Math.ceil(retryAfter))))
}

function withHeader (options: ApiErrorOptions, name: string, value: string): ApiErrorOptions {
  const headers: ErrorHeaders = { [name]: value }
  if (options.headers !== undefined) Object.assign(headers, options.headers)
  return { ...options, headers }
}
