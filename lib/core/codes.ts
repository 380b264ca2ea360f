import { STATUS_CODES } from 'node:http'

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
export const defaultCodes: Readonly<Record<number, CodeEntry>> = Object.freeze({
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

const derived = new Map<number, CodeEntry>()

/**
 * The default entry for any status from 400 to 599: the table's row, or one
 * derived from Node's reason phrase (`418` becomes `im_a_teapot`).
 * A status outside 400-599 is treated as 500.
 *
 * @example
 * ```ts
 * import { codeFor } from 'error-envelope'
 * codeFor(418).code // 'im_a_teapot'
 * codeFor(200).code // 'internal_error'
 * ```
 */
export function codeFor (status: number): CodeEntry {
  const known = defaultCodes[status]
  if (known !== undefined) return known
  if (!isErrorStatus(status)) return defaultCodes[500]
  let found = derived.get(status)
  if (found === undefined) {
    found = deriveEntry(status)
    derived.set(status, found)
  }
  return found
}

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

function deriveEntry (status: number): CodeEntry {
  const phrase = STATUS_CODES[status]
  if (phrase === undefined) {
    return entry(status, `http_${status}`, status >= 500 ? 'Server error' : 'Request error')
  }
  // "I'm a Teapot" reads as im_a_teapot: an apostrophe joins, it does not separate.
  const code = phrase.toLowerCase().replace(/'/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  // Sentence case that keeps acronyms: "URI Too Long" reads "URI too long".
  const words = phrase.split(' ').map((word, i) => i === 0 || word === word.toUpperCase() ? word : word.toLowerCase())
  return entry(status, code, words.join(' '))
}

function entry (status: number, code: string, message: string, type = typeForStatus(status)): CodeEntry {
  return Object.freeze({ status, code, type, message })
}
