import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, RouteOptions, RouteShorthandOptions } from 'fastify'
import { headerSeconds } from '../core/rate-limit-headers.js'
import { keyFailedMessage, rateLimitAnswer, storeFailure, storeOutageMessage, storeRecoveryMessage, type CountedLimit } from '../core/rate-limit-answer.js'
import { requestKey } from '../core/rate-limit-key.js'
import { memoryStore, redisStore, type RateLimitStore } from '../core/rate-limit-store.js'
import { MisuseError } from '../core/misuse.js'
import { safeLog } from '../core/safe-log.js'
import type { Settings } from './options.js'
import { normalizeRouteRateLimit, type LimitSettings, type RateLimitSettings } from './rate-limit-options.js'

/** One limit as its hook counts it. */
interface Limit extends CountedLimit {
  store: RateLimitStore
  timeWindow: number
  keyOf: (request: FastifyRequest) => string | Promise<string>
  onStoreError: 'open' | 'closed'
}

/**
 * Installs the rate limiter when the `rateLimit` option is given, and returns
 * the hooks the not-found fallback needs so that 404, 405 and 501 answers
 * count against the same key.
 *
 * Counting is the core's store (`lib/core/rate-limit-store.ts`): in memory,
 * or in Redis behind a deadline. Keys, headers, the 429 and 403 envelopes
 * and a failing store are answered by the core, as on Express; the hooks
 * call the store directly, with no promise per request. Every route added later gets a
 * named `onRequest` hook that runs before the route's own: the global limit,
 * or the route's `config.rateLimit` counted apart; `config.rateLimit: false`
 * opts out. With `global: false`, only routes with a `config.rateLimit` are
 * limited. A route's HEAD (Fastify's automatic twin of a GET, or one's own)
 * counts in its GET's bucket, as every way of reaching one route counts once.
 *
 * @example
 * ```ts
 * const notFoundHooks = installRateLimit(fastify, settings)
 * fastify.setNotFoundHandler(notFoundHooks, handler)
 * ```
 */
export function installRateLimit (fastify: FastifyInstance, settings: Settings): RouteShorthandOptions {
  const options = settings.rateLimit
  if (options === false) {
    refuseUncountedRouteLimits(fastify)
    return {}
  }
  refuseSecondLimiter(fastify)
  const store = rootStore(fastify, options)
  const globalHook = limitHook(store, 'default', options, options)
  // A route's own limit, by the bucket it counts in: the HEAD twin finds
  // its GET's hook here.
  const routeHooks = new Map<string, onRequestHookHandler>()

  fastify.addHook('onRoute', function addRateLimitHook (this: FastifyInstance, route: RouteOptions) {
    refuseSecondLimiter(this)
    const config = route.config?.rateLimit
    if (config === false || (config === undefined && !options.global)) return
    let hook = globalHook
    if (config !== undefined) {
      const bucket = routeBucket(route)
      const known = routeHooks.get(bucket)
      if (known === undefined) {
        const limit = normalizeRouteRateLimit(config, `${String(route.method)} ${route.url}`, options)
        hook = limitHook(store.child({ routeId: bucket }), 'route', limit, options)
        routeHooks.set(bucket, hook)
      } else {
        hook = known
      }
    }
    route.onRequest = route.onRequest === undefined ? hook : [hook, ...[route.onRequest].flat()]
  })
  return options.global ? { onRequest: globalHook } : {}
}

// Without the rateLimit option nothing counts a route's config.rateLimit:
// the route would be silently unlimited. It is refused when the route is
// added, unless @fastify/rate-limit itself is registered (it decorates the
// instance with `rateLimit`) and counts it.
function refuseUncountedRouteLimits (fastify: FastifyInstance): void {
  fastify.addHook('onRoute', function refuseUncountedRouteLimit (this: FastifyInstance, route: RouteOptions) {
    const config = route.config?.rateLimit
    if (config === undefined || config === false || this.hasDecorator('rateLimit')) return
    throw new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', `error-envelope: config.rateLimit of ${String(route.method)} ${route.url} would not be counted, since the plugin's rateLimit option is not given: register it with rateLimit: { global: false } to limit only the routes that set config.rateLimit, or rateLimit: {} to limit every route`)
  })
}

/** The message of the refusal of `@fastify/rate-limit` beside the `rateLimit` option. */
export const TWO_LIMITERS = 'error-envelope: @fastify/rate-limit is registered and the plugin\'s rateLimit option is given: both would count every request, and the smaller max would win. Keep one: remove app.register(rateLimit), or the plugin\'s rateLimit option'

// @fastify/rate-limit registered by the app beside the rateLimit option (it
// decorates the instance it is registered in, and its parents, with
// `rateLimit`): refused when the plugin is registered after it, or when a
// route is added where it is registered.
function refuseSecondLimiter (fastify: FastifyInstance): void {
  if (fastify.hasDecorator('rateLimit')) throw new MisuseError('ERR_ENVELOPE_TWO_RATE_LIMITERS', TWO_LIMITERS)
}

// The bucket of a route's own limit: its method and URL, HEAD counted as
// GET. The Redis keys of a GET route keep the form they always had.
function routeBucket (route: RouteOptions): string {
  const method = route.method === 'HEAD' ? 'GET' : String(route.method)
  return `${method}${route.url}`
}

function rootStore (fastify: FastifyInstance, options: RateLimitSettings): RateLimitStore {
  if (options.redis === undefined) return memoryStore()
  return redisStore({
    redis: options.redis,
    nameSpace: options.nameSpace,
    timeout: options.storeTimeout,
    onOutage: function rateLimitStoreDown (error) {
      safeLog(fastify.log, 'warn', { err: error }, storeOutageMessage(options.onStoreError))
    },
    onRecovery: function rateLimitStoreUp () {
      safeLog(fastify.log, 'info', undefined, storeRecoveryMessage)
    }
  })
}

function limitHook (store: RateLimitStore, policy: string, limit: LimitSettings, options: RateLimitSettings): onRequestHookHandler {
  const counting: Limit = {
    store,
    policy,
    max: limit.max,
    timeWindow: limit.timeWindow,
    ban: limit.ban,
    window: headerSeconds(limit.timeWindow),
    headers: options.headers,
    keyOf: requestKey(limit.keyGenerator, ipOf, warnKeyFailed),
    onStoreError: options.onStoreError
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
      done(storeFailure(limit.onStoreError, error))
      return
    }
    const answer = rateLimitAnswer(limit, result.current, result.ttl)
    reply.headers(answer.headers)
    done(answer.error)
  }, limit.timeWindow)
}

function ipOf (request: FastifyRequest): string {
  return request.ip
}

function warnKeyFailed (request: FastifyRequest, error: unknown): void {
  safeLog(request.log, 'warn', { err: error }, keyFailedMessage)
}
