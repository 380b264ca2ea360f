import { headerOf } from './headers.js'

/**
 * How long a client should wait before trying again, in milliseconds:
 * `Retry-After` as seconds or as an HTTP-date (RFC 9110 10.2.3), else, on a
 * 429, the seconds to reset of the `RateLimit` field (`t=`), of
 * `RateLimit-Reset` or of `X-RateLimit-Reset` that the server sends.
 * Undefined when none says.
 *
 * @example
 * ```ts
 * retryAfterMs(429, { 'retry-after': '45' }) // 45000
 * retryAfterMs(429, { ratelimit: '"default";r=0;t=30' }) // 30000
 * retryAfterMs(404, {}) // undefined
 * ```
 */
export function retryAfterMs (status: number, headers: unknown, now = Date.now()): number | undefined {
  const retryAfter = headerOf(headers, 'retry-after')?.trim()
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  if (status !== 429) return undefined
  const reset = /[;\s]t=(\d+)/.exec(headerOf(headers, 'ratelimit') ?? '')?.[1] ??
    headerOf(headers, 'ratelimit-reset') ?? headerOf(headers, 'x-ratelimit-reset')
  return reset !== undefined && /^\s*\d+\s*$/.test(reset) ? Number(reset) * 1000 : undefined
}
