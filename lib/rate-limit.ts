import fastifyRateLimit, { normalizeIP, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions, RouteShorthandOptions } from 'fastify'
import { forbidden, serviceUnavailable, tooManyRequests } from './helpers.js'
import type { Settings } from './options.js'
import { headerSeconds, rateLimitHeaders } from './rate-limit-headers.js'
import { normalizeRouteRateLimit, type LimitSettings, type RateLimitKeyGenerator, type RateLimitSettings } from './rate-limit-options.js'
import { deadlineRedisStore } from './rate-limit-store.js'

// What the limiter of @fastify/rate-limit v11 (`createRateLimit`) answers when
// no allowList is set, which error-envelope never sets.
interface Counted {
  max: number
  timeWindow: number
  remaining: number
  ttl: number
  isExceeded: boolean
  isBanned: boolean
}
type Limiter = (request: FastifyRequest) => Promise<unknown>
type CreateLimiter = (options?: object) => Limiter

const ipv6Subnet = 64
// A failed store says nothing about when it will be back; one second keeps
// clients from hammering without making them wait long.
const storeRetryAfter = 1

/**
 * Installs `@fastify/rate-limit` when the `rateLimit` option is given, and
 * returns the hooks the not-found fallback needs so that 404, 405 and 501
 * answers count against the same key.
 *
 * The library is registered in a scope of its own and only its
 * `createRateLimit` is used: the hooks are error-envelope's, so that the
 * headers, the 429 and 403 envelopes and a failing store are answered one
 * way. Every route added later gets a named `onRequest` hook that runs
 * before the route's own: the global limit, or the route's
 * `config.rateLimit` counted apart; `config.rateLimit: false` opts out.
 * With `global: false`, only routes with a `config.rateLimit` are limited.
 *
 * @example
 * ```ts
 * const notFoundHooks = await installRateLimit(fastify, settings)
 * fastify.setNotFoundHandler(notFoundHooks, handler)
 * ```
 */
export async function installRateLimit (fastify: FastifyInstance, settings: Settings): Promise<RouteShorthandOptions> {
  const options = settings.rateLimit
  if (options === false) return {}
  const createLimiter = await loadLimiter(fastify, options)
  const globalHook = limitHook(createLimiter(), 'default', options)

  fastify.addHook('onRoute', function addRateLimitHook (route: RouteOptions) {
    const config = route.config?.rateLimit
    if (config === false || (config === undefined && !options.global)) return
    let hook = globalHook
    if (config !== undefined) {
      const routeId = `${String(route.method)}${route.url}`
      const limit = normalizeRouteRateLimit(config, `${String(route.method)} ${route.url}`, options)
      hook = limitHook(createLimiter({ ...libraryLimit(limit), routeId }), 'route', options)
    }
    route.onRequest = route.onRequest === undefined ? hook : [hook, ...[route.onRequest].flat()]
  })
  return options.global ? { onRequest: globalHook } : {}
}

async function loadLimiter (fastify: FastifyInstance, options: RateLimitSettings): Promise<CreateLimiter> {
  let createLimiter: CreateLimiter | undefined
  const store = options.redis === undefined
    ? undefined
    : deadlineRedisStore({
      redis: options.redis,
      nameSpace: options.nameSpace,
      timeout: options.storeTimeout,
      onOutage: function rateLimitStoreDown (error) {
        fastify.log.warn({ err: error }, options.onStoreError === 'open'
          ? 'Rate limit store unavailable; requests pass unlimited until it answers'
          : 'Rate limit store unavailable; requests are answered 503 until it answers')
      },
      onRecovery: function rateLimitStoreUp () {
        fastify.log.info('Rate limit store answers again; requests are counted')
      }
    })
  await fastify.register(async function rateLimitScope (scope) {
    // The library types a store's `child` as taking route options; it is
    // given the merged limit, which carries the routeId passed below.
    await scope.register(fastifyRateLimit, {
      ...libraryLimit(options),
      global: false,
      skipOnError: false,
      store: store as FastifyRateLimitStoreCtor | undefined
    })
    createLimiter = scope.createRateLimit as CreateLimiter
  })
  return createLimiter as CreateLimiter
}

function libraryLimit (limit: LimitSettings): object {
  return { max: limit.max, timeWindow: limit.timeWindow, ban: limit.ban, keyGenerator: keyGeneratorFor(limit.keyGenerator) }
}

function limitHook (limiter: Limiter, policy: string, options: RateLimitSettings): onRequestHookHandler {
  return async function rateLimitHook (request: FastifyRequest, reply: FastifyReply) {
    let counted: Counted
    try {
      counted = await limiter(request) as Counted
    } catch (error) {
      // The store failed; the cause is logged by the store, never answered.
      if (options.onStoreError === 'open') return
      throw serviceUnavailable('Rate limiting is unavailable, retry in 1 second', { retryAfter: storeRetryAfter, cause: error })
    }
    const reset = headerSeconds(counted.ttl)
    reply.headers(rateLimitHeaders(options.headers, {
      policy,
      limit: counted.max,
      remaining: counted.remaining,
      reset,
      window: headerSeconds(counted.timeWindow)
    }))
    if (!counted.isExceeded) return
    if (counted.isBanned) {
      throw forbidden(`Too many requests past the limit; access is blocked, retry in ${seconds(reset)}`, {
        headers: { 'retry-after': String(reset) }
      })
    }
    throw tooManyRequests(`Rate limit exceeded, retry in ${seconds(reset)}`, { retryAfter: reset })
  }
}

function seconds (count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`
}

/**
 * The key of a request: the user's `keyGenerator` when it gives a non-empty
 * string or a number, else the client IP with IPv6 grouped by /64 (one
 * client usually holds a whole /64), as `@fastify/rate-limit` does by default.
 */
function keyGeneratorFor (given: RateLimitKeyGenerator | undefined): (request: FastifyRequest) => Promise<string> {
  return async function rateLimitKey (request: FastifyRequest) {
    if (given === undefined) return clientKey(request)
    let key: unknown
    try {
      key = await given(request)
    } catch (error) {
      request.log.warn({ err: error }, 'Rate limit keyGenerator failed; counting the request by client IP')
    }
    if (typeof key === 'string' && key !== '') return key
    if (typeof key === 'number' && Number.isFinite(key)) return String(key)
    return clientKey(request)
  }
}

function clientKey (request: FastifyRequest): string {
  return normalizeIP(request.ip, ipv6Subnet)
}
