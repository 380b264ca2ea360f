/**
 * The client half: reads a failed response of an API that answers with the
 * error envelope or problem details, in a browser, Node, Deno, Bun or a
 * worker. No dependency, nothing of the server.
 *
 * @example
 * ```ts
 * import { readError } from 'error-envelope/client'
 * import type { ApiErrorCode } from './api-errors.js'
 *
 * const res = await fetch('/orders/o_1', { method: 'PATCH', body })
 * if (!res.ok) {
 *   const err = await readError<ApiErrorCode>(res)
 *   if (err.code === 'validation_failed') form.setErrors(err.fieldErrors)
 * }
 * ```
 */
export { ClientError, isClientError, type ClientErrorFields, type ClientErrorFormat, type FieldDetail } from './lib/client/client-error.js'
export { readError, type ReadErrorOptions, type ResponseLike } from './lib/client/read-error.js'
export { parseError } from './lib/client/parse-error.js'
export { retryAfterMs } from './lib/client/retry-after.js'
export { retryDelay, type RetryContext, type RetryDelayOptions } from './lib/client/retry-delay.js'
export type { HeadersLike } from './lib/client/headers.js'
export type { BuiltInErrorCode, ErrorCodeOf } from './lib/core/code-table.js'
