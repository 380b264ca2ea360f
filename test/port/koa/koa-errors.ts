import type { NormalizedError } from '../../../lib/core/envelope.js'
import { fromEntry } from '../../../lib/core/normalize.js'
import { requestFailures, type RequestFailure } from '../../../lib/core/request-failures.js'
import { readField } from '../../../lib/core/safe-read.js'

// raw-body's error `type`s a client can cause, which co-body (under
// @koa/bodyparser, which always reads UTF-8) passes on.
const RAW_BODY_TYPES: Readonly<Record<string, RequestFailure>> = {
  'entity.too.large': 'bodyTooLarge',
  'request.aborted': 'aborted',
  'request.size.invalid': 'badContentLength'
}

// inflation's error for a Content-Encoding it cannot undo, whose message
// quotes the header.
const UNSUPPORTED_ENCODING = 'Unsupported Content-Encoding: '

/**
 * The fixed answer of one of Koa's body errors, for `normalizeError()`'s
 * `recognize`: co-body's JSON that does not parse (a `SyntaxError` with
 * status 400 and the body it read, never sent), inflation's unsupported
 * Content-Encoding (415), and raw-body's failures, by their `type`. Koa's
 * `ctx.throw()` makes `http-errors` errors, which the core reads as they
 * are. A compressed body that does not decompress reaches here as zlib's
 * own error, with no status to tell it from a handler's: it is a masked
 * 500, where Express's body-parser gives it a 400.
 *
 * @example
 * ```ts
 * recognizeKoaError(Object.assign(new SyntaxError('Unexpected end'), { status: 400, body: '{"a":' })) // the invalid_json answer
 * ```
 */
export function recognizeKoaError (thrown: object): NormalizedError | undefined {
  const status = readField(thrown, 'status')
  if (thrown instanceof SyntaxError && status === 400 && typeof readField(thrown, 'body') === 'string') return fromEntry(requestFailures.invalidJson)
  const message = readField(thrown, 'message')
  if (status === 415 && typeof message === 'string' && message.startsWith(UNSUPPORTED_ENCODING)) return fromEntry(requestFailures.unsupportedEncoding)
  const type = readField(thrown, 'type')
  if (typeof type !== 'string' || !Object.hasOwn(RAW_BODY_TYPES, type)) return undefined
  return fromEntry(requestFailures[RAW_BODY_TYPES[type]])
}

/**
 * Whether a value is a failure to read the request's body, which says
 * nothing about the route: every error `recognizeKoaError()` knows but a
 * client that left.
 *
 * @example
 * ```ts
 * isBodyFailure(Object.assign(new SyntaxError('Unexpected end'), { status: 400, body: '{' })) // true
 * ```
 */
export function isBodyFailure (thrown: unknown): boolean {
  return typeof thrown === 'object' && thrown !== null && readField(thrown, 'type') !== 'request.aborted' && recognizeKoaError(thrown) !== undefined
}
