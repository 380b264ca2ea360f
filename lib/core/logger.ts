import { readField } from './safe-read.js'

/**
 * What an adapter needs of a logger: pino's level methods and `child()`.
 *
 * @example
 * ```ts
 * import pino from 'pino'
 * const logger: EnvelopeLogger = pino()
 * ```
 */
export interface EnvelopeLogger {
  child: (bindings: Record<string, unknown>) => EnvelopeLogger
  fatal: (...args: unknown[]) => void
  error: (...args: unknown[]) => void
  warn: (...args: unknown[]) => void
  info: (...args: unknown[]) => void
  debug: (...args: unknown[]) => void
  trace: (...args: unknown[]) => void
  isLevelEnabled?: (level: string) => boolean
}

function noop (): void {}

/**
 * The logger of an app that logs nothing (`logger: false` or none given):
 * `req.log` still answers every call, so handlers never test for it.
 *
 * @example
 * ```ts
 * silentLogger.info('nobody hears this')
 * ```
 */
export const silentLogger: EnvelopeLogger = Object.freeze({
  child: () => silentLogger,
  fatal: noop,
  error: noop,
  warn: noop,
  info: noop,
  debug: noop,
  trace: noop
})

/**
 * Whether a value can serve as an adapter's logger.
 *
 * @example
 * ```ts
 * isLogger(pino()) // true
 * isLogger(console) // false: no child()
 * ```
 */
export function isLogger (value: unknown): value is EnvelopeLogger {
  return ['child', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'].every((name) => typeof readField(value, name) === 'function')
}
