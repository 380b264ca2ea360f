import { parse } from '@lukeed/ms'
import { booleanOption, fail, nestedOption, type KnownKeys } from './option-checks.js'

/**
 * Which rate-limit response headers are sent: `legacy` (`X-RateLimit-*`),
 * `draft` (`RateLimit` and `RateLimit-Policy`) or `both`.
 *
 * @example
 * ```ts
 * const headers: RateLimitHeaders = 'both'
 * ```
 */
export type RateLimitHeaders = 'legacy' | 'draft' | 'both'

/**
 * Picks the bucket of a request. An empty or missing key, or a throw, counts
 * the request by its client IP instead.
 *
 * @example
 * ```ts
 * const byApiKey: RateLimitKeyGenerator<{ headers: Record<string, unknown> }> = (request) => request.headers['x-api-key'] as string | undefined
 * ```
 */
export type RateLimitKeyGenerator<Request = any> = (request: Request) =>
  string | number | null | undefined | Promise<string | number | null | undefined>

/**
 * The part of an `ioredis` client (`Redis` or `Cluster`) the limiter uses.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const redis: RateLimitRedis = new Redis(process.env.REDIS_URL)
 * ```
 */
export interface RateLimitRedis {
  /** Defines a script as a command; the Fastify adapter's store counts with one, `errorEnvelopeCount`. */
  defineCommand (name: string, definition: { lua: string, numberOfKeys?: number }): void
  /** Sends one command; the Express adapter's store speaks to Redis through it. */
  call?: (command: string, ...args: Array<string | number>) => Promise<unknown>
}

/**
 * Options of the rate limiter, the same for both adapters: it counts in
 * memory by default, in Redis when `redis` is given (with
 * the package's own store on Fastify, `express-rate-limit` and
 * `rate-limit-redis` on Express). `Request` is the framework's request, as
 * `keyGenerator` receives it.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { rateLimit: { max: 100, timeWindow: '1 minute' } })
 * await app.register(errorEnvelope, { rateLimit: { max: 100, redis: new Redis(url), onStoreError: 'closed' } })
 * ```
 */
export interface RateLimitOptions<Request = any> {
  /** Requests allowed per key and window; default 100. */
  max?: number
  /** The window, in milliseconds or as text (`'1 minute'`); default one minute. */
  timeWindow?: number | string
  /** Requests past `max` after which a key is answered 403 instead of 429, until its window ends. Off by default. */
  ban?: number
  /**
   * The bucket of a request; default its client IP, IPv6 addresses grouped by
   * /64. Written as a method so that a function declared with the framework's
   * full request type (Express's `Request`) is accepted.
   */
  keyGenerator? (request: Request): ReturnType<RateLimitKeyGenerator>
  /** Response headers: `legacy` (default), `draft` or `both`. */
  headers?: RateLimitHeaders
  /** An `ioredis` client whose Redis holds the counters, shared by every instance. */
  redis?: RateLimitRedis
  /** Prefix of the Redis keys; default `fastify-rate-limit-` on Fastify, `express-rate-limit-` on Express. */
  nameSpace?: string
  /** Milliseconds a Redis call may take before it counts as failed; default 100. */
  storeTimeout?: number
  /** When Redis fails: `open` (default) lets requests through, `closed` answers 503. */
  onStoreError?: 'open' | 'closed'
  /**
   * Limit every route and the 404/405/501 answers (default), or, with
   * `false`, only the routes given a limit of their own (`config.rateLimit`
   * on Fastify, `envelope.rateLimit()` on Express).
   */
  global?: boolean
}

/** The limit of one route, or the global one, after checking. */
export interface LimitSettings {
  max: number
  /** Milliseconds. */
  timeWindow: number
  /** -1 when off, as `@fastify/rate-limit` has it. */
  ban: number
  keyGenerator: RateLimitKeyGenerator | undefined
}

/** Rate limit options after checking, with every default filled in. */
export interface RateLimitSettings extends LimitSettings {
  headers: RateLimitHeaders
  redis: RateLimitRedis | undefined
  nameSpace: string
  storeTimeout: number
  onStoreError: 'open' | 'closed'
  global: boolean
}

export const defaultMax = 100
export const defaultTimeWindow = 60_000
export const defaultHeaders: RateLimitHeaders = 'legacy'
// The prefix @fastify/rate-limit (v11) gives its Redis keys: an app moving
// from it keeps its counters.
export const defaultNameSpace = 'fastify-rate-limit-'
export const defaultStoreTimeout = 100
export const defaultOnStoreError = 'open'

const ROUTE_KNOWN: KnownKeys<Pick<RateLimitOptions, keyof LimitSettings>> = { max: true, timeWindow: true, ban: true, keyGenerator: true }
const KNOWN: KnownKeys<RateLimitOptions> = { ...ROUTE_KNOWN, headers: true, redis: true, nameSpace: true, storeTimeout: true, onStoreError: true, global: true }
const HEADERS = ['legacy', 'draft', 'both']
const ON_STORE_ERROR = ['open', 'closed']

/**
 * Checks the `rateLimit` option once, at registration; `undefined` and
 * `false` turn limiting off. A wrong value throws a `TypeError` naming the
 * option and what was given.
 *
 * @example
 * ```ts
 * normalizeRateLimitOptions({ max: 0 })
 * // TypeError: error-envelope option "rateLimit.max" must be a positive integer, instead got 0
 * ```
 */
export function normalizeRateLimitOptions (options: unknown, nameSpace = defaultNameSpace): RateLimitSettings | false {
  if (options === undefined || options === false) return false
  const given = nestedOption('rateLimit', options, KNOWN)
  const redis = given.redis
  if (redis !== undefined && typeof (redis as Partial<RateLimitRedis> | null)?.defineCommand !== 'function') {
    fail('rateLimit.redis', 'an ioredis client', redis)
  }
  return {
    ...limitFields('rateLimit', given, { max: defaultMax, timeWindow: defaultTimeWindow, ban: -1, keyGenerator: undefined }),
    headers: oneOf('rateLimit.headers', given.headers, HEADERS, defaultHeaders) as RateLimitHeaders,
    redis: redis as RateLimitRedis | undefined,
    nameSpace: nameSpaceOption(given.nameSpace, nameSpace),
    storeTimeout: positiveInteger('rateLimit.storeTimeout', given.storeTimeout, defaultStoreTimeout),
    onStoreError: oneOf('rateLimit.onStoreError', given.onStoreError, ON_STORE_ERROR, defaultOnStoreError) as 'open' | 'closed',
    global: booleanOption('rateLimit.global', given.global, true)
  }
}

/**
 * Checks a route's `config.rateLimit` object at registration and fills in
 * what it leaves out from the global settings.
 *
 * @example
 * ```ts
 * normalizeRouteRateLimit({ max: 10 }, 'GET /search', settings)
 * // { max: 10, timeWindow: 60000, ban: -1, keyGenerator: undefined }
 * ```
 */
export function normalizeRouteRateLimit (config: unknown, route: string, global: LimitSettings): LimitSettings {
  const name = `config.rateLimit of ${route}`
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(name, 'an object or false', config)
  return limitFields(name, nestedOption(name, config, ROUTE_KNOWN), global)
}

function limitFields (name: string, given: Record<string, unknown>, fallback: LimitSettings): LimitSettings {
  const keyGenerator = given.keyGenerator
  if (keyGenerator !== undefined && typeof keyGenerator !== 'function') fail(`${name}.keyGenerator`, 'a function', keyGenerator)
  return {
    max: positiveInteger(`${name}.max`, given.max, fallback.max),
    timeWindow: windowOption(`${name}.timeWindow`, given.timeWindow, fallback.timeWindow),
    ban: given.ban === undefined ? fallback.ban : nonNegativeInteger(`${name}.ban`, given.ban),
    keyGenerator: (keyGenerator as RateLimitKeyGenerator | undefined) ?? fallback.keyGenerator
  }
}

function positiveInteger (name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < 1) fail(name, 'a positive integer', value)
  return value as number
}

function nonNegativeInteger (name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(name, 'an integer of 0 or more', value)
  return value as number
}

// A string is read by the parser @fastify/rate-limit itself uses
// (@lukeed/ms), so a window means the same to both.
function windowOption (name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  const ms = typeof value === 'string' ? parse(value) : value
  if (typeof ms !== 'number' || !Number.isSafeInteger(Math.ceil(ms)) || ms <= 0) {
    fail(name, 'a positive number of milliseconds or a duration such as "1 minute"', value)
  }
  return Math.ceil(ms)
}

function oneOf (name: string, value: unknown, allowed: readonly string[], fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !allowed.includes(value)) fail(name, `one of ${allowed.join(', ')}`, value)
  return value
}

function nameSpaceOption (value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value === '') fail('rateLimit.nameSpace', 'a non-empty string', value)
  return value
}
