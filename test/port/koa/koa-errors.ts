import type { NormalizedError } from '../../../lib/core/envelope.js'
import { fromEntry } from '../../../lib/core/normalize.js'
import { requestFailures, type RequestFailure } from '../../../lib/core/request-failures.js'
import { readField } from '../../../lib/core/safe-read.js'

// raw-body's error `type`s, which co-body (under @koa/bodyparser) passes on.
const RAW_BODY_TYPES: Readonly<Record<string, RequestFailure>> = {
  'entity.too.large': 'bodyTooLarge',
  'encoding.unsupported': 'unsupportedEncoding',
  'charset.unsupported': 'unsupportedCharset',
  'request.aborted': 'aborted',
  'request.size.invalid': 'badContentLength'
}

/**
 * The fixed answer of one of Koa's body errors, for `normalizeError()`'s
 * `recognize`: co-body's JSON that does not parse (a `SyntaxError` with
 * status 400 and the body it read, never sent) and raw-body's failures, by
 * their `type`. Koa's `ctx.throw()` makes `http-errors` errors, which the
 * core reads as they are.
 *
 * @example
 * ```ts
 * recognizeKoaError(Object.assign(new SyntaxError('Unexpected end'), { status: 400, body: '{"a":' })) // the invalid_json answer
 * ```
 */
export function recognizeKoaError (thrown: object): NormalizedError | undefined {
  if (thrown instanceof SyntaxError && readField(thrown, 'status') === 400 && typeof readField(thrown, 'body') === 'string') return fromEntry(requestFailures.invalidJson)
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
