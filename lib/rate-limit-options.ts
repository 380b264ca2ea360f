import { fail } from './option-checks.js'

/**
 * Options of the rate limiter.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { rateLimit: { max: 100, timeWindow: '1 minute' } })
 * ```
 */
export interface RateLimitOptions {
  max?: number
  timeWindow?: number | string
}

/** Rate limit options after checking. */
export interface RateLimitSettings {
  max: number
  timeWindow: number | string
}

/**
 * Checks the `rateLimit` option; `undefined` and `false` turn limiting off.
 */
export function normalizeRateLimitOptions (options: unknown): RateLimitSettings | false {
  if (options === undefined || options === false) return false
  return fail('rateLimit', 'false or left out', options)
}
