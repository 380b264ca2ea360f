import type { NormalizedError } from '../core/envelope.js'
import { fromEntry } from '../core/normalize.js'
import { requestFailures, type RequestFailure } from '../core/request-failures.js'
import { readField } from '../core/safe-read.js'

// body-parser 2.x's error `type`s (README "Errors"), mapped onto the answers
// the Fastify plugin gives the same failure. Their own messages can echo the
// body (`Unexpected token } in JSON at position 10`): never sent.
const BODY_PARSER_TYPES: Readonly<Record<string, RequestFailure>> = {
  'entity.parse.failed': 'invalidJson',
  'entity.too.large': 'bodyTooLarge',
  'parameters.too.many': 'tooManyParameters',
  'encoding.unsupported': 'unsupportedEncoding',
  'charset.unsupported': 'unsupportedCharset',
  'entity.verify.failed': 'bodyRejected',
  'request.aborted': 'aborted',
  'request.size.invalid': 'badContentLength'
}

/**
 * The fixed answer of one of Express's own errors, for `normalizeError()`'s
 * `recognize` setting: body-parser's (what `express.json()`,
 * `express.urlencoded()`, `express.text()` and `express.raw()` throw), by
 * their `type`, and the router's path parameter that does not decode (a
 * `URIError` whose message quotes the client's bytes).
 *
 * @example
 * ```ts
 * recognizeExpressError({ type: 'entity.too.large', status: 413 }) // { status: 413, code: 'payload_too_large', ... }
 * ```
 */
export function recognizeExpressError (thrown: object): NormalizedError | undefined {
  // router 2.x lib/layer.js decodeParam
  if (thrown instanceof URIError && readField(thrown, 'status') === 400) return fromEntry(requestFailures.malformedUrl)
  if (isDecompressionError(thrown)) return fromEntry(requestFailures.undecodableBody)
  const type = readField(thrown, 'type')
  if (typeof type !== 'string' || !Object.hasOwn(BODY_PARSER_TYPES, type)) return undefined
  return fromEntry(requestFailures[BODY_PARSER_TYPES[type]])
}

// body-parser passes a failure of the Content-Encoding's decompression
// stream on as it is, with status 400: Node's zlib errors carry a numeric
// `errno` and a code of zlib (`Z_DATA_ERROR`), brotli (`ERR__ERROR_…`) or
// zstd (`ZSTD_error_…`), whose message ("Unknown frame descriptor") means
// nothing to a client.
const DECOMPRESSION_CODE = /^(?:Z_|ZSTD_|ERR__ERROR_)/

function isDecompressionError (thrown: object): boolean {
  const code = readField(thrown, 'code')
  return readField(thrown, 'status') === 400 && typeof readField(thrown, 'errno') === 'number' && typeof code === 'string' && DECOMPRESSION_CODE.test(code)
}

/**
 * Whether a value is a failure to read the request's body (body-parser's
 * errors, a body that does not decode), which says nothing about the route.
 *
 * @example
 * ```ts
 * isBodyFailure(Object.assign(new SyntaxError('Unexpected end'), { type: 'entity.parse.failed', status: 400 })) // true
 * ```
 */
export function isBodyFailure (thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null) return false
  const type = readField(thrown, 'type')
  return (typeof type === 'string' && Object.hasOwn(BODY_PARSER_TYPES, type) && type !== 'request.aborted') || isDecompressionError(thrown)
}
