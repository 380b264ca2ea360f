import fp from 'fastify-plugin'
import { errorEnvelopePlugin, PLUGIN_META } from './lib/fastify/plugin.js'

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
export const errorEnvelope = fp(errorEnvelopePlugin, PLUGIN_META)
export default errorEnvelope

export * from './lib/core/public.js'
export type { ErrorEnvelopeOptions, FastifyUnderPressureOptions } from './lib/fastify/options.js'
export { routeRateLimit, type RateLimitHeaders, type RateLimitKeyGenerator, type RateLimitOptions, type RateLimitRedis, type RouteRateLimit } from './lib/fastify/rate-limit-options.js'
export { serverOptions, type EnvelopeServerOptions, type ServerOptionsOptions } from './lib/fastify/server-options.js'
export { fastifyEnvelope, type FastifyEnvelope, type FastifyEnvelopeOptions } from './lib/fastify/fastify-envelope.js'
