import { codeFor, specialCodes, type CodeEntry } from './codes.js'
import { fromEntry } from './normalize.js'

/**
 * The fixed answers to a request the framework could not take in: a body
 * that does not parse or is too large, a media type, charset or encoding it
 * cannot read, a URL it cannot decode. Each adapter maps its framework's own
 * errors (Fastify's `FST_ERR_*` codes, body-parser's `type`s) onto these, so
 * that both answer the same failure alike. The messages never echo input.
 *
 * @example
 * ```ts
 * requestFailures.bodyTooLarge // { status: 413, code: 'payload_too_large', ... }
 * ```
 */
export const requestFailures = Object.freeze({
  invalidJson: specialCodes.invalidJson,
  emptyJson: fromEntry(specialCodes.invalidJson, 'Request body is empty but Content-Type is application/json'),
  badContentLength: fromEntry(codeFor(400), 'Request body size did not match Content-Length'),
  unsupportedMediaType: fromEntry(codeFor(415), 'Unsupported media type'),
  unsupportedCharset: fromEntry(codeFor(415), 'Unsupported charset in Content-Type'),
  unsupportedEncoding: fromEntry(codeFor(415), 'Unsupported Content-Encoding'),
  bodyTooLarge: codeFor(413),
  tooManyParameters: fromEntry(codeFor(413), 'Too many parameters in the request body'),
  bodyRejected: fromEntry(codeFor(403), 'Request body was rejected'),
  aborted: fromEntry(codeFor(400), 'The request was aborted'),
  undecodableBody: fromEntry(codeFor(400), 'The request body could not be decoded with its Content-Encoding'),
  malformedUrl: fromEntry(codeFor(400), 'Request URL is malformed'),
  paramTooLong: fromEntry(codeFor(414), 'A path parameter is too long'),
  handlerTimeout: fromEntry(codeFor(503), 'The request took too long to handle')
} satisfies Record<string, CodeEntry>)

/** The name of one of the fixed answers. */
export type RequestFailure = keyof typeof requestFailures
