import { retryAfterMs } from './retry-after.js'

/**
 * Options of `retryDelay()`.
 *
 * @example
 * ```ts
 * retryDelay({ fallbackMs: 500, maxMs: 30_000 })
 * ```
 */
export interface RetryDelayOptions {
  /** The wait when the response names none. Default 1000. */
  fallbackMs?: number
  /** The longest wait, whatever the response says. Default 60000. */
  maxMs?: number
}

/**
 * What a client's retry hook is given: ofetch's `FetchContext` has this shape.
 *
 * @example
 * ```ts
 * const context: RetryContext = { response: { status: 429, headers: new Headers({ 'retry-after': '2' }) } }
 * ```
 */
export interface RetryContext {
  response?: { status: number, headers: unknown } | undefined
}

/**
 * A `retryDelay` function for ofetch (which on its own ignores
 * `Retry-After`) or any client that asks one per attempt: the wait the
 * response names (`Retry-After`, or the rate-limit headers of a 429), at
 * most `maxMs`, else `fallbackMs`.
 *
 * @example
 * ```ts
 * import { ofetch } from 'ofetch'
 * import { retryDelay } from 'error-envelope/client'
 * const api = ofetch.create({ baseURL: 'https://api.example.com', retry: 2, retryDelay: retryDelay({ maxMs: 30_000 }) })
 * ```
 */
export function retryDelay (options: RetryDelayOptions = {}): (context: RetryContext) => number {
  const fallback = options.fallbackMs ?? 1000
  const max = options.maxMs ?? 60_000
  return function delayOfResponse (context) {
    const response = context.response
    const named = response === undefined ? undefined : retryAfterMs(response.status, response.headers)
    return Math.min(max, named ?? fallback)
  }
}
