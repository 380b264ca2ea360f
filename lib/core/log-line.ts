import type { NormalizedError } from './envelope.js'
import { errorForLog } from './log-error.js'
import type { LogLevel } from './options.js'
import { safeLog } from './safe-log.js'
import { isClientCaused } from './unrouted.js'

/** The two levels error lines are written at. */
export interface LogLevels {
  clientErrorLevel: LogLevel
  serverErrorLevel: LogLevel
}

/**
 * Writes the one log line of an error response: 5xx at `serverErrorLevel`
 * (default `error`) with the whole error, stack and causes included; 4xx at
 * `clientErrorLevel` (default `info`) without the stack. Answers that no
 * thrown value caused (404, 405, and 501 to a method no route handles) are
 * the client's doing: they log their message alone, at `clientErrorLevel`. The line never
 * carries the error's `headers`, where cookies and credentials travel, and a
 * logger that throws loses the line, never the answer. Callers ask
 * `shouldLogErrorResponse()` first, so that nothing is described for a level
 * that is off.
 *
 * @example
 * ```ts
 * logErrorResponse(request.log, settings, answer, thrown)
 * // {"level":30,"request_id":"req_…","statusCode":404,"code":"not_found","err":{…},"msg":"Widget w_1 not found"}
 * ```
 */
export function logErrorResponse (log: unknown, levels: LogLevels, answer: NormalizedError, thrown?: unknown): void {
  const level = levelOf(levels, answer)
  if (thrown === undefined) {
    safeLog(log, level, { statusCode: answer.status, code: answer.code }, answer.message)
    return
  }
  const server = answer.status >= 500
  const err = errorForLog(thrown, server)
  safeLog(log, level, { statusCode: answer.status, code: answer.code, err }, err.message === '' ? answer.message : err.message)
}

/**
 * Whether the line of this answer would be written at all: its level is on.
 *
 * @example
 * ```ts
 * shouldLogErrorResponse(request.log, settings, answer) // false with logger: false
 * ```
 */
export function shouldLogErrorResponse (log: unknown, levels: LogLevels, answer: NormalizedError): boolean {
  return isLevelEnabled(log, levelOf(levels, answer))
}

// A 5xx is the server's doing, but for the 501 to a method no route handles.
function levelOf (levels: LogLevels, answer: NormalizedError): LogLevel {
  return answer.status >= 500 && !isClientCaused(answer) ? levels.serverErrorLevel : levels.clientErrorLevel
}

// A logger that throws here is asked no further: its line is lost, never
// the answer.
function isLevelEnabled (log: unknown, level: string): boolean {
  try {
    const logger = log as Record<string, unknown>
    const check = logger.isLevelEnabled
    if (typeof check === 'function') return check.call(log, level) === true
    // A logger whose every level is one and the same function is a no-op one.
    const method = logger[level]
    return typeof method === 'function' && (method !== logger.fatal || method !== logger.trace)
  } catch {
    return false
  }
}
