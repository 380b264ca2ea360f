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
export function markDown (health: StoreHealth, error: unknown): void {
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
export function markUp (health: StoreHealth): void {
  if (!health.down) return
  health.down = false
  health.onRecovery()
}

/**
 * One store call under the health record's deadline, for stores that answer
 * with a promise: it settles within `timeout` whatever the driver does, and
 * rejects with a `RateLimitStoreError` when the store failed, was too slow or
 * is down (then `probe` runs, one at a time).
 *
 * @example
 * ```ts
 * const hits = await deadlineCall(health, () => store.increment(key), () => store.get(key))
 * ```
 */
export function deadlineCall<T> (health: StoreHealth, call: () => Promise<T>, probe: () => Promise<unknown>): Promise<T> {
  // `call` and `probe` are async functions: they reject, never throw.
  if (health.down) {
    if (!health.probing) {
      health.probing = true
      probe().then(function probeAnswer () { health.probing = false; markUp(health) }, function probeFailed () { health.probing = false })
    }
    return Promise.reject(new RateLimitStoreError('Rate limit store is unavailable'))
  }
  return new Promise<T>(function deadline (resolve, reject) {
    let settled = false
    const timer = setTimeout(function storeDeadline () {
      settled = true
      const error = new RateLimitStoreError(`Rate limit store did not answer within ${health.timeout} ms`)
      markDown(health, error)
      reject(error)
    }, health.timeout)
    call().then(function storeAnswer (value) {
      clearTimeout(timer)
      markUp(health)
      if (settled) return
      settled = true
      resolve(value)
    }, function storeFailed (error: unknown) {
      clearTimeout(timer)
      markDown(health, error)
      if (settled) return
      settled = true
      reject(new RateLimitStoreError('Rate limit store failed', { cause: error }))
    })
  })
}
