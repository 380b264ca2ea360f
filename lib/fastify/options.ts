import type { FastifyRequest } from 'fastify'
import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings } from '../core/options.js'
import { normalizeRateLimitOptions, type RateLimitOptions, type RateLimitSettings } from './rate-limit-options.js'

export type { LogLevel, RequestIdOptions } from '../core/options.js'

/**
 * Options of the plugin. Every one is optional; the defaults are safe for
 * production.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, {
 *   requestId: { header: 'x-correlation-id' },
 *   logLevels: { clientError: 'warn' }
 * })
 * ```
 */
export interface ErrorEnvelopeOptions extends CommonOptions {
  /** Rate limiting with `@fastify/rate-limit`; off unless given. */
  rateLimit?: RateLimitOptions | false
  /** Turns what a handler threw into the error to answer; see the README's "Customising answers". */
  mapError?: (thrown: unknown, request: FastifyRequest) => unknown
}

/** The options after checking, with every default filled in. */
export interface Settings extends CommonSettings {
  rateLimit: RateLimitSettings | false
}

const KNOWN = [...COMMON_OPTIONS, 'rateLimit']
// Options Fastify itself passes to every plugin it registers.
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers']

/**
 * Checks the plugin's options once, at registration, and fills in the
 * defaults. A wrong option throws a `TypeError` that names it and says what
 * was given.
 *
 * @example
 * ```ts
 * normalizeOptions({ exposeServerErrors: 'yes' })
 * // TypeError: error-envelope option "exposeServerErrors" must be a boolean, instead got "yes"
 * ```
 */
export function normalizeOptions (options: unknown): Settings {
  const given = checkedOptions(options, KNOWN, REGISTER_OPTIONS)
  return { ...normalizeCommonOptions(given), rateLimit: normalizeRateLimitOptions(given.rateLimit) }
}
