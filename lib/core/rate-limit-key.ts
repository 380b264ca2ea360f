import { isIPv6 } from 'node:net'
import { Address6 } from 'ip-address'
import type { RateLimitKeyGenerator } from './rate-limit-options.js'

// One client usually holds a whole /64 of IPv6 addresses.
const ipv6Subnet = 64

/**
 * The bucket of a client IP, as `@fastify/rate-limit` (v11.2, `normalizeIP`)
 * writes it, so that both adapters, and Redis keys written before, agree:
 * IPv4 as is, an IPv4-mapped IPv6 address as its IPv4, other IPv6 addresses
 * as the start of their /64. A missing address counts as one bucket.
 *
 * @example
 * ```ts
 * clientKey('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::'
 * clientKey('::ffff:192.0.2.7') // '192.0.2.7'
 * ```
 */
export function clientKey (ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown'
  if (!isIPv6(ip)) return ip.toLowerCase()
  const address = new Address6(ip)
  if (address.isMapped4()) return address.to4().correctForm()
  return new Address6(`${ip}/${ipv6Subnet}`).startAddress().correctForm()
}

/**
 * How a limiter keys a request: the user's `keyGenerator` when it gives a
 * non-empty string or a finite number, else the client IP. The promise it
 * may return never rejects: a throw or a rejection counts the request by its
 * client IP, and is reported once to `warn`.
 *
 * @example
 * ```ts
 * const keyOf = requestKey(undefined, (req) => req.ip, () => {})
 * keyOf({ ip: '::ffff:192.0.2.7' }) // '192.0.2.7'
 * ```
 */
export function requestKey<Request> (
  given: RateLimitKeyGenerator<Request> | undefined,
  ipOf: (request: Request) => string | undefined,
  warn: (request: Request, error: unknown) => void
): (request: Request) => string | Promise<string> {
  if (given === undefined) return function ipKey (request) { return clientKey(ipOf(request)) }
  function keyFrom (request: Request, key: unknown): string {
    if (typeof key === 'string' && key !== '') return key
    if (typeof key === 'number' && Number.isFinite(key)) return String(key)
    return clientKey(ipOf(request))
  }
  function keyFailed (request: Request, error: unknown): string {
    warn(request, error)
    return clientKey(ipOf(request))
  }
  return function rateLimitKey (request) {
    let key: ReturnType<RateLimitKeyGenerator>
    try {
      key = given(request)
    } catch (error) {
      return keyFailed(request, error)
    }
    if (!isThenable(key)) return keyFrom(request, key)
    return Promise.resolve(key).then(function keyGiven (key) { return keyFrom(request, key) }, function keyRejected (error: unknown) { return keyFailed(request, error) })
  }
}

function isThenable (value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
