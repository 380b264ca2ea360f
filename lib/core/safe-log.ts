import { readField } from './safe-read.js'

/**
 * Writes one log line through a logger that may be broken: a missing level,
 * a method that throws or a serializer that throws loses the line, never the
 * answer or the process. Every log call of the package goes through here, or
 * through a guard of its own, because many run where nothing would catch a
 * throw: a parser error's socket callback, a Redis client's event.
 *
 * @example
 * ```ts
 * safeLog(request.log, 'warn', { err }, 'Rate limit store unavailable')
 * safeLog({ warn () { throw new Error('disk full') } }, 'warn', {}, 'x') // returns, nothing thrown
 * ```
 */
export function safeLog (logger: unknown, level: string, fields: object | undefined, message: string): void {
  try {
    const method = readField(logger, level)
    if (typeof method !== 'function') return
    if (fields === undefined) method.call(logger, message)
    else method.call(logger, fields, message)
  } catch {}
}
