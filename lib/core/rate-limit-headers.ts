import type { RateLimitHeaders } from './rate-limit-options.js'

/**
 * Where a key stands in its window, in the units the headers use.
 *
 * @example
 * ```ts
 * const state: RateLimitState = { policy: 'default', limit: 100, remaining: 42, reset: 30, window: 60 }
 * ```
 */
export interface RateLimitState {
  /** The policy's name in the draft fields: `default`, or `route` for a route's own limit. */
  policy: string
  /** Requests allowed per window. */
  limit: number
  /** Requests left in this window. */
  remaining: number
  /** Whole seconds until the window ends, at least 1. */
  reset: number
  /** The window's length in whole seconds, at least 1. */
  window: number
}

/**
 * The rate-limit headers of a response. `legacy` gives the de facto
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
 * (seconds); `draft` gives `RateLimit-Policy` and `RateLimit` as
 * draft-ietf-httpapi-ratelimit-headers-10 (September 2025) writes them:
 * Structured Field items named by a quoted policy, with `q` (quota) and `w`
 * (window) for the policy and `r` (remaining) and `t` (seconds to reset) for
 * the current state.
 *
 * @example
 * ```ts
 * rateLimitHeaders('both', { policy: 'default', limit: 100, remaining: 42, reset: 30, window: 60 })
 * // { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': '30',
 * //   'ratelimit-policy': '"default";q=100;w=60', ratelimit: '"default";r=42;t=30' }
 * ```
 */
export function rateLimitHeaders (mode: RateLimitHeaders, state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {}
  if (mode !== 'draft') {
    headers['x-ratelimit-limit'] = String(state.limit)
    headers['x-ratelimit-remaining'] = String(state.remaining)
    headers['x-ratelimit-reset'] = String(state.reset)
  }
  if (mode !== 'legacy') {
    headers['ratelimit-policy'] = `"${state.policy}";q=${state.limit};w=${state.window}`
    headers.ratelimit = `"${state.policy}";r=${state.remaining};t=${state.reset}`
  }
  return headers
}

/**
 * Milliseconds as whole seconds for a header: rounded up, and never 0, which
 * a client would read as "now".
 *
 * @example
 * ```ts
 * headerSeconds(1) // 1
 * headerSeconds(44_500) // 45
 * ```
 */
export function headerSeconds (ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
