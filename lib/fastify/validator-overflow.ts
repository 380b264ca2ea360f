import type { FastifyRequest } from 'fastify'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { fromEntry } from '../core/normalize.js'
import { readField } from '../core/safe-read.js'
import { nestedTooDeepMessage } from '../core/validation.js'

// Where Fastify keeps each part on the request (fastify 5.12 lib/validation.js).
const PARTS = [['body', 'body'], ['querystring', 'query'], ['params', 'params'], ['headers', 'headers']] as const

/**
 * The answer to a stack overflow that a route's own validator threw: a
 * recursive schema walks a deeply nested body one call per level, and ajv's
 * validators are recursive functions, so a body nested some thousands of
 * levels deep overflows the stack before it can be judged. That is the
 * client's request, not a server fault: 400, not a masked 500.
 *
 * Only a `RangeError` is looked at, and it is the validator's only if the
 * route's validator of some part throws one again on the same data (a
 * handler's own runaway recursion stays a 500).
 *
 * @example
 * ```ts
 * validatorOverflow(new RangeError('Maximum call stack size exceeded'), request)
 * // { status: 400, code: 'bad_request', message: 'The request body is nested too deeply to validate', ... }
 * ```
 */
export function validatorOverflow (error: unknown, request: FastifyRequest): NormalizedError | undefined {
  if (!(error instanceof RangeError)) return undefined
  for (const [part, key] of PARTS) {
    // A body's validators are kept per media type when the schema names several.
    let validator: unknown = request.getValidationFunction(part)
    if (typeof validator !== 'function') validator = readField(validator, String(request.mediaType))
    if (typeof validator !== 'function') continue
    try {
      validator(readField(request, key))
    } catch (thrown) {
      if (thrown instanceof RangeError) return fromEntry(codeFor(400), nestedTooDeepMessage(part))
    }
  }
  return undefined
}
