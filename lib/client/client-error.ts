/**
 * What a `ClientError` was read from: the error envelope, RFC 9457 problem
 * details, or anything else (HTML from a proxy, text, other JSON, nothing).
 *
 * @example
 * ```ts
 * if (err.format === 'unknown') console.warn('not an answer of the API itself', err.status)
 * ```
 */
export type ClientErrorFormat = 'envelope' | 'problem' | 'unknown'

/**
 * One bad field of a failure: the envelope's `details[]`, or a problem's
 * `errors[]` read back as `field` and `message`.
 *
 * @example
 * ```ts
 * const detail: FieldDetail = { field: 'items[2].qty', message: 'must be >= 1' }
 * ```
 */
export interface FieldDetail {
  field: string
  message: string
}

/**
 * The fields of a `ClientError`, as `parseError()` reads them.
 *
 * @example
 * ```ts
 * const fields: ClientErrorFields = { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found',
 *   details: [], fieldErrors: {}, retryable: false, format: 'envelope', body: undefined }
 * ```
 */
export interface ClientErrorFields<Code extends string = string> {
  status: number
  code: Code
  type: string
  message: string
  param?: string
  details: FieldDetail[]
  fieldErrors: Record<string, string[]>
  requestId?: string
  docUrl?: string
  retryAfterMs?: number
  retryable: boolean
  format: ClientErrorFormat
  body: unknown
}

const kClientError = Symbol.for('error-envelope.client-error')

/**
 * A failed response of the API, read: its status, its code (narrowed to
 * `Code`, e.g. the `ApiErrorCode` union that `npx error-envelope types`
 * writes), the API's message, the bad fields as a list and per field, the
 * request id, the documentation link and when to retry.
 *
 * @example
 * ```ts
 * import { readError, type ClientError } from 'error-envelope/client'
 * const err: ClientError = await readError(await fetch('/widgets/w_1'))
 * err.code // 'not_found'
 * ```
 */
export class ClientError<Code extends string = string> extends Error {
  /** The HTTP status. */
  declare readonly status: number
  /** The machine-readable code: the body's, else the default code of the status. */
  declare readonly code: Code
  /** The category: the body's, else the one of the code or status in the package's table. */
  declare readonly type: string
  /** The offending parameter, when the API names one. */
  declare readonly param: string | undefined
  /** Every bad field, in the API's order; empty when none. */
  declare readonly details: FieldDetail[]
  /** The messages of each bad field, keyed by field: ready for a form. */
  declare readonly fieldErrors: Record<string, string[]>
  /** The body's `request_id`, else the `X-Request-Id` header. */
  declare readonly requestId: string | undefined
  /** The link to the code's documentation, when the API gives one. */
  declare readonly docUrl: string | undefined
  /** How long to wait before trying again, from `Retry-After` or the rate-limit headers. */
  declare readonly retryAfterMs: number | undefined
  /** Whether the same request may succeed later: 408, 429, 502, 503 and 504. */
  declare readonly retryable: boolean
  /** What the body was read as. */
  declare readonly format: ClientErrorFormat
  /** The body as it was read: parsed JSON, text, or undefined. */
  declare readonly body: unknown

  constructor (fields: ClientErrorFields<Code>) {
    super(fields.message)
    Object.assign(this, fields)
    this.name = 'ClientError'
    Object.defineProperty(this, kClientError, { value: true })
  }
}

/**
 * Whether a value is a `ClientError`, from this copy of the package or
 * another (ES module and CommonJS builds side by side).
 *
 * @example
 * ```ts
 * try { await save() } catch (error) { if (isClientError(error)) showBanner(error.message) }
 * ```
 */
export function isClientError<Code extends string = string> (value: unknown): value is ClientError<Code> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kClientError] === true
}
