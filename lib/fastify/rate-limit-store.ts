import type LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import type RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import { loadPeer } from '../core/peer.js'
import type { RateLimitRedis } from '../core/rate-limit-options.js'
import { storeCall, storeHealth, type StoreHealth } from '../core/store-health.js'

/** What a store call answers: the count of the key in its window and the milliseconds left. */
export type StoreCallback = (error: Error | null, result?: { current: number, ttl: number }) => void

/**
 * A store as `@fastify/rate-limit` (v11) calls it.
 *
 * @example
 * ```ts
 * store.incr('127.0.0.1', (error, result) => {}, 60_000, 100)
 * ```
 */
export interface RateLimitStore {
  incr (key: string, callback: StoreCallback, timeWindow: number, max: number): void
  /** The store of a route's own limit; `routeId` keeps its keys apart. */
  child (params: { routeId: string }): RateLimitStore
}

/**
 * `@fastify/rate-limit`'s stores, loaded when the `rateLimit` option is
 * given: the package is an optional peer, and without it registration fails
 * with the command that installs it.
 *
 * @example
 * ```ts
 * const { LocalStore, RedisStore } = rateLimitStores()
 * ```
 */
export function rateLimitStores (): { LocalStore: typeof LocalStore, RedisStore: typeof RedisStore } {
  const user = 'the rateLimit option'
  return {
    LocalStore: loadPeer<typeof LocalStore>('@fastify/rate-limit', user, { path: 'store/LocalStore.js' }),
    RedisStore: loadPeer<typeof RedisStore>('@fastify/rate-limit', user, { path: 'store/RedisStore.js' })
  }
}

// @fastify/rate-limit's default size of the in-memory store: the keys seen
// most recently are kept, so that distinct keys cannot grow it.
const MEMORY_STORE_KEYS = 5000

/**
 * `@fastify/rate-limit`'s in-memory store, as the library builds it by
 * default: an LRU of the 5,000 keys seen most recently. A route's own limit
 * gets a store of its own from `child()`.
 *
 * @example
 * ```ts
 * const store = memoryStore()
 * store.incr('127.0.0.1', (error, result) => {}, 60_000, 100) // calls back at once
 * ```
 */
export function memoryStore (): RateLimitStore {
  const { LocalStore } = rateLimitStores()
  return new LocalStore(false, false, MEMORY_STORE_KEYS)
}

/**
 * Options of `deadlineRedisStore()`.
 *
 * @example
 * ```ts
 * { redis, nameSpace: 'rl-', timeout: 100, onOutage: (error) => log.warn(error), onRecovery: () => {} }
 * ```
 */
export interface DeadlineStoreOptions {
  redis: RateLimitRedis
  nameSpace: string
  /** Milliseconds a call may take. */
  timeout: number
  /** Called once when Redis stops answering, with the first failure. */
  onOutage: (error: unknown) => void
  /** Called once when Redis answers again. */
  onRecovery: () => void
}

interface Health extends StoreHealth {
  redis: RateLimitRedis
  nameSpace: string
  RedisStore: typeof RedisStore
}

/**
 * `@fastify/rate-limit`'s Redis store with a deadline on every call: a call
 * that fails, or does not answer within `timeout`, calls back with a
 * `RateLimitStoreError` in time, whatever the driver does.
 *
 * The deadline and the health record are the core's `storeCall()`, as on
 * Express: once a call has failed, Redis counts as down, calls fail at
 * once, and one read at a time goes to Redis in the background (the probe)
 * until one answers.
 *
 * @example
 * ```ts
 * const Store = deadlineRedisStore({ redis, nameSpace: 'rl-', timeout: 100, onOutage, onRecovery })
 * await fastify.register(rateLimit, { store: Store })
 * ```
 */
export function deadlineRedisStore (options: DeadlineStoreOptions): new () => RateLimitStore {
  const { RedisStore } = rateLimitStores()
  const health: Health = { ...storeHealth(options), redis: options.redis, nameSpace: options.nameSpace, RedisStore }
  return class RootDeadlineStore extends DeadlineRedisStore {
    constructor () {
      super(health, options.nameSpace)
    }
  }
}

class DeadlineRedisStore implements RateLimitStore {
  readonly #health: Health
  readonly #inner: RedisStore

  constructor (health: Health, prefix: string) {
    this.#health = health
    this.#inner = new health.RedisStore(false, false, health.redis, prefix)
  }

  incr (key: string, callback: StoreCallback, timeWindow: number, max: number): void {
    const inner = this.#inner
    storeCall<{ current: number, ttl: number }>(this.#health, function count (done) {
      inner.incr(key, done, timeWindow, max)
    }, function probe (done) {
      inner.read(key, done)
    }, callback)
  }

  child (params: { routeId: string }): RateLimitStore {
    return new DeadlineRedisStore(this.#health, `${this.#health.nameSpace}${params.routeId}-`)
  }
}
