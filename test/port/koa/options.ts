import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings } from '../../../lib/core/options.js'
import { isLogger, type EnvelopeLogger } from '../../../lib/core/logger.js'
import { fail, type KnownKeys } from '../../../lib/core/option-checks.js'

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
  logger?: EnvelopeLogger | false
}

/** The options after checking, with every default filled in. */
export interface KoaSettings extends CommonSettings {
  logger: EnvelopeLogger | undefined
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
  if (logger !== undefined && logger !== false && !isLogger(logger)) {
    fail('logger', 'a pino logger (child, fatal, error, warn, info, debug, trace) or false', logger)
  }
  return { ...normalizeCommonOptions(given), logger: isLogger(logger) ? logger : undefined }
}
