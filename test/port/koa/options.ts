import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings } from '../../../lib/core/options.js'
import { fail, type KnownKeys } from '../../../lib/core/option-checks.js'

/** A pino logger, or one with `child()` and pino's level methods. */
export interface KoaLogger {
  child: (bindings: Record<string, unknown>) => KoaLogger
  info: (...args: unknown[]) => void
  error: (...args: unknown[]) => void
}

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
  if (logger !== undefined && logger !== false && typeof (logger as KoaLogger).child !== 'function') {
    fail('logger', 'a pino logger or false', logger)
  }
  return { ...normalizeCommonOptions(given), logger: logger === undefined || logger === false ? undefined : logger as KoaLogger }
}
