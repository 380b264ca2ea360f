import type { FastifyRequest } from 'fastify'
import type { RateLimitKeyGenerator as CoreKeyGenerator, RateLimitOptions as CoreRateLimitOptions } from '../core/rate-limit-options.js'

import { defaultMax, defaultTimeWindow, normalizeRouteRateLimit, type LimitSettings } from '../core/rate-limit-options.js'

export { normalizeRateLimitOptions, normalizeRouteRateLimit } from '../core/rate-limit-options.js'
export type { LimitSettings, RateLimitHeaders, RateLimitRedis, RateLimitSettings } from '../core/rate-limit-options.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's own limit (`max`, `timeWindow`, `ban`, `keyGenerator`),
     * counted apart from the global one; `false` leaves the route unlimited.
     * The type is the package's own, so that the declarations need no
     * `@fastify/rate-limit`; error-envelope rejects other fields at
     * registration.
     *
     * @example
     * ```ts
     * app.get('/search', { config: { rateLimit: { max: 10 } } }, search)
     * app.get('/health', { config: { rateLimit: false } }, health)
     * ```
     */
    rateLimit?: RouteRateLimit | false
    /**
     * The catalog codes (built-in ones included) a route can answer beyond
     * those the plugin knows of it, for the OpenAPI document of
     * `@fastify/swagger`.
     *
     * @example
     * ```ts
     * app.get('/widgets/:id', { config: { errors: ['widget_not_found', 'unauthorized'] } }, getWidget)
     * ```
     */
    errors?: readonly string[]
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
 * Options of the Fastify plugin's rate limiter, which counts in the
 * package's own store: in memory by default, in Redis when `redis` is given.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { rateLimit: { max: 100, timeWindow: '1 minute' } })
 * await app.register(errorEnvelope, { rateLimit: { max: 100, redis: new Redis(url), onStoreError: 'closed' } })
 * ```
 */
export type RateLimitOptions = CoreRateLimitOptions<FastifyRequest>

/**
 * A route's own limit, as the plugin reads `config.rateLimit`: what it
 * leaves out comes from the global `rateLimit` option.
 */
export interface RouteRateLimit {
  /** Requests per window. */
  max?: number
  /** Milliseconds, or a duration such as `'1 minute'`. */
  timeWindow?: number | string
  /** Requests past `max` after which the key is answered 403 until its window ends. */
  ban?: number
  /** The bucket of a request. */
  keyGenerator?: RateLimitKeyGenerator
}

const routeDefaults: LimitSettings = { max: defaultMax, timeWindow: defaultTimeWindow, ban: -1, keyGenerator: undefined }

/**
 * A route's `config.rateLimit`, typed as the plugin reads it and checked
 * when called: Fastify types a route's `config` from what is written, so a
 * misspelled field (`maxx`) or a function for `max` compiles in a plain
 * object, and fails only when the route is added.
 *
 * @example
 * ```ts
 * import { routeRateLimit } from 'error-envelope'
 * app.get('/search', { config: { rateLimit: routeRateLimit({ max: 10, timeWindow: '1 minute' }) } }, search)
 * ```
 */
export function routeRateLimit (limit: RouteRateLimit): RouteRateLimit {
  normalizeRouteRateLimit(limit, 'routeRateLimit()', routeDefaults)
  return limit
}
