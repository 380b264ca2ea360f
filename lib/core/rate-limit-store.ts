import type { RateLimitRedis } from './rate-limit-options.js'
import { storeCall, storeHealth, type StoreHealth } from './store-health.js'

/**
 * What a count answers: the requests of the key in its window, this one
 * included, and the milliseconds left of the window.
 *
 * @example
 * ```ts
 * const counted: Counted = { current: 3, ttl: 41_500 }
 * ```
 */
export interface Counted { current: number, ttl: number }

/** How a count ends: an error, or what was counted. */
export type CountCallback = (error: Error | null, counted?: Counted) => void

/**
 * The store a limiter counts in: one call per request, answered with a
 * callback (at once for the in-memory store), and a store of its own for a
 * route's own limit. Fixed windows: a key's window starts at its first
 * request and its count restarts when the window ends.
 *
 * @example
 * ```ts
 * store.incr('127.0.0.1', (error, counted) => {}, 60_000)
 * const search = store.child({ routeId: 'GET/search' })
 * ```
 */
export interface RateLimitStore {
  incr: (key: string, callback: CountCallback, timeWindow: number) => void
  /** The store of a route's own limit; `routeId` keeps its keys apart. */
  child: (params: { routeId: string }) => RateLimitStore
}

// How many keys the in-memory store keeps at most (as @fastify/rate-limit's
// own), so that distinct keys cannot grow it.
const MEMORY_STORE_KEYS = 5000

// A key's window, and what the last count answered: handed to the callback
// as is, which reads it before the next count.
interface Window { current: number, ttl: number, start: number }

/**
 * The in-memory store: up to 5,000 keys, those used most recently, in two
 * generations of half that each (the newer one takes every key used; when
 * it is full, it becomes the older one and the oldest generation is
 * dropped). A count is one `Map` lookup; a key dropped starts a new window
 * at its next request. Time is `Date.now()`.
 *
 * @example
 * ```ts
 * const store = memoryStore()
 * store.incr('127.0.0.1', (error, counted) => {}, 60_000) // counted: { current: 1, ttl: 60000 }, at once
 * ```
 */
export function memoryStore (maxKeys: number = MEMORY_STORE_KEYS): RateLimitStore {
  const generation = Math.max(1, Math.ceil(maxKeys / 2))
  let newer = new Map<string, Window>()
  let older = new Map<string, Window>()
  function keep (key: string, window: Window): void {
    newer.set(key, window)
    if (newer.size >= generation) {
      older = newer
      newer = new Map()
    }
  }
  function windowOf (key: string): Window | undefined {
    const window = newer.get(key)
    if (window !== undefined) return window
    const kept = older.get(key)
    if (kept !== undefined) {
      older.delete(key)
      keep(key, kept)
    }
    return kept
  }
  return {
    incr: function countInMemory (key, callback, timeWindow) {
      const now = Date.now()
      let window = windowOf(key)
      if (window === undefined) {
        window = { current: 0, ttl: timeWindow, start: now }
        keep(key, window)
      } else if (window.start + timeWindow <= now) {
        window.current = 0
        window.start = now
      }
      window.current++
      window.ttl = timeWindow - (now - window.start)
      callback(null, window)
    },
    child: function routeStore () {
      return memoryStore(maxKeys)
    }
  }
}

// One script per count: a key with no window left (none, or no expiry)
// starts one at 1; else its count goes up by one. The milliseconds left come
// back with the count. rate-limit-redis counts the same way on Express.
const COUNT_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
  return {1, tonumber(ARGV[1])}
end
return {redis.call('INCR', KEYS[1]), ttl}
`
const COUNT_COMMAND = 'errorEnvelopeCount'

// The script's answer: the count and the milliseconds left.
type RedisReply = (error: Error | null, reply?: [number, number] | null) => void

// The client with the command defined on it, as ioredis's defineCommand()
// adds it: EVALSHA, and EVAL when Redis does not have the script yet.
interface CountingRedis {
  [COUNT_COMMAND]: (key: string, timeWindow: number, reply: RedisReply) => void
  pttl: (key: string, reply: (error: Error | null) => void) => void
}

/**
 * Options of `redisStore()`.
 *
 * @example
 * ```ts
 * { redis, nameSpace: 'rl-', timeout: 100, onOutage: (error) => log.warn(error), onRecovery: () => {} }
 * ```
 */
export interface RedisStoreOptions {
  /** An ioredis client. */
  redis: RateLimitRedis
  /** The prefix of every key. */
  nameSpace: string
  /** Milliseconds a call may take. */
  timeout: number
  /** Called once when Redis stops answering, with the first failure. */
  onOutage: (error: unknown) => void
  /** Called once when Redis answers again. */
  onRecovery: () => void
}

/**
 * The Redis store, shared by every instance of the app: one script per
 * count (`PTTL`, then `INCR`, or `SET` with the window for a key's first
 * request), with a deadline on every call (`storeCall()`). A call that
 * fails, or does not answer within `timeout`, calls back with a
 * `RateLimitStoreError` in time, whatever the driver does; Redis then
 * counts as down, calls fail at once, and one `PTTL` at a time goes to
 * Redis in the background until one answers.
 *
 * Keys are `nameSpace` and the request's key; a route's own limit adds its
 * `routeId` and a dash.
 *
 * @example
 * ```ts
 * const store = redisStore({ redis: new Redis(url), nameSpace: 'rl-', timeout: 100, onOutage, onRecovery })
 * store.incr('127.0.0.1', (error, counted) => {}, 60_000) // rl-127.0.0.1
 * ```
 */
export function redisStore (options: RedisStoreOptions): RateLimitStore {
  const redis = options.redis as RateLimitRedis & Partial<CountingRedis>
  if (typeof redis[COUNT_COMMAND] !== 'function') redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT })
  return prefixedStore(redis as RateLimitRedis & CountingRedis, storeHealth(options), options.nameSpace)
}

function prefixedStore (redis: CountingRedis, health: StoreHealth, prefix: string): RateLimitStore {
  return {
    incr: function countInRedis (key, callback, timeWindow) {
      storeCall<Counted>(health, function count (done) {
        redis[COUNT_COMMAND](prefix + key, timeWindow, function counted (error, reply) {
          if (error !== null) {
            done(error)
            return
          }
          const [current, ttl] = reply as [number, number]
          done(null, { current, ttl })
        })
      }, function probe (done) {
        redis.pttl(prefix + key, done)
      }, callback)
    },
    child: function routeStore (params) {
      return prefixedStore(redis, health, `${prefix}${params.routeId}-`)
    }
  }
}
