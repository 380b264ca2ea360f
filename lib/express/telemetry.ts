import type { IncomingMessage } from 'node:http'
import type { NormalizedError } from '../core/envelope.js'
import { readField } from '../core/safe-read.js'
import { reportErrorAnswer, type TelemetryPort, type TraceIds } from '../core/telemetry.js'
import type { ExpressSettings } from './options.js'

/**
 * What the telemetry reads of an Express request: its method and the
 * matched route's path. Express keeps `req.route` while the error handlers
 * after the routes run; its `path` is the template as registered, relative
 * to the router it sits in. The span is the active one (the HTTP
 * instrumentation's server span, or the app's own).
 *
 * @example
 * ```ts
 * expressTelemetry.routeOf(req) // '/widgets/:id'
 * ```
 */
export const expressTelemetry: TelemetryPort<IncomingMessage> = {
  methodOf: (req) => req.method,
  routeOf: function routeOf (req) {
    const path = readField(readField(req, 'route'), 'path')
    return typeof path === 'string' ? path : undefined
  },
  spanOf: () => undefined
}

/**
 * Reports an error answer to OpenTelemetry (see `reportErrorAnswer()`).
 * Gives the trace ids for the log line.
 *
 * @example
 * ```ts
 * const trace = reportExpressAnswer(req, settings, answer, thrown)
 * ```
 */
export function reportExpressAnswer (req: IncomingMessage, settings: ExpressSettings, answer: NormalizedError, thrown: unknown): TraceIds | undefined {
  return reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, req, expressTelemetry)
}
