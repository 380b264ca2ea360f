// The table of default codes as plain data: no Node module, no dependency,
// so that the server (codes.ts) and the browser client read the same rows.

/**
 * What an envelope says by default for one HTTP status.
 *
 * @example
 * ```ts
 * import { codeFor } from 'error-envelope'
 * codeFor(404) // { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' }
 * ```
 */
export interface CodeEntry {
  /** The HTTP status, 400-599. */
  readonly status: number
  /** Machine-readable reason, stable across releases. */
  readonly code: string
  /** Category a client can switch on. */
  readonly type: string
  /** The generic phrase, shown when the real message must stay private. */
  readonly message: string
}

const table = Object.freeze({
  400: entry(400, 'bad_request', 'Bad request'),
  401: entry(401, 'unauthorized', 'Unauthorized', 'authentication_error'),
  402: entry(402, 'payment_required', 'Payment required'),
  403: entry(403, 'forbidden', 'Forbidden', 'permission_error'),
  404: entry(404, 'not_found', 'Not found'),
  405: entry(405, 'method_not_allowed', 'Method not allowed'),
  409: entry(409, 'conflict', 'Conflict'),
  410: entry(410, 'gone', 'Gone'),
  412: entry(412, 'precondition_failed', 'Precondition failed'),
  413: entry(413, 'payload_too_large', 'Request body is too large'),
  415: entry(415, 'unsupported_media_type', 'Unsupported media type'),
  422: entry(422, 'unprocessable_entity', 'Unprocessable entity', 'validation_error'),
  423: entry(423, 'locked', 'Locked'),
  429: entry(429, 'rate_limit_exceeded', 'Too many requests', 'rate_limit_error'),
  500: entry(500, 'internal_error', 'Internal server error'),
  501: entry(501, 'not_implemented', 'Not implemented'),
  502: entry(502, 'bad_gateway', 'Bad gateway'),
  503: entry(503, 'service_unavailable', 'Service unavailable'),
  504: entry(504, 'gateway_timeout', 'Gateway timeout')
})

/**
 * Every default code and type, keyed by status. The README's code table is
 * checked against this table by a test, so the two cannot drift apart.
 *
 * @example
 * ```ts
 * import { defaultCodes } from 'error-envelope'
 * defaultCodes[429].code // 'rate_limit_exceeded'
 * ```
 */
export const defaultCodes: Readonly<Record<number, CodeEntry>> = table

/**
 * Codes that are not the default of their status: a request body that is not
 * JSON, a schema failure, a bad parameter.
 *
 * @example
 * ```ts
 * import { specialCodes } from 'error-envelope'
 * specialCodes.invalidJson // { status: 400, code: 'invalid_json', ... }
 * ```
 */
export const specialCodes = Object.freeze({
  invalidJson: entry(400, 'invalid_json', 'Request body is not valid JSON'),
  validationFailed: entry(422, 'validation_failed', 'Validation failed', 'validation_error'),
  invalidParameter: entry(400, 'invalid_parameter', 'Invalid parameter')
})

/**
 * Every code the package itself answers with, as a union type: the default
 * code of each status of the table and the special codes.
 *
 * @example
 * ```ts
 * import type { BuiltInErrorCode } from 'error-envelope'
 * const code: BuiltInErrorCode = 'validation_failed'
 * ```
 */
export type BuiltInErrorCode = (typeof table)[keyof typeof table]['code'] | (typeof specialCodes)[keyof typeof specialCodes]['code']

/**
 * Every code of a catalog made by `defineErrors()`, built-in codes included,
 * as a union type: what a client can `switch` on exhaustively.
 *
 * @example
 * ```ts
 * import { defineErrors, type ErrorCodeOf } from 'error-envelope'
 * const errors = defineErrors({ order_already_shipped: { status: 409, message: 'Order {id} has shipped' } })
 * type ApiErrorCode = ErrorCodeOf<typeof errors> // 'order_already_shipped' | 'not_found' | 'validation_failed' | ...
 * ```
 */
export type ErrorCodeOf<Catalog> = (keyof Catalog & string) | BuiltInErrorCode

/**
 * The type a status belongs to when the table names none:
 * `api_error` for 5xx, `invalid_request_error` for every other 4xx.
 *
 * @example
 * ```ts
 * import { typeForStatus } from 'error-envelope'
 * typeForStatus(410) // 'invalid_request_error'
 * ```
 */
export function typeForStatus (status: number): string {
  return status >= 500 ? 'api_error' : 'invalid_request_error'
}

/**
 * Whether a value is an integer HTTP error status, 400 to 599.
 *
 * @example
 * ```ts
 * import { isErrorStatus } from 'error-envelope'
 * isErrorStatus(404) // true
 * isErrorStatus('404') // false
 * ```
 */
export function isErrorStatus (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599
}

/**
 * The code a reason phrase reads as: `I'm a Teapot` is `im_a_teapot` (an
 * apostrophe joins, it does not separate); no phrase gives `http_<status>`.
 *
 * @example
 * ```ts
 * codeOfPhrase(418, "I'm a Teapot") // 'im_a_teapot'
 * codeOfPhrase(599, '') // 'http_599'
 * ```
 */
export function codeOfPhrase (status: number, phrase: string | undefined): string {
  const code = (phrase ?? '').toLowerCase().replace(/'/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  return /^[a-z]/.test(code) ? code.slice(0, 64) : `http_${status}`
}

function entry<Code extends string> (status: number, code: Code, message: string, type = typeForStatus(status)): CodeEntry & { readonly code: Code } {
  return Object.freeze({ status, code, type, message })
}
