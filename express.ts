/**
 * The Express 5 adapter: `errorEnvelope()` gives the middleware to mount
 * before and after the routes, so that every failure answers with the
 * documented envelope. The helpers, `ApiError` and the core functions are
 * the same objects as those of the Fastify entry point.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { errorEnvelope, notFound } from 'error-envelope/express'
 *
 * const app = express()
 * const envelope = errorEnvelope()
 * app.use(envelope.beforeRoutes())
 * app.get('/widgets/:id', () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
 * app.use(envelope.afterRoutes())
 * ```
 */
export { errorEnvelope, type ExpressEnvelope, type RouteRateLimit } from './lib/express/error-envelope.js'
export type { RateLimitHeaders, RateLimitKeyGenerator, RateLimitOptions, RateLimitRedis } from './lib/core/rate-limit-options.js'
export type { ExpressEnvelopeOptions } from './lib/express/options.js'
export type { EnvelopeLogger } from './lib/core/logger.js'
export { getLogger, getRequestId } from './lib/express/request-id.js'
export type { RequestSchemas, ValidateMiddlewareOptions } from './lib/express/validate.js'
export type { SchemaValue, ValidatedParts, ValidateMiddleware } from './lib/express/typed-request.js'
export type { EnvelopeRequest, ErrorMiddleware, ExpressRequest, Middleware } from './lib/express/types.js'
export * from './lib/core/public.js'
