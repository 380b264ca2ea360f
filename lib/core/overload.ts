import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { ApiError } from './api-error.js'
import { serviceUnavailable } from './helpers.js'
import { fail, nestedOption, type KnownKeys } from './option-checks.js'

/**
 * The limits past which a server sheds requests with a 503
 * `service_unavailable` before running their route. A limit left out (or
 * 0) is not checked.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { underPressure: { maxEventLoopDelay: 200, maxHeapUsedBytes: 1_000_000_000, retryAfter: 5 } })
 * ```
 */
export interface UnderPressureOptions {
  /** Milliseconds of mean event loop delay over a sample. */
  maxEventLoopDelay?: number
  /** Bytes of V8 heap in use. */
  maxHeapUsedBytes?: number
  /** Bytes of resident memory. */
  maxRssBytes?: number
  /** Event loop utilization over a sample, from 0 to 1. */
  maxEventLoopUtilization?: number
  /** Seconds in the `Retry-After` of a shed request; default 10. */
  retryAfter?: number
  /** Milliseconds between samples; default 1000. */
  sampleInterval?: number
}

/** The overload limits after checking. */
export interface UnderPressureSettings {
  maxEventLoopDelay: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  maxEventLoopUtilization: number
  retryAfter: number
  sampleInterval: number
}

/** The options both adapters take; the Fastify plugin passes a few more to `@fastify/under-pressure`. */
export const UNDER_PRESSURE_KEYS = Object.freeze({
  maxEventLoopDelay: true, maxHeapUsedBytes: true, maxRssBytes: true, maxEventLoopUtilization: true, retryAfter: true, sampleInterval: true
} satisfies KnownKeys<UnderPressureOptions>)

/**
 * Checks the `underPressure` option: `false` (the default) or the limits.
 *
 * @example
 * ```ts
 * normalizeUnderPressureOptions({ maxEventLoopDelay: -1 }, UNDER_PRESSURE_KEYS)
 * // TypeError: error-envelope option "underPressure.maxEventLoopDelay" must be a number of 0 or more, instead got -1
 * ```
 */
export function normalizeUnderPressureOptions (options: unknown, known: KnownKeys<UnderPressureOptions>): UnderPressureSettings | false {
  if (options === undefined || options === false) return false
  const given = nestedOption('underPressure', options, known)
  const limit = function limit (name: keyof UnderPressureOptions, fallback: number): number {
    const value = given[name] ?? fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`underPressure.${name}`, 'a number of 0 or more', value)
    return value
  }
  const settings = {
    maxEventLoopDelay: limit('maxEventLoopDelay', 0),
    maxHeapUsedBytes: limit('maxHeapUsedBytes', 0),
    maxRssBytes: limit('maxRssBytes', 0),
    maxEventLoopUtilization: limit('maxEventLoopUtilization', 0),
    retryAfter: limit('retryAfter', 10),
    sampleInterval: limit('sampleInterval', 1000)
  }
  if (settings.maxEventLoopUtilization > 1) fail('underPressure.maxEventLoopUtilization', 'a number from 0 to 1', settings.maxEventLoopUtilization)
  if (!Number.isInteger(settings.retryAfter) || settings.retryAfter < 1) fail('underPressure.retryAfter', 'a whole number of seconds, 1 or more', settings.retryAfter)
  if (settings.sampleInterval < 10) fail('underPressure.sampleInterval', 'a number of milliseconds, 10 or more', settings.sampleInterval)
  return settings
}

const shed = new WeakSet<object>()

/**
 * The error of a request shed because the server is past its limits: 503
 * `service_unavailable` with `Retry-After`, a message with no internal
 * figure, and no stack trace (it is no fault of the code). Its log line is
 * written at `warn`.
 *
 * @example
 * ```ts
 * throw overloadError(10) // 503 {"error":{"code":"service_unavailable","message":"The server is overloaded; retry later",...}}
 * ```
 */
export function overloadError (retryAfter: number): ApiError {
  return markShed(serviceUnavailable('The server is overloaded; retry later', { retryAfter, captureStack: false }))
}

/**
 * The error of a request shed because the server's external health check
 * failed (a database it needs is down): 503 with `Retry-After`, logged at
 * `warn`.
 *
 * @example
 * ```ts
 * unhealthyError(10) // 503 {"error":{"code":"service_unavailable","message":"The server cannot serve requests right now; retry later",...}}
 * ```
 */
export function unhealthyError (retryAfter: number): ApiError {
  return markShed(serviceUnavailable('The server cannot serve requests right now; retry later', { retryAfter, captureStack: false }))
}

/**
 * Marks an error as a refused request (overload, shutdown): its log line is
 * written at `warn`, without a stack.
 *
 * @example
 * ```ts
 * markShed(serviceUnavailable('Shutting down'))
 * ```
 */
export function markShed (error: ApiError): ApiError {
  shed.add(error)
  return error
}

/**
 * Whether a thrown value is a request shed for overload.
 *
 * @example
 * ```ts
 * isShed(overloadError(10)) // true
 * ```
 */
export function isShed (thrown: unknown): boolean {
  return typeof thrown === 'object' && thrown !== null && shed.has(thrown)
}

/**
 * Samples the process with Node's own `perf_hooks` (`monitorEventLoopDelay`,
 * `performance.eventLoopUtilization`) and `process.memoryUsage()`, every
 * `sampleInterval`, on a timer that never keeps the process alive.
 *
 * @example
 * ```ts
 * const monitor = pressureMonitor(settings)
 * if (monitor.isUnderPressure()) throw overloadError(settings.retryAfter)
 * monitor.stop()
 * ```
 */
export function pressureMonitor (settings: UnderPressureSettings): { isUnderPressure: () => boolean, stop: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  let utilization = performance.eventLoopUtilization()
  let under = false
  function sample (): void {
    // The histogram's 10 ms resolution is part of every reading. No reading
    // (a mean of NaN) means its timer never ran twice since the last sample:
    // the event loop was blocked throughout, the most delay there is
    // (@fastify/under-pressure 9.2 index.js, updateEventLoopDelay, reads it so).
    const measured = Math.max(0, histogram.mean / 1e6 - 10)
    const delay = Number.isNaN(measured) ? Infinity : measured
    histogram.reset()
    const now = performance.eventLoopUtilization()
    const utilized = performance.eventLoopUtilization(now, utilization).utilization
    utilization = now
    const memory = process.memoryUsage()
    under = (settings.maxEventLoopDelay > 0 && delay > settings.maxEventLoopDelay) ||
      (settings.maxHeapUsedBytes > 0 && memory.heapUsed > settings.maxHeapUsedBytes) ||
      (settings.maxRssBytes > 0 && memory.rss > settings.maxRssBytes) ||
      (settings.maxEventLoopUtilization > 0 && utilized > settings.maxEventLoopUtilization)
  }
  const timer = setInterval(sample, settings.sampleInterval)
  timer.unref()
  return {
    isUnderPressure: function isUnderPressure () { return under },
    stop: function stop () {
      clearInterval(timer)
      histogram.disable()
      under = false
    }
  }
}
