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
  const type = readField(thrown, 'type')
  if (typeof type !== 'string' || !Object.hasOwn(BODY_PARSER_TYPES, type)) return undefined
  return fromEntry(requestFailures[BODY_PARSER_TYPES[type]])
}
