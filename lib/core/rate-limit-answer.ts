import type { ApiError } from './api-error.js'
import { forbidden, serviceUnavailable, tooManyRequests } from './helpers.js'
import { headerSeconds, rateLimitHeaders } from './rate-limit-headers.js'
import type { RateLimitHeaders } from './rate-limit-options.js'

// A failed store says nothing about when it will be back; one second keeps
// clients from hammering without making them wait long.
const storeRetryAfter = 1

/**
 * One limit as an adapter counts it.
 *
 * @example
 * ```ts
 * const limit: CountedLimit = { policy: 'default', max: 100, ban: -1, window: 60, headers: 'legacy' }
 * ```
 */
export interface CountedLimit {
  /** The policy's name in the draft headers: `default`, or `route` for a route's own limit. */
  policy: string
  max: number
  /** Requests past `max` before a 403; -1 when off. */
  ban: number
  /** The window in whole seconds. */
  window: number
  headers: RateLimitHeaders
}

/**
 * What a counted request gets: its rate-limit headers, and the error to
 * answer with when it is over the limit (a 429, or a 403 past `ban`).
 *
 * @example
 * ```ts
 * rateLimitAnswer({ policy: 'default', max: 1, ban: -1, window: 60, headers: 'legacy' }, 2, 30_000)
 * // { headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' },
 * //   error: ApiError 429 rate_limit_exceeded "Rate limit exceeded, retry in 30 seconds" }
 * ```
 */
export function rateLimitAnswer (limit: CountedLimit, current: number, ttl: number): { headers: Record<string, string>, error: ApiError | undefined } {
  const { max, ban } = limit
  const reset = headerSeconds(ttl)
  const headers = rateLimitHeaders(limit.headers, {
    policy: limit.policy,
    limit: max,
    remaining: Math.max(0, max - current),
    reset,
    window: limit.window
  })
  let error: ApiError | undefined
  if (current <= max) {
    error = undefined
  } else if (ban !== -1 && current - max > ban) {
    error = forbidden(`Too many requests past the limit; access is blocked, retry in ${seconds(reset)}`, {
      headers: { 'retry-after': String(reset) }
    })
  } else {
    error = tooManyRequests(`Rate limit exceeded, retry in ${seconds(reset)}`, { retryAfter: reset })
  }
  return { headers, error }
}

/**
 * The answer when the store failed: nothing (the request passes) under
 * `onStoreError: 'open'`, a 503 under `'closed'`. The store's error is kept
 * as the cause, for the log only.
 *
 * @example
 * ```ts
 * storeFailure('closed', new Error('ECONNREFUSED'))
 * // ApiError 503 "Rate limiting is unavailable, retry in 1 second", Retry-After: 1
 * ```
 */
export function storeFailure (onStoreError: 'open' | 'closed', cause: unknown): ApiError | undefined {
  if (onStoreError === 'open') return undefined
  return serviceUnavailable('Rate limiting is unavailable, retry in 1 second', { retryAfter: storeRetryAfter, cause })
}

/**
 * The log lines of a store that stops and starts answering, the same on
 * both adapters.
 *
 * @example
 * ```ts
 * storeOutageMessage('open') // 'Rate limit store unavailable; requests pass unlimited until it answers'
 * ```
 */
export function storeOutageMessage (onStoreError: 'open' | 'closed'): string {
  return onStoreError === 'open'
    ? 'Rate limit store unavailable; requests pass unlimited until it answers'
    : 'Rate limit store unavailable; requests are answered 503 until it answers'
}

/** The line logged when the store answers again. */
export const storeRecoveryMessage = 'Rate limit store answers again; requests are counted'

/** The line logged when a `keyGenerator` throws or rejects. */
export const keyFailedMessage = 'Rate limit keyGenerator failed; counting the request by client IP'

function seconds (count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`
}
