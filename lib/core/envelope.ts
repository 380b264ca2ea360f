import type { ErrorDetail } from './api-error.js'
import type { RequestPart } from './field-path.js'

/**
 * An error as it will be answered, whatever was thrown: the output of
 * `normalizeError()` and the input of `serializeEnvelope()`.
 *
 * @example
 * ```ts
 * const answer: NormalizedError = {
 *   status: 404, code: 'not_found', type: 'invalid_request_error',
 *   message: 'Widget w_1 not found', param: 'id'
 * }
 * ```
 */
export interface NormalizedError {
  status: number
  code: string
  type: string
  message: string
  param?: string
  details?: ErrorDetail[]
  /** The part of the request the `details` are about, when the package knows it (schema failures). */
  part?: RequestPart
  /** The detail named after `part` is about the whole part (the body is not an object), not about a field of that name. */
  wholePart?: boolean
  /** Headers to send, already filtered and checked. */
  headers?: Record<string, string>
}

/**
 * The JSON body of every error response.
 *
 * @example
 * ```ts
 * const body: Envelope = {
 *   error: { code: 'not_found', message: 'Not found', type: 'invalid_request_error', request_id: 'req_1' }
 * }
 * ```
 */
export interface Envelope {
  error: {
    code: string
    message: string
    type: string
    param?: string
    details?: ErrorDetail[]
    request_id: string
    doc_url?: string
  }
}

/**
 * The envelope of an error as a plain object.
 *
 * @example
 * ```ts
 * import { buildEnvelope, notFound, normalizeError } from 'error-envelope'
 * buildEnvelope(normalizeError(notFound()), 'req_1')
 * // { error: { code: 'not_found', message: 'Not found', type: 'invalid_request_error', request_id: 'req_1' } }
 * ```
 */
export function buildEnvelope (error: NormalizedError, requestId: string): Envelope {
  return JSON.parse(serializeEnvelope(error, requestId)) as Envelope
}

/**
 * The envelope of an error as JSON text, written field by field in the
 * contract's order: no object is built and no generic serializer runs, which
 * keeps the error path as cheap as a static response.
 *
 * @example
 * ```ts
 * import { serializeEnvelope } from 'error-envelope'
 * serializeEnvelope({ status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' }, 'req_1')
 * // '{"error":{"code":"not_found","message":"Not found","type":"invalid_request_error","request_id":"req_1"}}'
 * ```
 */
export function serializeEnvelope (error: NormalizedError, requestId: string, docUrl?: string): string {
  return closeEnvelope(envelopeHead(error), requestId, docUrl)
}

/**
 * The envelope's text up to its request id, for an answer sent many times
 * (the 404 of a path): built once, closed per request by `closeEnvelope()`.
 *
 * @example
 * ```ts
 * envelopeHead({ status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' })
 * // '{"error":{"code":"not_found","message":"Not found","type":"invalid_request_error","request_id":"'
 * ```
 */
export function envelopeHead (error: NormalizedError): string {
  let json = '{"error":{"code":"' + error.code +
    '","message":' + quote(error.message) +
    ',"type":"' + error.type + '"'
  if (error.param !== undefined) json += ',"param":' + quote(error.param)
  if (error.details !== undefined) json += ',"details":' + serializeDetails(error.details)
  return json + ',"request_id":"'
}

/**
 * Ends an envelope begun by `envelopeHead()` with its request id, and the
 * `doc_url` of its code when the catalog has a page.
 *
 * @example
 * ```ts
 * closeEnvelope(envelopeHead(answer), 'req_1') // '{"error":{…,"request_id":"req_1"}}'
 * closeEnvelope(envelopeHead(answer), 'req_1', '/errors#not_found') // '{"error":{…,"request_id":"req_1","doc_url":"/errors#not_found"}}'
 * ```
 */
export function closeEnvelope (head: string, requestId: string, docUrl?: string): string {
  // Request ids are checked against ^[A-Za-z0-9][A-Za-z0-9._:=-]*$ before
  // they get here, so they need no escaping; codes and types likewise.
  if (docUrl === undefined) return head + requestId + '"}}'
  return head + requestId + '","doc_url":' + quote(docUrl) + '}}'
}

function serializeDetails (details: readonly ErrorDetail[]): string {
  let json = '['
  for (let i = 0; i < details.length; i++) {
    if (i > 0) json += ','
    const detail = details[i]
    json += '{"field":' + quote(detail.field) + ',"message":' + quote(detail.message) + '}'
  }
  return json + ']'
}

// What JSON.stringify() escapes in a string: a quote, a backslash, a control
// character and a lone surrogate (any surrogate here, paired or not, to keep
// the test simple). A string without them is its own JSON text between
// quotes: the test costs about a third of JSON.stringify() on a message.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

function quote (value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : '"' + value + '"'
}
