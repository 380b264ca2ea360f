import type { RateLimitOptions as RouteRateLimitConfig } from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import type { RateLimitKeyGenerator as CoreKeyGenerator, RateLimitOptions as CoreRateLimitOptions } from '../core/rate-limit-options.js'

export { normalizeRateLimitOptions, normalizeRouteRateLimit } from '../core/rate-limit-options.js'
export type { LimitSettings, RateLimitHeaders, RateLimitRedis, RateLimitSettings } from '../core/rate-limit-options.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's own limit (`max`, `timeWindow`, `ban`, `keyGenerator`),
     * counted apart from the global one; `false` leaves the route unlimited.
     * The type is `@fastify/rate-limit`'s, which declares the same key;
     * error-envelope rejects its other fields at registration.
     *
     * @example
     * ```ts
     * app.get('/search', { config: { rateLimit: { max: 10 } } }, search)
     * app.get('/health', { config: { rateLimit: false } }, health)
     * ```
     */
    rateLimit?: RouteRateLimitConfig | false
  }
}

/**
 * Picks the bucket of a Fastify request. An empty or missing key, or a
 * throw, counts the request by its client IP instead.
 *
 * @example
 * ```ts
 * const byApiKey: RateLimitKeyGenerator = (request) => request.headers['x-api-key'] as string | undefined
 * ```
 */
export type RateLimitKeyGenerator = CoreKeyGenerator<FastifyRequest>

/**
 * Options of the Fastify plugin's rate limiter, which counts with
 * `@fastify/rate-limit`: in memory by default, in Redis when `redis` is given.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { rateLimit: { max: 100, timeWindow: '1 minute' } })
 * await app.register(errorEnvelope, { rateLimit: { max: 100, redis: new Redis(url), onStoreError: 'closed' } })
 * ```
 */
export type RateLimitOptions = CoreRateLimitOptions<FastifyRequest>
