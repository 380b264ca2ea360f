import type { FastifyRequest } from 'fastify'
import type { NormalizedError } from '../core/envelope.js'
import { readField } from '../core/safe-read.js'
import { reportErrorAnswer, type TraceIds } from '../core/telemetry.js'
import type { Settings } from './options.js'

/**
 * Reports an error answer to OpenTelemetry (see `reportErrorAnswer()`), on
 * the request's span: the one `@fastify/otel` keeps for the request, else
 * the active one. Gives the trace ids for the log line.
 *
 * @example
 * ```ts
 * const trace = reportFastifyAnswer(request, settings, answer, thrown)
 * ```
 */
export function reportFastifyAnswer (request: FastifyRequest, settings: Settings, answer: NormalizedError, thrown: unknown): TraceIds | undefined {
  if (settings.telemetry === false || settings.telemetry.api === undefined) return undefined
  // `frameworkErrors` gets requests that no route took: read, not assumed.
  const route = readField(readField(request, 'routeOptions'), 'url')
  return reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, { method: request.method, route: typeof route === 'string' ? route : undefined }, fastifyOtelSpan(request))
}

// `@fastify/otel` decorates requests with `opentelemetry()`, whose `span`
// is the request's own; in the error handler the active span is the
// handler's child span, which ended when the handler threw.
function fastifyOtelSpan (request: FastifyRequest): unknown {
  const decorated = readField(request, 'opentelemetry')
  if (typeof decorated !== 'function') return undefined
  return readField(decorated.call(request), 'span')
}
