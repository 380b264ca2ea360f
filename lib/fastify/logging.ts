import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { NormalizedError } from '../core/envelope.js'
import { errorForLog } from '../core/log-error.js'
import { safeLog } from '../core/safe-log.js'
import type { Settings } from './options.js'

/**
 * Writes the one log line of an error response: 5xx at `serverErrorLevel`
 * (default `error`) with the whole error, stack and causes included; 4xx at
 * `clientErrorLevel` (default `info`) without the stack. Answers that no
 * thrown value caused (404, 405, 501) log their message alone. The line never
 * carries the error's `headers`, where cookies and credentials travel.
 * Callers ask `shouldLogErrorResponse()` first, so that nothing is described
 * for a level that is off.
 *
 * @example
 * ```ts
 * logErrorResponse(request.log, settings, answer, thrown)
 * // {"level":30,"request_id":"req_…","statusCode":404,"code":"not_found","err":{…},"msg":"Widget w_1 not found"}
 * ```
 */
export function logErrorResponse (log: FastifyBaseLogger, settings: Settings, answer: NormalizedError, thrown?: unknown): void {
  const server = answer.status >= 500
  const level = server ? settings.serverErrorLevel : settings.clientErrorLevel
  if (thrown === undefined) {
    safeLog(log, level, { statusCode: answer.status, code: answer.code }, answer.message)
    return
  }
  const err = errorForLog(thrown, server)
  safeLog(log, level, { statusCode: answer.status, code: answer.code, err }, err.message === '' ? answer.message : err.message)
}

/**
 * Whether the line of an error response would be written at all. Describing
 * the error is the costly part of the line: it is skipped for a level pino
 * would drop, and for Fastify's null logger (which has no isLevelEnabled and
 * shares one no-op for every level).
 *
 * @example
 * ```ts
 * shouldLogErrorResponse(request.log, settings, answer) // false with logger: false
 * ```
 */
export function shouldLogErrorResponse (log: FastifyBaseLogger, settings: Settings, answer: NormalizedError): boolean {
  return isLevelEnabled(log, answer.status >= 500 ? settings.serverErrorLevel : settings.clientErrorLevel)
}

// A logger that throws here is asked no further: its line is lost, never
// the answer.
function isLevelEnabled (log: FastifyBaseLogger, level: string): boolean {
  try {
    const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled
    if (typeof check === 'function') return check.call(log, level)
    // A logger whose every level is one and the same function is a no-op one.
    const method = log[level as 'info']
    return method !== log.fatal || method !== log.trace
  } catch {
    return false
  }
}

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
