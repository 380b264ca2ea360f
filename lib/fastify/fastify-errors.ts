import type { NormalizedError } from '../core/envelope.js'
import { fromEntry } from '../core/normalize.js'
import { readField } from '../core/safe-read.js'
import { requestFailures, type RequestFailure } from '../core/request-failures.js'

// Fastify's own errors (fastify 5.12 lib/errors.js) whose answer differs from
// their status's default, or whose message echoes client input.
const FASTIFY_CODES: Readonly<Record<string, RequestFailure>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalidJson',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'emptyJson',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'badContentLength',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_BODY_TOO_LARGE: 'bodyTooLarge',
  FST_ERR_BAD_URL: 'malformedUrl',
  FST_ERR_MAX_PARAM_LENGTH: 'paramTooLong',
  FST_ERR_HANDLER_TIMEOUT: 'handlerTimeout'
}

/**
 * The fixed answer of one of Fastify's own errors, by its `code`, for
 * `normalizeError()`'s `recognize` setting.
 *
 * @example
 * ```ts
 * recognizeFastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' }) // { status: 413, code: 'payload_too_large', ... }
 * ```
 */
export function recognizeFastifyError (thrown: object): NormalizedError | undefined {
  const code = readField(thrown, 'code')
  if (typeof code !== 'string' || !Object.hasOwn(FASTIFY_CODES, code)) return undefined
  return fromEntry(requestFailures[FASTIFY_CODES[code]])
}
