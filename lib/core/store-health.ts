/**
 * The error a store call ends with when Redis failed or was too slow; the
 * driver's error, if any, is its `cause`, for the logs only.
 *
 * @example
 * ```ts
 * new RateLimitStoreError('Rate limit store did not answer within 100 ms')
 * ```
 */
export class RateLimitStoreError extends Error {
  readonly code = 'ERR_RATE_LIMIT_STORE'
}

/**
 * Whether a shared store answers, and the deadline of its calls. Once a call
 * has failed the store counts as down: calls fail at once, and one probe at a
 * time goes to the store in the background until one answers. A store that
 * accepts connections but never answers thus holds one pending command, not
 * one per request, and requests during an outage wait for nothing.
 *
 * @example
 * ```ts
 * const health = storeHealth({ timeout: 100, onOutage: (error) => log.warn(error), onRecovery: () => {} })
 * ```
 */
export interface StoreHealth {
  /** Milliseconds a call may take. */
  timeout: number
  /** Called once when the store stops answering, with the first failure. */
  onOutage: (error: unknown) => void
  /** Called once when the store answers again. */
  onRecovery: () => void
  down: boolean
  probing: boolean
}

/**
 * A new health record, up.
 *
 * @example
 * ```ts
 * storeHealth({ timeout: 100, onOutage () {}, onRecovery () {} }).down // false
 * ```
 */
export function storeHealth (options: Pick<StoreHealth, 'timeout' | 'onOutage' | 'onRecovery'>): StoreHealth {
  return { ...options, down: false, probing: false }
}

/**
 * Records a failure; the first one of an outage is reported.
 *
 * @example
 * ```ts
 * markDown(health, new Error('ECONNREFUSED'))
 * ```
 */
function markDown (health: StoreHealth, error: unknown): void {
  if (health.down) return
  health.down = true
  health.onOutage(error)
}

/**
 * Records an answer; the first one after an outage is reported.
 *
 * @example
 * ```ts
 * markUp(health)
 * ```
 */
function markUp (health: StoreHealth): void {
  if (!health.down) return
  health.down = false
  health.onRecovery()
}

/**
 * How a store call ends: `error` is null when the store answered, and
 * `value` is then its answer.
 *
 * @example
 * ```ts
 * const done: StoreDone<number> = (error, value) => { if (error === null) console.log(value) }
 * ```
 */
export type StoreDone<T> = (error: unknown, value?: T | null) => void

/**
 * One store call under the health record's deadline, for stores that answer
 * with a callback: `callback` runs once, within `timeout` whatever the
 * driver does, with the store's answer or a `RateLimitStoreError` (the
 * driver's error as its `cause`) when the store failed, was too slow or is
 * down. While it is down, calls fail at once and `probe` runs in the
 * background, one at a time, until the store answers again.
 *
 * A failing `call` must call back with a non-null error.
 *
 * @example
 * ```ts
 * storeCall(health, (done) => store.incr(key, done), (done) => store.read(key, done), (error, hits) => {})
 * ```
 */
export function storeCall<T> (health: StoreHealth, call: (done: StoreDone<T>) => void, probe: (done: StoreDone<unknown>) => void, callback: (error: RateLimitStoreError | null, value?: T) => void): void {
  if (health.down) {
    if (!health.probing) {
      health.probing = true
      probe(function probeAnswer (error) {
        health.probing = false
        if (error === null) markUp(health)
      })
    }
    callback(new RateLimitStoreError('Rate limit store is unavailable'))
    return
  }
  let settled = false
  const timer = setTimeout(function storeDeadline () {
    settled = true
    const error = new RateLimitStoreError(`Rate limit store did not answer within ${health.timeout} ms`)
    markDown(health, error)
    callback(error)
  }, health.timeout)
  call(function storeAnswer (error, value) {
    clearTimeout(timer)
    if (error === null) markUp(health)
    else markDown(health, error)
    if (settled) return
    settled = true
    if (error === null) callback(null, value as T)
    else callback(new RateLimitStoreError('Rate limit store failed', { cause: error }))
  })
}

/**
 * `storeCall()` for stores that answer with a promise: it settles within
 * `timeout`, and rejects with a `RateLimitStoreError` when the store failed,
 * was too slow or is down.
 *
 * @example
 * ```ts
 * const hits = await deadlineCall(health, () => store.increment(key), () => store.get(key))
 * ```
 */
export function deadlineCall<T> (health: StoreHealth, call: () => Promise<T>, probe: () => Promise<unknown>): Promise<T> {
  return new Promise<T>(function deadline (resolve, reject) {
    storeCall<T>(health, settleWith(call), settleWith(probe), function settled (error, value) {
      if (error === null) resolve(value as T)
      else reject(error)
    })
  })
}

// A promise's outcome as a store callback; a rejection without a reason is
// still a failure.
function settleWith<T> (call: () => Promise<T>): (done: StoreDone<T>) => void {
  return function callStore (done) {
    call().then(function answered (value) {
      done(null, value)
    }, function failed (error: unknown) {
      done(error ?? new Error('Rate limit store failed without a reason'))
    })
  }
}
