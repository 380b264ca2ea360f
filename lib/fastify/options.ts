import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fail, type KnownKeys } from '../core/option-checks.js'
import { readField } from '../core/safe-read.js'
import { normalizeUnderPressureOptions, UNDER_PRESSURE_KEYS, type UnderPressureOptions, type UnderPressureSettings } from '../core/overload.js'
import { MisuseError } from '../core/misuse.js'
import { checkedOptions, COMMON_OPTIONS, normalizeCommonOptions, type CommonOptions, type CommonSettings, type MapError } from '../core/options.js'
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
  /** Rate limiting, in memory or in Redis; off unless given. */
  rateLimit?: RateLimitOptions | false
  /** Turns what a handler threw into the error to answer; see the README's "Customising answers". */
  mapError?: MapError<FastifyRequest>
  /** Sheds requests with a 503 envelope past these limits, with `@fastify/under-pressure`; off unless given. */
  underPressure?: FastifyUnderPressureOptions | false
}

/**
 * The overload limits, and the options of `@fastify/under-pressure` that the
 * plugin passes on as they are: an external `healthCheck` and its interval,
 * and its status route.
 *
 * @example
 * ```ts
 * { maxEventLoopDelay: 200, healthCheck: async () => db.ping(), healthCheckInterval: 5000, exposeStatusRoute: '/status' }
 * ```
 */
export interface FastifyUnderPressureOptions extends UnderPressureOptions {
  healthCheck?: (fastify: FastifyInstance) => Promise<Record<string, unknown> | boolean>
  healthCheckInterval?: number
  exposeStatusRoute?: boolean | string | { url?: string, routeOpts?: Record<string, unknown>, routeSchemaOpts?: Record<string, unknown>, routeResponseSchemaOpts?: Record<string, unknown> }
}

/** The options after checking, with every default filled in. */
export interface Settings extends CommonSettings {
  rateLimit: RateLimitSettings | false
  underPressure: (UnderPressureSettings & { passed: Record<string, unknown> }) | false
}

/** The message of `strictBody` given to the plugin, which cannot apply it. */
export const STRICT_BODY_ON_PLUGIN = 'error-envelope: "strictBody" is an option of the Fastify server, which compiles the route schemas: pass it to serverOptions() (Fastify({ ...serverOptions({ strictBody: true }) })), or give all options once to fastifyEnvelope()'

// What @fastify/under-pressure takes besides the limits, passed on as given.
const PASSED_TO_UNDER_PRESSURE = ['healthCheck', 'healthCheckInterval', 'exposeStatusRoute']
const FASTIFY_UNDER_PRESSURE_KEYS: KnownKeys<FastifyUnderPressureOptions> = { ...UNDER_PRESSURE_KEYS, healthCheck: true, healthCheckInterval: true, exposeStatusRoute: true }

const KNOWN: KnownKeys<ErrorEnvelopeOptions> = { ...COMMON_OPTIONS, rateLimit: true, underPressure: true }
// Options Fastify itself passes to every plugin it registers.
export const REGISTER_OPTIONS: readonly string[] = Object.freeze(['prefix', 'logLevel', 'logSerializers'])

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
  if (readField(options, 'strictBody') !== undefined) throw new MisuseError('ERR_ENVELOPE_SERVER_OPTION', STRICT_BODY_ON_PLUGIN)
  const given = checkedOptions(options, KNOWN, REGISTER_OPTIONS)
  return { ...normalizeCommonOptions(given), rateLimit: normalizeRateLimitOptions(given.rateLimit), underPressure: underPressureOption(given.underPressure) }
}

function isStatusRouteObject (value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const route = value as Record<string, unknown>
  const known = ['url', 'routeOpts', 'routeSchemaOpts', 'routeResponseSchemaOpts']
  if (Object.keys(route).some((key) => !known.includes(key))) return false
  if (route.url !== undefined && (typeof route.url !== 'string' || !route.url.startsWith('/'))) return false
  return known.slice(1).every((key) => route[key] === undefined || (typeof route[key] === 'object' && route[key] !== null))
}

function underPressureOption (value: unknown): Settings['underPressure'] {
  const limits = normalizeUnderPressureOptions(value, FASTIFY_UNDER_PRESSURE_KEYS)
  if (limits === false) return false
  const given = value as Record<string, unknown>
  const passed: Record<string, unknown> = {}
  for (const name of PASSED_TO_UNDER_PRESSURE) if (given[name] !== undefined) passed[name] = given[name]
  if (passed.healthCheck !== undefined && typeof passed.healthCheck !== 'function') fail('underPressure.healthCheck', 'a function', passed.healthCheck)
  const interval = passed.healthCheckInterval
  if (interval !== undefined && (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1)) {
    fail('underPressure.healthCheckInterval', 'a whole number of milliseconds above 0', interval)
  }
  const route = passed.exposeStatusRoute
  if (route !== undefined && typeof route !== 'boolean' && !(typeof route === 'string' && route.startsWith('/')) && !isStatusRouteObject(route)) {
    fail('underPressure.exposeStatusRoute', 'a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }', route)
  }
  // @fastify/under-pressure runs an external check only on an interval or
  // when its status route is asked.
  if (passed.healthCheck !== undefined && interval === undefined && (route === undefined || route === false)) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "underPressure.healthCheck" needs "underPressure.healthCheckInterval" or "underPressure.exposeStatusRoute": @fastify/under-pressure runs the check on that interval or when the status route is asked')
  }
  return { ...limits, passed }
}
