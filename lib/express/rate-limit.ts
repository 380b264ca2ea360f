import type { IncomingMessage, ServerResponse } from 'node:http'
import { isApiError } from '../core/api-error.js'
import { headerSeconds } from '../core/rate-limit-headers.js'
import { keyFailedMessage, rateLimitAnswer, storeFailure, storeOutageMessage, storeRecoveryMessage, type CountedLimit } from '../core/rate-limit-answer.js'
import { requestKey } from '../core/rate-limit-key.js'
import { normalizeRouteRateLimit, type LimitSettings, type RateLimitSettings } from '../core/rate-limit-options.js'
import { loadPeer } from '../core/peer.js'
import { safeLog } from '../core/safe-log.js'
import { storeHealth, type StoreHealth } from '../core/store-health.js'
import type { ExpressSettings } from './options.js'
import { routeLimited } from './route-limited.js'
import { deadlineRedisStore, type RedisStoreClass } from './rate-limit-store.js'
import type { EnvelopeRequest, Middleware } from './types.js'

type Next = (error?: unknown) => void
type Limiter = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown
type RateLimitFactory = (options: Record<string, unknown>) => Limiter

/**
 * What every limiter of one `errorEnvelope()` shares.
 *
 * @example
 * ```ts
 * const shared: RateLimitShared = rateLimitShared(settings, settings.rateLimit)
 * ```
 */
export interface RateLimitShared {
  settings: ExpressSettings
  options: RateLimitSettings
  /** One health record for the one Redis every limiter counts in. */
  health: StoreHealth
  /** `express-rate-limit`, and `rate-limit-redis` when counting in Redis, loaded once. */
  modules: { rateLimit: RateLimitFactory, RedisStore: RedisStoreClass | undefined }
  /** How many route limits were made, which names their Redis keys. */
  routes: number
  /** The route limits' middleware, which the global limit leaves their requests to. */
  limiters: Set<unknown>
}

/**
 * What the limiters of one `errorEnvelope()` share, made when the
 * `rateLimit` option is given. `express-rate-limit` and `rate-limit-redis`
 * are optional peers, loaded here so that an app that limits nothing needs
 * neither; a missing one fails here, at setup, with the command that
 * installs it.
 *
 * @example
 * ```ts
 * const shared = rateLimitShared(settings, settings.rateLimit)
 * ```
 */
export function rateLimitShared (settings: ExpressSettings, options: RateLimitSettings): RateLimitShared {
  const health = storeHealth({
    timeout: options.storeTimeout,
    onOutage: function rateLimitStoreDown (error) { safeLog(settings.logger, 'warn', { err: error }, storeOutageMessage(options.onStoreError)) },
    onRecovery: function rateLimitStoreUp () { safeLog(settings.logger, 'info', {}, storeRecoveryMessage) }
  })
  const modules = loadModules(options.redis !== undefined)
  return { settings, options, health, modules, routes: 0, limiters: new Set() }
}

function loadModules (redis: boolean): RateLimitShared['modules'] {
  const { rateLimit } = loadPeer<{ rateLimit: RateLimitFactory }>('express-rate-limit', 'the rateLimit option')
  const RedisStore = redis ? loadPeer<{ RedisStore: RedisStoreClass }>('rate-limit-redis', 'the rateLimit.redis option').RedisStore : undefined
  return { rateLimit, RedisStore }
}

/**
 * The global limit, mounted by `beforeRoutes()`: every request counts,
 * whichever route (or none: 404, 405, 501) answers it, except those of a
 * route with a limit of its own, which count in its bucket instead.
 *
 * @example
 * ```ts
 * app.use(globalRateLimit(shared))
 * ```
 */
export function globalRateLimit (shared: RateLimitShared): Middleware {
  const count = limiter(shared, 'default', shared.options, shared.options.nameSpace)
  const limiters = shared.limiters
  return function envelopeGlobalRateLimit (req, res, next) {
    // A route with its own limit counts there only, as on Fastify; the walk
    // is skipped in an app that gave no route a limit of its own.
    if (limiters.size > 0 && routeLimited(req, limiters)) { next(); return }
    count(req, res, next)
  }
}

/**
 * A route's own limit (`max`, `timeWindow`, `ban`, `keyGenerator`, the rest
 * from the global option), counted apart from the global one, as Fastify's
 * `config.rateLimit`. Every method that reaches the middleware, GET and its
 * HEAD among them, counts in its one bucket. In Redis, its keys are named by
 * the order the route limits are made in, the same in every instance of
 * one app.
 *
 * @example
 * ```ts
 * app.get('/search', routeRateLimit(shared, { max: 10 }), search)
 * ```
 */
export function routeRateLimit (shared: RateLimitShared, config: unknown): Middleware {
  shared.routes += 1
  const limit = normalizeRouteRateLimit(config, `rateLimit() #${shared.routes}`, shared.options)
  const middleware = limiter(shared, 'route', limit, `${shared.options.nameSpace}route-${shared.routes}-`)
  shared.limiters.add(middleware)
  return middleware
}

function limiter (shared: RateLimitShared, policy: string, limit: LimitSettings, prefix: string): Middleware {
  const { options } = shared
  const counted: CountedLimit = { policy, max: limit.max, ban: limit.ban, window: headerSeconds(limit.timeWindow), headers: options.headers }
  const keyOf = requestKey(limit.keyGenerator, ipOf, function warnKeyFailed (req: EnvelopeRequest, error) {
    // beforeRoutes() gave every request its logger.
    safeLog(req.log, 'warn', { err: error }, keyFailedMessage)
  })
  const { rateLimit, RedisStore } = shared.modules
  // rate-limit-redis is loaded whenever redis is given.
  const store = options.redis === undefined ? undefined : deadlineRedisStore(RedisStore as RedisStoreClass, options.redis, prefix, shared.health)
  const counting = rateLimit({
    windowMs: limit.timeWindow,
    limit: limit.max,
    // The headers, the 429 and the 403 are the core's, as on Fastify.
    legacyHeaders: false,
    standardHeaders: false,
    keyGenerator: keyOf,
    handler: answer,
    passOnStoreError: false,
    // Its checks concern the default key generator and headers, both replaced here.
    validate: false,
    ...(store === undefined ? {} : { store })
  })

  // Headers and the verdict of a counted request, from the core.
  function answer (req: IncomingMessage, res: ServerResponse, next: Next): void {
    // express-rate-limit sets it before calling next() or the handler.
    // Both stores give the reset time.
    const info = (req as IncomingMessage & { rateLimit: { used: number, resetTime: Date } }).rateLimit
    const ttl = info.resetTime.getTime() - Date.now()
    const { headers, error } = rateLimitAnswer(counted, info.used, ttl)
    if (!res.headersSent) for (const name in headers) res.setHeader(name, headers[name])
    next(error)
  }

  function run (count: Limiter, req: IncomingMessage, res: ServerResponse, next: Next): void {
    count(req, res, function counted (error?: unknown) {
      if (error === undefined || error === null) { answer(req, res, next); return }
      // The handler (answer) hands on its 429 or 403; anything else is the
      // store's failure: the key never rejects and the checks are off.
      next(isApiError(error) ? error : storeFailure(options.onStoreError, error))
    })
  }

  return function envelopeRateLimit (req, res, next) {
    run(counting, req, res, next)
  }
}

function ipOf (req: IncomingMessage): string | undefined {
  // Express's getter: the socket's address, or the proxy's word under `trust proxy`.
  return (req as IncomingMessage & { ip?: string }).ip
}
