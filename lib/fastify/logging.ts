import type { FastifyInstance } from 'fastify'

/**
 * Names the request id `request_id` in every log line a request's logger
 * writes. Fastify binds the id under its `requestIdLogLabel` (`reqId` by
 * default); the factory renames that single binding. A server without a
 * logger keeps Fastify's fast path, which skips child loggers entirely.
 *
 * @example
 * ```ts
 * installLogging(fastify)
 * // request.log.info('hello') → {"request_id":"req_…","msg":"hello"}
 * ```
 */
export function installLogging (fastify: FastifyInstance): void {
  if (!hasRealLogger(fastify)) return
  fastify.setChildLoggerFactory(function requestIdChildLogger (logger, bindings, options) {
    return logger.child({ request_id: onlyValue(bindings) }, options)
  })
}

// Fastify's null logger (abstract-logging) has no bindings(); pino has.
function hasRealLogger (fastify: FastifyInstance): boolean {
  return typeof (fastify.log as { bindings?: unknown }).bindings === 'function'
}

// Fastify binds exactly one key, the id under its label, whatever the label.
function onlyValue (bindings: Record<string, unknown>): unknown {
  let value: unknown
  for (const key in bindings) value = bindings[key]
  return value
}
