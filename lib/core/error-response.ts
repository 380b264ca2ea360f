import type { NormalizedError } from './envelope.js'
import type { CommonSettings } from './options.js'
import { errorBody, varyAccept } from './problem.js'

/**
 * An error answer as an adapter writes it: the status, every header it
 * carries and the body.
 *
 * @example
 * ```ts
 * const response: ErrorResponse = { status: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '120' }, body: '{"error":{...}}' }
 * ```
 */
export interface ErrorResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** What an error response depends on besides the answer and the settings. */
export interface ResponseContext {
  /** The request's `Accept`, read for the `negotiate` format; undefined when the request could not be read. */
  accept: unknown
  /** The `Vary` the response has so far, which the `negotiate` format adds `Accept` to. */
  vary?: unknown
  /** The answer's `envelopeHead()`, when the caller keeps it for an answer it sends again and again. */
  head?: string
}

/**
 * The one rule of an error response's head and body, for every answer of
 * both adapters (their error handlers, their 404, 405 and 501, the
 * last-resort 500, the answer of a request refused while the server closes,
 * the answer to what Node's parser rejects): the answer's own headers
 * (`Retry-After`, `Allow`, those of `errorHeaders`), the request id header,
 * `Vary: Accept` for `negotiate`, the content type of the format the
 * request gets, the length, and the body with the id and the `doc_url` of
 * a catalog code.
 *
 * @example
 * ```ts
 * errorResponse(normalizeError(notFound('No widget')), 'req_abc', settings, { accept: req.headers.accept })
 * // { status: 404, headers: { 'x-request-id': 'req_abc', 'content-type': 'application/json; charset=utf-8', 'content-length': '118' }, body: '{"error":{...}}' }
 * ```
 */
export function errorResponse (answer: NormalizedError, id: string, settings: CommonSettings, context: ResponseContext): ErrorResponse {
  const { contentType, body } = errorBody(answer, id, settings.format, context.accept, settings.codeDocs, context.head)
  const headers: Record<string, string> = { ...answer.headers }
  if (settings.requestIdHeader !== false) headers[settings.requestIdHeader] = id
  if (settings.format === 'negotiate') headers.vary = varyAccept(context.vary)
  headers['content-type'] = contentType
  headers['content-length'] = String(Buffer.byteLength(body))
  return { status: answer.status, headers, body }
}
