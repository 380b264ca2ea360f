import type { IncomingMessage } from 'node:http'
import type { NormalizedError } from '../core/envelope.js'
import { readField } from '../core/safe-read.js'
import { reportErrorAnswer, type TraceIds } from '../core/telemetry.js'
import type { ExpressSettings } from './options.js'

/**
 * Reports an error answer to OpenTelemetry (see `reportErrorAnswer()`), on
 * the active span (the HTTP instrumentation's server span, or the app's
 * own). Gives the trace ids for the log line.
 *
 * @example
 * ```ts
 * const trace = reportExpressAnswer(req, settings, answer, thrown)
 * ```
 */
export function reportExpressAnswer (req: IncomingMessage, settings: ExpressSettings, answer: NormalizedError, thrown: unknown): TraceIds | undefined {
  if (settings.telemetry === false || settings.telemetry.api === undefined) return undefined
  return reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, { method: req.method, route: routeOf(req) })
}

// Express sets `req.route` to the route that matched, and keeps it while
// the error handlers after the routes run; its `path` is the template as
// registered, relative to the router it sits in.
function routeOf (req: IncomingMessage): string | undefined {
  const path = readField(readField(req, 'route'), 'path')
  return typeof path === 'string' ? path : undefined
}
