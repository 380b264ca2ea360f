import fp from 'fastify-plugin'
import { errorEnvelopePlugin } from './lib/fastify/plugin.js'

/**
 * The Fastify plugin: one error handler, a 404/405/501 fallback, request ids
 * and logging, so that every failure answers with the documented envelope.
 * Register it before the routes.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import errorEnvelope, { notFound, serverOptions } from 'error-envelope'
 *
 * const app = Fastify({ logger: true, ...serverOptions() })
 * await app.register(errorEnvelope)
 * app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
 * ```
 */
export const errorEnvelope = fp(errorEnvelopePlugin, { fastify: '5.x', name: 'error-envelope' })
export default errorEnvelope

export { ApiError, isApiError, type ApiErrorOptions, type ErrorDetail, type ErrorHeaders } from './lib/core/api-error.js'
export { codeFor, defaultCodes, isErrorStatus, specialCodes, typeForStatus, type CodeEntry } from './lib/core/codes.js'
export { buildEnvelope, serializeEnvelope, type Envelope, type NormalizedError } from './lib/core/envelope.js'
export {
  badGateway,
  badRequest,
  conflict,
  forbidden,
  gatewayTimeout,
  internalError,
  methodNotAllowed,
  notFound,
  notImplemented,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessable,
  type MethodNotAllowedOptions,
  type RetryAfterOptions,
  type UnauthorizedOptions
} from './lib/core/helpers.js'
export { errorForLog, type LoggedError } from './lib/core/log-error.js'
export { defaultErrorHeaders, normalizeError, refusedErrorHeaders, type NormalizeSettings } from './lib/core/normalize.js'
export { STANDARD_METHODS } from './lib/fastify/not-found.js'
export type { ErrorEnvelopeOptions, LogLevel, RequestIdOptions } from './lib/fastify/options.js'
export type { RateLimitHeaders, RateLimitKeyGenerator, RateLimitOptions, RateLimitRedis } from './lib/fastify/rate-limit-options.js'
export { generateRequestId, isValidRequestId, REQUEST_ID_PATTERN, resolveRequestId } from './lib/core/request-id.js'
export { serverOptions, type EnvelopeServerOptions } from './lib/fastify/server-options.js'
export type { RequestPart, ValidationOptions, ValidationStatus } from './lib/core/validation.js'
export { validate, type AjvLike, type ValidateOptions } from './lib/core/validate.js'
