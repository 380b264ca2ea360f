import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings, type MapError } from '../core/options.js'
import { booleanOption, fail, type KnownKeys } from '../core/option-checks.js'
import { normalizeRateLimitOptions, type RateLimitOptions, type RateLimitSettings } from '../core/rate-limit-options.js'
import { normalizeUnderPressureOptions, UNDER_PRESSURE_KEYS, type UnderPressureOptions, type UnderPressureSettings } from '../core/overload.js'
import { isLogger, silentLogger, type EnvelopeLogger } from '../core/logger.js'
import type { EnvelopeRequest, ExpressRequest } from './types.js'

// rate-limit-redis writes its keys in a format of its own; a prefix of
// their own keeps them apart from the Fastify plugin's.
const defaultNameSpace = 'express-rate-limit-'

/**
 * Options of the Express adapter: those of the Fastify plugin that apply,
 * and the logger. Every one is optional.
 *
 * @example
 * ```ts
 * import pino from 'pino'
 * const envelope = errorEnvelope({ logger: pino(), requestId: { header: 'x-correlation-id' } })
 * ```
 */
export interface ExpressEnvelopeOptions extends CommonOptions {
  /** A pino logger (or one with pino's methods and `child()`); `false` or none logs nothing. */
  logger?: EnvelopeLogger | false
  /** Turns what a handler threw into the error to answer; see the README's "Customising answers". */
  mapError?: MapError<EnvelopeRequest>
  /**
   * Rate limiting with `express-rate-limit` (and `rate-limit-redis` when
   * `redis` is given), with the Fastify plugin's options and answers; off
   * unless given. The global limit counts in `beforeRoutes()`.
   */
  rateLimit?: RateLimitOptions<ExpressRequest> | false
  /**
   * Sheds requests with a 503 envelope in `beforeRoutes()` past these
   * limits, measured with Node's `perf_hooks`; off unless given.
   */
  underPressure?: UnderPressureOptions | false
  /**
   * Refuse, in a body that `validate()` checks, a property that
   * `additionalProperties: false` does not allow (instead of removing it)
   * and a value of another type (instead of converting it); the query,
   * params and headers are still converted from strings. Default false, as
   * Fastify. An `ajv` given to `validate()` is used as it is.
   */
  strictBody?: boolean
}

/** The options after checking, with every default filled in. */
export interface ExpressSettings extends CommonSettings {
  logger: EnvelopeLogger
  /** Whether a real logger was given. */
  logs: boolean
  rateLimit: RateLimitSettings | false
  underPressure: UnderPressureSettings | false
  strictBody: boolean
}

const KNOWN: KnownKeys<ExpressEnvelopeOptions> = { ...COMMON_OPTIONS, logger: true, rateLimit: true, underPressure: true, strictBody: true }

/**
 * Checks the adapter's options once, when `errorEnvelope()` is called, and
 * fills in the defaults. A wrong option throws a `TypeError` that names it
 * and says what was given.
 *
 * @example
 * ```ts
 * normalizeExpressOptions({ logger: console })
 * // TypeError: error-envelope option "logger" must be a pino logger (child, fatal, error, warn, info, debug, trace) or false, instead got an object
 * ```
 */
export function normalizeExpressOptions (options: unknown): ExpressSettings {
  const given = checkedOptions(options, KNOWN)
  const logger = given.logger
  if (logger !== undefined && logger !== false && !isLogger(logger)) {
    fail('logger', 'a pino logger (child, fatal, error, warn, info, debug, trace) or false', logger)
  }
  const real = logger !== undefined && logger !== false
  const rateLimit = normalizeRateLimitOptions(given.rateLimit, defaultNameSpace)
  // rate-limit-redis sends raw commands, through ioredis's call().
  if (rateLimit !== false && rateLimit.redis !== undefined && typeof rateLimit.redis.call !== 'function') {
    fail('rateLimit.redis', 'an ioredis client', rateLimit.redis)
  }
  const underPressure = normalizeUnderPressureOptions(given.underPressure, UNDER_PRESSURE_KEYS)
  const strictBody = booleanOption('strictBody', given.strictBody, false)
  return { ...normalizeCommonOptions(given), logger: real ? logger : silentLogger, logs: real, rateLimit, underPressure, strictBody }
}
