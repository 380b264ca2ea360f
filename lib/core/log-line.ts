import type { NormalizedError } from './envelope.js'
import { errorForLog } from './log-error.js'
import type { LogLevel } from './options.js'
import { isShed } from './overload.js'
import { safeLog } from './safe-log.js'
import { readField } from './safe-read.js'
import type { TraceIds } from './telemetry.js'
import { isClientCaused } from './unrouted.js'

/** The two levels error lines are written at. */
export interface LogLevels {
  clientErrorLevel: LogLevel
  serverErrorLevel: LogLevel
}

/**
 * Writes the one log line of an error response, before the response is sent,
 * so that it comes ahead of the framework's "request completed" line.
 *
 * - A 5xx is the server's doing: at `serverErrorLevel` (default `error`), its
 *   message is the thrown error's own (the client saw a masked one), and
 *   `err` is the whole error, stack and causes included.
 * - Everything else is the client's doing (4xx, and the 501 to a method no
 *   route handles): at `clientErrorLevel` (default `info`), its message is
 *   the one the client was sent, with the `details` it was sent, and `err`
 *   names the thrown value's type and code, and its own message as `reason`
 *   when the client was told something else (no stack).
 *   Answers that no thrown value caused (404, 405, 501) have no `err`.
 *
 * With the trace ids of the span that was active when the answer was sent
 * (`reportErrorAnswer()`), the line carries `trace_id` and `span_id`.
 *
 * The line never carries the error's `headers`, where cookies and credentials
 * travel, and a logger that throws loses the line, never the answer. Callers
 * ask `shouldLogErrorResponse()` first, so that nothing is described for a
 * level that is off.
 *
 * @example
 * ```ts
 * logErrorResponse(request.log, settings, answer, thrown)
 * // {"level":30,"request_id":"req_…","statusCode":422,"code":"validation_failed","details":[…],"err":{"type":"Error","code":"FST_ERR_VALIDATION"},"msg":"2 fields failed validation"}
 * ```
 */
export function logErrorResponse (log: unknown, levels: LogLevels, answer: NormalizedError, thrown?: unknown, trace?: TraceIds): void {
  const line: Record<string, unknown> = { statusCode: answer.status, code: answer.code }
  if (trace !== undefined) {
    line.trace_id = trace.trace_id
    line.span_id = trace.span_id
  }
  if (isShed(thrown)) {
    safeLog(log, 'warn', line, answer.message)
    return
  }
  const server = isServerCaused(answer)
  const level = server ? levels.serverErrorLevel : levels.clientErrorLevel
  if (server) {
    if (thrown === undefined) {
      safeLog(log, level, line, answer.message)
      return
    }
    const err = errorForLog(thrown, true)
    line.err = err
    safeLog(log, level, line, err.message === '' ? answer.message : err.message)
    return
  }
  if (answer.details !== undefined) line.details = answer.details
  if (thrown !== undefined) line.err = thrownKind(thrown, answer)
  safeLog(log, level, line, answer.message)
}

interface ThrownKind { type: string, code?: string | number, reason?: string }

// The type and code of a client error's thrown value, and its own message as
// `reason` when the client was told something else (a driver error that
// `mapError` turned into a 409). A schema failure's own message is ajv's
// first error: the answer's message and details say it all. It has no
// `message`, so a logger's error serializer leaves it as it is rather than
// adding an empty `stack`.
function thrownKind (thrown: unknown, answer: NormalizedError): ThrownKind {
  const { type, code, message } = errorForLog(thrown, false)
  const kind: ThrownKind = { type }
  if (code !== undefined) kind.code = code
  if (message !== '' && message !== answer.message && !Array.isArray(readField(thrown, 'validation'))) kind.reason = message
  return kind
}

/**
 * Whether the line of this answer would be written at all: its level is on.
 *
 * @example
 * ```ts
 * shouldLogErrorResponse(request.log, settings, answer) // false with logger: false
 * ```
 */
export function shouldLogErrorResponse (log: unknown, levels: LogLevels, answer: NormalizedError, thrown?: unknown): boolean {
  return isLevelEnabled(log, isShed(thrown) ? 'warn' : levelOf(levels, answer))
}

// A 5xx is the server's doing, but for the 501 to a method no route handles.
function levelOf (levels: LogLevels, answer: NormalizedError): LogLevel {
  return isServerCaused(answer) ? levels.serverErrorLevel : levels.clientErrorLevel
}

function isServerCaused (answer: NormalizedError): boolean {
  return answer.status >= 500 && !isClientCaused(answer)
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
