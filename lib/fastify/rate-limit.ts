import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions, RouteShorthandOptions } from 'fastify'
import { forbidden, serviceUnavailable, tooManyRequests } from '../core/helpers.js'
import type { Settings } from './options.js'
import { headerSeconds, rateLimitHeaders } from './rate-limit-headers.js'
import { normalizeRouteRateLimit, type LimitSettings, type RateLimitKeyGenerator, type RateLimitSettings } from './rate-limit-options.js'
import { deadlineRedisStore, memoryStore, type RateLimitStore } from './rate-limit-store.js'
import { safeLog } from '../core/safe-log.js'

const ipv6Subnet = 64
// A failed store says nothing about when it will be back; one second keeps
// clients from hammering without making them wait long.
const storeRetryAfter = 1

/** One limit as its hook counts it. */
interface Limit {
  store: RateLimitStore
  /** The policy's name in the draft headers. */
  policy: string
  max: number
  timeWindow: number
  ban: number
  /** The window in the headers' whole seconds. */
  window: number
  keyOf: (request: FastifyRequest) => string | Promise<string>
  options: RateLimitSettings
}

/**
 * Installs the rate limiter when the `rateLimit` option is given, and returns
 * the hooks the not-found fallback needs so that 404, 405 and 501 answers
 * count against the same key.
 *
 * Counting is `@fastify/rate-limit`'s: its in-memory store, or its Redis
 * store behind a deadline, and its client IP normalization. The hooks are
 * error-envelope's, so that the headers, the 429 and 403 envelopes and a
 * failing store are answered one way; they call the store directly, with no
 * promise per request. Every route added later gets a named `onRequest` hook
 * that runs before the route's own: the global limit, or the route's
 * `config.rateLimit` counted apart; `config.rateLimit: false` opts out.
 * With `global: false`, only routes with a `config.rateLimit` are limited.
 *
 * @example
 * ```ts
 * const notFoundHooks = installRateLimit(fastify, settings)
 * fastify.setNotFoundHandler(notFoundHooks, handler)
 * ```
 */
export function installRateLimit (fastify: FastifyInstance, settings: Settings): RouteShorthandOptions {
  const options = settings.rateLimit
  if (options === false) return {}
  const store = rootStore(fastify, options)
  const globalHook = limitHook(store, 'default', options, options)

  fastify.addHook('onRoute', function addRateLimitHook (route: RouteOptions) {
    const config = route.config?.rateLimit
    if (config === false || (config === undefined && !options.global)) return
    let hook = globalHook
    if (config !== undefined) {
      const limit = normalizeRouteRateLimit(config, `${String(route.method)} ${route.url}`, options)
      hook = limitHook(store.child({ routeId: `${String(route.method)}${route.url}` }), 'route', limit, options)
    }
    route.onRequest = route.onRequest === undefined ? hook : [hook, ...[route.onRequest].flat()]
  })
  return options.global ? { onRequest: globalHook } : {}
}

function rootStore (fastify: FastifyInstance, options: RateLimitSettings): RateLimitStore {
  if (options.redis === undefined) return memoryStore()
  const Store = deadlineRedisStore({
    redis: options.redis,
    nameSpace: options.nameSpace,
    timeout: options.storeTimeout,
    onOutage: function rateLimitStoreDown (error) {
      safeLog(fastify.log, 'warn', { err: error }, options.onStoreError === 'open'
        ? 'Rate limit store unavailable; requests pass unlimited until it answers'
        : 'Rate limit store unavailable; requests are answered 503 until it answers')
    },
    onRecovery: function rateLimitStoreUp () {
      safeLog(fastify.log, 'info', undefined, 'Rate limit store answers again; requests are counted')
    }
  })
  return new Store()
}

function limitHook (store: RateLimitStore, policy: string, limit: LimitSettings, options: RateLimitSettings): onRequestHookHandler {
  const counting: Limit = {
    store,
    policy,
    max: limit.max,
    timeWindow: limit.timeWindow,
    ban: limit.ban,
    window: headerSeconds(limit.timeWindow),
    keyOf: limit.keyGenerator === undefined ? clientKey : keyGeneratorFor(limit.keyGenerator),
    options
  }
  return function rateLimitHook (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const key = counting.keyOf(request)
    if (typeof key === 'string') count(counting, key, reply, done)
    else key.then(function keyed (key) { count(counting, key, reply, done) }, done)
  }
}

// One store call; the hook is done when the store answers (at once for the
// in-memory store).
function count (limit: Limit, key: string, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  limit.store.incr(key, function storeCounted (error, result) {
    if (error !== null || result === undefined) {
      // The store failed; the cause is logged by the store, never answered.
      if (limit.options.onStoreError === 'open') done()
      else done(serviceUnavailable('Rate limiting is unavailable, retry in 1 second', { retryAfter: storeRetryAfter, cause: error }))
      return
    }
    const { max, ban } = limit
    const current = result.current
    const reset = headerSeconds(result.ttl)
    reply.headers(rateLimitHeaders(limit.options.headers, {
      policy: limit.policy,
      limit: max,
      remaining: Math.max(0, max - current),
      reset,
      window: limit.window
    }))
    if (current <= max) {
      done()
    } else if (ban !== -1 && current - max > ban) {
      done(forbidden(`Too many requests past the limit; access is blocked, retry in ${seconds(reset)}`, {
        headers: { 'retry-after': String(reset) }
      }))
    } else {
      done(tooManyRequests(`Rate limit exceeded, retry in ${seconds(reset)}`, { retryAfter: reset }))
    }
  }, limit.timeWindow, limit.max)
}

function seconds (count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`
}

/**
 * The key of a request: the user's `keyGenerator` when it gives a non-empty
 * string or a number, else the client IP. The promise it may return never
 * rejects: a throw or a rejection counts the request by its client IP.
 */
function keyGeneratorFor (given: RateLimitKeyGenerator): (request: FastifyRequest) => string | Promise<string> {
  return function rateLimitKey (request: FastifyRequest) {
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

function keyFrom (request: FastifyRequest, key: unknown): string {
  if (typeof key === 'string' && key !== '') return key
  if (typeof key === 'number' && Number.isFinite(key)) return String(key)
  return clientKey(request)
}

function keyFailed (request: FastifyRequest, error: unknown): string {
  safeLog(request.log, 'warn', { err: error }, 'Rate limit keyGenerator failed; counting the request by client IP')
  return clientKey(request)
}

// As `@fastify/rate-limit` counts by default: the client IP, IPv6 grouped by
// /64 since one client usually holds a whole /64.
function clientKey (request: FastifyRequest): string {
  return normalizeIP(request.ip, ipv6Subnet)
}
