import { isApiError, isIdentifier, type ApiError, type ErrorDetail, type ErrorHeaders } from './api-error.js'
import { clip } from './clip.js'
import { codeFor, isErrorStatus, type CodeEntry } from './codes.js'
import type { NormalizedError } from './envelope.js'
import { readOnlySet } from './read-only-set.js'
import { readField } from './safe-read.js'
import { kWholePart, validationEntry, validationPartOf, type RequestPart, type ValidationStatus } from './validation.js'

/**
 * Settings of `normalizeError()`.
 *
 * @example
 * ```ts
 * normalizeError(err, { exposeServerErrors: true, errorHeaders: new Set(['x-quota']) })
 * ```
 */
export interface NormalizeSettings {
  /** Show the real message of a 5xx that no helper made. For local development only. */
  exposeServerErrors?: boolean
  /** Header names (lower case) an error may set, on top of the default allowlist. */
  errorHeaders?: ReadonlySet<string>
  /**
   * Turns a schema failure (`error.validation`) into an answer; see `validation.ts`.
   * `context` is what the caller gave `normalizeError()` (the Fastify plugin gives the reply).
   */
  fromValidation?: (error: object, context?: unknown) => NormalizedError | undefined
  /**
   * The client-error status the application chose before it threw (Fastify's
   * `reply.code(400); throw new Error('Title too long')`), used for a thrown
   * value that carries no status of its own. Only 4xx counts.
   */
  presetStatus?: (context?: unknown) => number | undefined
  /**
   * The adapter's own errors, recognised by their code or type (Fastify's
   * `FST_ERR_*`, body-parser's `entity.parse.failed`): the fixed answer of
   * such an error, or `undefined` for any other value.
   */
  recognize?: (thrown: object) => NormalizedError | undefined
  /**
   * The status of a schema failure of each part (the `validation.status`
   * option), applied to a failure thrown by `validate()` as to a route's.
   */
  validationStatus?: Readonly<Record<RequestPart, ValidationStatus>>
}

/** The longest message an envelope carries (the contract's limit). */
export const MAX_MESSAGE_LENGTH = 1024
/** The most `details` an envelope carries (the contract's limit). */
export const MAX_DETAILS = 100
const MAX_FIELD_LENGTH = 256

// The sets the package reads; the exported ones are read-only copies, so
// that no module can let `Set-Cookie` through for the whole process.
/** Headers an error may never set (the private set of `refusedErrorHeaders`). */
export const refusedHeaderNames: ReadonlySet<string> = new Set([
  // The answer's own framing and type: two of them make the message
  // ambiguous for every proxy on the way (request smuggling).
  'content-length',
  'content-type',
  'transfer-encoding',
  'trailer',
  // Hop-by-hop headers (RFC 9110 section 7.6.1) and the request's host.
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'upgrade',
  'host',
  // An error never sets cookies.
  'set-cookie'
])

/** Headers an error may set by default (the private set of `defaultErrorHeaders`). */
export const defaultHeaderNames: ReadonlySet<string> = new Set([
  'allow',
  'cache-control',
  'content-language',
  'link',
  'location',
  'proxy-authenticate',
  'ratelimit',
  'ratelimit-limit',
  'ratelimit-policy',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'vary',
  'www-authenticate',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset'
])

/**
 * Headers an error may never set, whatever `errorHeaders` lists: the
 * response's framing and content type, hop-by-hop headers, `host` and
 * `set-cookie`. Naming one in `errorHeaders` fails at registration. A
 * frozen, read-only copy: it has no `add`, `delete` or `clear`, and the
 * package reads its own set.
 *
 * @example
 * ```ts
 * import { refusedErrorHeaders } from 'error-envelope'
 * refusedErrorHeaders.has('transfer-encoding') // true
 * ```
 */
export const refusedErrorHeaders: ReadonlySet<string> = readOnlySet(refusedHeaderNames)

/**
 * Headers an `ApiError` or `http-errors` error may set on its response.
 * Anything else (`Set-Cookie` above all) is dropped: an error describes a
 * failure, it does not change the client's state. A frozen, read-only
 * copy: the `errorHeaders` option adds names, and the package reads its
 * own set.
 *
 * @example
 * ```ts
 * import { defaultErrorHeaders } from 'error-envelope'
 * defaultErrorHeaders.has('retry-after') // true
 * ```
 */
export const defaultErrorHeaders: ReadonlySet<string> = readOnlySet(defaultHeaderNames)

const fallback = codeFor(500)

/**
 * Turns anything that was thrown into the answer it gets. Never throws, never
 * calls a getter, `toJSON` or `toString` of the value outside a guard, and
 * never lets a 5xx's own message, stack or cause through unless it came from
 * a helper (or `exposeServerErrors` is on).
 *
 * @example
 * ```ts
 * import { normalizeError } from 'error-envelope'
 * normalizeError(new Error('db password is hunter2'))
 * // { status: 500, code: 'internal_error', type: 'api_error', message: 'Internal server error' }
 * ```
 */
export function normalizeError (thrown: unknown, settings: NormalizeSettings = {}, context?: unknown): NormalizedError {
  try {
    return normalize(thrown, settings, context)
  } catch {
    return fromEntry(fallback)
  }
}

function normalize (thrown: unknown, settings: NormalizeSettings, context: unknown): NormalizedError {
  if (typeof thrown !== 'object' || thrown === null) return fromEntry(fallback)

  if (isApiError(thrown)) return fromApiError(thrown, settings)

  if (Array.isArray(readField(thrown, 'validation')) && settings.fromValidation !== undefined) {
    const answer = settings.fromValidation(thrown, context)
    if (answer !== undefined) return answer
  }

  const recognized = settings.recognize?.(thrown)
  if (recognized !== undefined) return recognized

  if (readField(thrown, 'isBoom') === true) return fromBoom(thrown, settings)

  const status = statusOf(thrown, settings.presetStatus?.(context))
  const entry = codeFor(status)
  const message = readField(thrown, 'message')
  const expose = isHttpError(thrown, status) ? readField(thrown, 'expose') === true : status < 500
  const answer: NormalizedError = {
    status,
    code: entry.code,
    type: entry.type,
    message: (expose || settings.exposeServerErrors === true) && typeof message === 'string' ? message : entry.message
  }
  // Only http-errors errors carry headers meant for the response; an
  // arbitrary object's `headers` may be a driver's request headers.
  const headers = isHttpError(thrown, status) ? readField(thrown, 'headers') : undefined
  return finish(answer, undefined, undefined, headers as ErrorHeaders | undefined, settings)
}

// An ApiError's fields are checked when it is made, but they are plain
// properties: a later assignment, or an object that copies the brand, can
// still bring a status, code or type that the envelope cannot carry. The
// fields are read in one guarded block, as named loads on the error's own
// shape (a guarded read per field was a keyed load each, most of the cost
// of a thrown helper's answer); a getter that throws makes it a 500.
function fromApiError (thrown: ApiError, settings: NormalizeSettings): NormalizedError {
  let status: unknown, code: unknown, type: unknown, message: unknown, expose: unknown
  let param: unknown, details: unknown, headers: unknown
  try {
    ({ status, code, type, message, expose, param, details, headers } = thrown as Record<keyof ApiError, unknown>)
  } catch {
    return fromEntry(fallback)
  }
  if (!isErrorStatus(status)) return fromEntry(fallback)
  let answered: number = status
  const part = settings.validationStatus === undefined ? undefined : validationPartOf(thrown)
  if (part !== undefined) {
    answered = (settings.validationStatus as Record<RequestPart, ValidationStatus>)[part]
    const restated = validationEntry(answered as ValidationStatus, part)
    code = restated.code
    type = restated.type
  }
  const exposed = expose === true || settings.exposeServerErrors === true
  const entry = codeFor(answered)
  const answer = finish({
    status: answered,
    code: isIdentifier(code) ? code : entry.code,
    type: isIdentifier(type) ? type : entry.type,
    message: exposed && typeof message === 'string' ? message : entry.message
  }, param, details, headers, settings)
  if (part !== undefined) {
    answer.part = part
    if ((thrown as { [kWholePart]?: unknown })[kWholePart] === true) answer.wholePart = true
  }
  return answer
}

function fromBoom (thrown: object, settings: NormalizeSettings): NormalizedError {
  const output = readField(thrown, 'output')
  const outputStatus = output === undefined ? undefined : readField(output, 'statusCode')
  const status = isErrorStatus(outputStatus) ? outputStatus : 500
  const entry = codeFor(status)
  const payload = output === undefined ? undefined : readField(output, 'payload')
  const message = payload === undefined ? undefined : readField(payload, 'message')
  return finish({
    status,
    code: entry.code,
    type: entry.type,
    message: (status < 500 || settings.exposeServerErrors === true) && typeof message === 'string' ? message : entry.message
  }, undefined, undefined, undefined, settings)
}

/**
 * The status of a thrown value, as Fastify and http-errors read it:
 * `statusCode`, else `status`, when an integer from 400 to 599; else the
 * client-error status the application set before it threw; else 500.
 */
function statusOf (thrown: object, preset: number | undefined): number {
  const statusCode = readField(thrown, 'statusCode')
  if (isErrorStatus(statusCode)) return statusCode
  const status = readField(thrown, 'status')
  if (isErrorStatus(status)) return status
  return preset !== undefined && isErrorStatus(preset) && preset < 500 ? preset : 500
}

// http-errors 2.0 isHttpError(), with the status already read through a guard.
function isHttpError (thrown: object, status: number): boolean {
  return thrown instanceof Error &&
    typeof readField(thrown, 'expose') === 'boolean' &&
    readField(thrown, 'statusCode') === status &&
    readField(thrown, 'status') === status
}

/**
 * The answer of a table entry, with its own message or another one. Fields
 * are copied one by one: spreading a frozen entry (`{ ...entry }`) takes V8's
 * slow path, six times the cost, on every error that uses it.
 *
 * @example
 * ```ts
 * fromEntry(codeFor(404), 'No route for GET /x')
 * // { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'No route for GET /x' }
 * ```
 */
export function fromEntry (entry: CodeEntry, message: string = entry.message): NormalizedError {
  return { status: entry.status, code: entry.code, type: entry.type, message }
}

function finish (
  answer: NormalizedError,
  param: unknown,
  details: unknown,
  headers: unknown,
  settings: NormalizeSettings
): NormalizedError {
  answer.message = capMessage(answer.message, answer.status)
  const cleanDetails = cleanDetailList(details)
  if (cleanDetails !== undefined) answer.details = cleanDetails
  if (typeof param === 'string' && param.length > 0) {
    answer.param = clip(param, MAX_FIELD_LENGTH)
  }
  const cleanHeaders = cleanHeaderList(headers, settings.errorHeaders)
  if (cleanHeaders !== undefined) answer.headers = cleanHeaders
  return answer
}

/**
 * A message fit for the contract: a non-empty string of at most 1024
 * characters, or the status's generic phrase.
 */
export function capMessage (message: unknown, status: number): string {
  if (typeof message !== 'string' || message.length === 0) return codeFor(status).message
  return clip(message, MAX_MESSAGE_LENGTH)
}

function cleanDetailList (details: unknown): ErrorDetail[] | undefined {
  if (!Array.isArray(details)) return undefined
  const clean: ErrorDetail[] = []
  for (let i = 0; i < details.length && clean.length < MAX_DETAILS; i++) {
    const detail: unknown = details[i]
    if (typeof detail !== 'object' || detail === null) continue
    const field = readField(detail, 'field')
    const message = readField(detail, 'message')
    if (typeof field !== 'string' || field.length === 0 || typeof message !== 'string' || message.length === 0) continue
    clean.push({ field: clip(field, MAX_FIELD_LENGTH), message: clip(message, MAX_MESSAGE_LENGTH) })
  }
  return clean.length > 0 ? clean : undefined
}

// A header value Node would accept: no CR, LF or other control character.
const SAFE_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

function cleanHeaderList (headers: unknown, extra: ReadonlySet<string> | undefined): Record<string, string> | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined
  let clean: Record<string, string> | undefined
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase()
    if ((!defaultHeaderNames.has(lower) && extra?.has(lower) !== true) || refusedHeaderNames.has(lower)) continue
    const raw = readField(headers, name)
    // join() would call each element's toString: only strings and numbers join.
    const value = Array.isArray(raw) ? (raw.every(isHeaderPart) ? raw.join(', ') : undefined) : raw
    if ((typeof value !== 'string' && typeof value !== 'number') || !SAFE_HEADER_VALUE.test(String(value))) continue
    clean ??= {}
    clean[lower] = String(value)
  }
  return clean
}

function isHeaderPart (value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number'
}
