import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings } from '../../../lib/core/options.js'
import { fail, type KnownKeys } from '../../../lib/core/option-checks.js'

/** A pino logger, or one with `child()` and pino's level methods. */
export interface KoaLogger {
  child: (bindings: Record<string, unknown>) => KoaLogger
  fatal: (...args: unknown[]) => void
  error: (...args: unknown[]) => void
  warn: (...args: unknown[]) => void
  info: (...args: unknown[]) => void
  debug: (...args: unknown[]) => void
  trace: (...args: unknown[]) => void
}

const LOGGER_METHODS = ['child', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const

/**
 * Options of the Koa adapter: the common ones, and the logger.
 *
 * @example
 * ```ts
 * const envelope = koaEnvelope({ logger: pino(), format: 'negotiate' })
 * ```
 */
export interface KoaEnvelopeOptions extends CommonOptions {
  /** A pino logger; none logs nothing. */
  logger?: KoaLogger | false
}

/** The options after checking, with every default filled in. */
export interface KoaSettings extends CommonSettings {
  logger: KoaLogger | undefined
}

const KNOWN: KnownKeys<KoaEnvelopeOptions> = { ...COMMON_OPTIONS, logger: true }

/**
 * Checks the adapter's options once, when `koaEnvelope()` is called: an
 * unknown key or a wrong value throws a coded `TypeError` naming it.
 *
 * @example
 * ```ts
 * normalizeKoaOptions({ loger: pino() }) // TypeError ERR_ENVELOPE_UNKNOWN_OPTION
 * ```
 */
export function normalizeKoaOptions (options: unknown): KoaSettings {
  const given = checkedOptions(options, KNOWN)
  const logger = given.logger
  if (logger !== undefined && logger !== false && !LOGGER_METHODS.every((method) => typeof (logger as Partial<KoaLogger>)[method] === 'function')) {
    fail('logger', `a pino logger (${LOGGER_METHODS.join(', ')}) or false`, logger)
  }
  return { ...normalizeCommonOptions(given), logger: logger === undefined || logger === false ? undefined : logger as KoaLogger }
}
