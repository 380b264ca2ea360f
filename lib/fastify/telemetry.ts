import type { FastifyRequest } from 'fastify'
import type { NormalizedError } from '../core/envelope.js'
import { readField } from '../core/safe-read.js'
import { reportErrorAnswer, type TelemetryPort, type TraceIds } from '../core/telemetry.js'
import type { Settings } from './options.js'

/**
 * What the telemetry reads of a Fastify request: its method, the route's
 * URL as registered, and the span `@fastify/otel` keeps for it.
 *
 * @example
 * ```ts
 * fastifyTelemetry.routeOf(request) // '/widgets/:id'
 * ```
 */
export const fastifyTelemetry: TelemetryPort<FastifyRequest> = {
  methodOf: (request) => request.method,
  // `frameworkErrors` gets requests that no route took: read, not assumed.
  routeOf: function routeOf (request) {
    const route = readField(readField(request, 'routeOptions'), 'url')
    return typeof route === 'string' ? route : undefined
  },
  // `@fastify/otel` decorates requests with `opentelemetry()`, whose `span`
  // is the request's own; in the error handler the active span is the
  // handler's child span, which ended when the handler threw.
  spanOf: function fastifyOtelSpan (request) {
    const decorated = readField(request, 'opentelemetry')
    if (typeof decorated !== 'function') return undefined
    return readField(decorated.call(request), 'span')
  }
}

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
  return reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, request, fastifyTelemetry)
}
