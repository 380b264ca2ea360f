import { overloadError, pressureMonitor, type UnderPressureSettings } from '../core/overload.js'
import type { ErrorMiddleware, Middleware } from './types.js'

/**
 * The middleware that sheds requests while the process is past the
 * `underPressure` limits: a 503 `service_unavailable` envelope with
 * `Retry-After`, answered by the adapter's error handler before any route
 * runs, logged once at `warn`. The process is sampled with Node's
 * `perf_hooks` on a timer that never keeps it alive; `stop()` ends it.
 *
 * @example
 * ```ts
 * const shed = shedMiddleware(settings.underPressure, errorHandler)
 * app.use(shed)
 * shed.stop()
 * ```
 */
export function shedMiddleware (settings: UnderPressureSettings, errorHandler: ErrorMiddleware): Middleware & { stop: () => void } {
  const monitor = pressureMonitor(settings)
  const shed: Middleware = function envelopeUnderPressure (req, res, next) {
    if (monitor.isUnderPressure()) {
      errorHandler(overloadError(settings.retryAfter), req, res, next)
      return
    }
    next()
  }
  return Object.assign(shed, { stop: monitor.stop })
}
