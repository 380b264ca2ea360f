import type { RateLimitRedis } from '../core/rate-limit-options.js'
import { deadlineCall, type StoreHealth } from '../core/store-health.js'
import { MisuseError } from '../core/misuse.js'

/**
 * A store as `express-rate-limit` (v8) calls it: the part of its `Store`
 * type the limiter uses, owned here so that the adapter's declarations name
 * no type of a package a user may not have installed.
 *
 * @example
 * ```ts
 * const { totalHits, resetTime } = await store.increment('192.0.2.7')
 * ```
 */
export interface CountingStore {
  init: (options: { windowMs: number }) => void | Promise<void>
  increment: (key: string) => Promise<{ totalHits: number, resetTime: Date | undefined }>
  decrement: (key: string) => Promise<void> | void
  resetKey: (key: string) => Promise<void> | void
  get: (key: string) => Promise<{ totalHits: number, resetTime: Date | undefined } | undefined>
  localKeys?: boolean
}

/**
 * `rate-limit-redis`'s store class, as `deadlineRedisStore()` builds it.
 *
 * @example
 * ```ts
 * const { RedisStore } = await import('rate-limit-redis')
 * const Store = RedisStore as unknown as RedisStoreClass
 * ```
 */
export type RedisStoreClass = new (options: { sendCommand: (command: string, ...args: string[]) => Promise<unknown>, prefix: string }) => CountingStore

/**
 * `rate-limit-redis`'s store behind the core's deadline and health record:
 * every call settles within `storeTimeout`, a failure rejects with a
 * `RateLimitStoreError` (the driver's error as its cause), and while Redis
 * is down one probe at a time checks it. The probe uses a fresh inner store,
 * because `rate-limit-redis` keeps the script load of its `init()` and would
 * otherwise answer the first failure for ever.
 *
 * @example
 * ```ts
 * const store = deadlineRedisStore(RedisStore, redis, 'express-rate-limit-', health)
 * ```
 */
export function deadlineRedisStore (RedisStore: RedisStoreClass, redis: RateLimitRedis, prefix: string, health: StoreHealth): CountingStore {
  if (typeof redis.call !== 'function') throw new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.redis" must be an ioredis client (with call()) on Express')
  const call = redis.call.bind(redis)
  function fresh (): CountingStore {
    return new RedisStore({ sendCommand: async (command: string, ...args: string[]) => await call(command, ...args), prefix })
  }
  let inner = fresh()
  let windowMs = 60_000

  // init() loads the scripts; a failure is an outage, the probe's to mend.
  async function initialise (store: CountingStore): Promise<void> {
    await store.init({ windowMs })
  }
  async function probe (key: string): Promise<void> {
    const candidate = fresh()
    await initialise(candidate)
    await candidate.get(key)
    inner = candidate
  }

  return {
    localKeys: false,
    init (options) {
      windowMs = options.windowMs
      // A failure is already recorded as an outage by deadlineCall().
      deadlineCall(health, async () => { await initialise(inner) }, async () => { await probe('') }).catch(function initFailed () {})
    },
    async increment (key) {
      return await deadlineCall(health, async () => await inner.increment(key), async () => { await probe(key) })
    },
    async decrement (key) {
      await deadlineCall(health, async () => { await inner.decrement(key) }, async () => { await probe(key) })
    },
    async resetKey (key) {
      await deadlineCall(health, async () => { await inner.resetKey(key) }, async () => { await probe(key) })
    },
    async get (key) {
      return await deadlineCall(health, async () => await inner.get(key), async () => { await probe(key) })
    }
  }
}
