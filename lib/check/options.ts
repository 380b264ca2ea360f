import { checkKnownKeys, fail, type KnownKeys } from '../core/option-checks.js'
import { CHECK_IDS } from './checks.js'
import { openApiHints, type OpenApiHints } from './openapi-hints.js'
import type { ProbeSettings } from './probe.js'

/**
 * What `check()` is told about the API under test. Every route option is
 * optional: a check that needs one it was not given is skipped.
 *
 * @example
 * ```ts
 * const options: CheckOptions = { path: '/widgets/w_1', bodyPath: 'POST /widgets', maxBody: 1048576, headers: { authorization: 'Bearer t' } }
 * ```
 */
export interface CheckOptions {
  /** A path the API serves with GET, for the wrong-method, OPTIONS and unknown-method checks. */
  path?: string
  /** An OpenAPI 3 document (the object): the known path and its methods, the body route and its schema. */
  openapi?: unknown
  /** A route that takes a JSON body, `'POST /widgets'` (the method defaults to POST). */
  bodyPath?: string
  /** A rate-limited GET route. */
  rateLimitPath?: string
  /** At most this many requests to the rate-limited route before the check fails. Default 100. */
  rateLimitTries?: number
  /** A GET route whose handler throws. */
  crashPath?: string
  /** The API's body limit in bytes: the 413 check sends one byte more. */
  maxBody?: number
  /** Milliseconds one request may take, answer read. Default 5000. */
  timeout?: number
  /** The most body bytes read of one answer. Default 65536. */
  maxRead?: number
  /** Headers sent with every request (an API key, a cookie). */
  headers?: Record<string, string>
  /** Run only these check ids. */
  only?: string[]
  /** Skip these check ids. */
  skip?: string[]
}

/**
 * The options made whole: the probe settings and what every check reads.
 *
 * @example
 * ```ts
 * checkSettings('http://127.0.0.1:3000', {}).probe.timeout // 5000
 * ```
 */
export interface CheckSettings extends OpenApiHints {
  probe: ProbeSettings
  rateLimitPath?: string
  rateLimitTries: number
  crashPath?: string
  maxBody?: number
  /** Whether the known methods came from an OpenAPI document. */
  documented: boolean
  runs: (id: string) => boolean
}

const KNOWN: KnownKeys<CheckOptions> = {
  path: true, openapi: true, bodyPath: true, rateLimitPath: true, rateLimitTries: true, crashPath: true, maxBody: true, timeout: true, maxRead: true, headers: true, only: true, skip: true
}

/**
 * Checks the URL and the options and makes them whole; a wrong one throws a
 * TypeError that names it and quotes the value given.
 *
 * @example
 * ```ts
 * checkSettings('localhost:3000', {})
 * // TypeError: error-envelope option "url" must be an http or https URL, instead got "localhost:3000"
 * ```
 */
export function checkSettings (url: unknown, options: CheckOptions = {}): CheckSettings {
  const base = baseUrl(url)
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options)
  checkKnownKeys(options, KNOWN)
  const path = pathOption('path', options.path)
  const hints = options.openapi === undefined ? { knownPath: path } : openApiHints(options.openapi, path)
  const only = idsOption('only', options.only)
  const skip = idsOption('skip', options.skip) ?? []
  return {
    ...hints,
    body: options.bodyPath === undefined ? hints.body : bodyRoute(options.bodyPath),
    documented: hints.knownMethods !== undefined,
    probe: { base, timeout: countOption('timeout', options.timeout, 5000), maxRead: countOption('maxRead', options.maxRead, 65536), headers: headersOption(options.headers) },
    rateLimitPath: pathOption('rateLimitPath', options.rateLimitPath),
    rateLimitTries: countOption('rateLimitTries', options.rateLimitTries, 100),
    crashPath: pathOption('crashPath', options.crashPath),
    maxBody: options.maxBody === undefined ? undefined : countOption('maxBody', options.maxBody, 0),
    runs: (id) => (only === undefined || only.includes(id)) && !skip.includes(id)
  }
}

function baseUrl (url: unknown): URL {
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) fail('url', 'an http or https URL', url)
  return parsed
}

function pathOption (name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) fail(name, 'a path starting with /', value)
  return value
}

function bodyRoute (value: unknown): { method: string, path: string } {
  const match = typeof value === 'string' ? /^(?:([A-Za-z]+) +)?(\/\S*)$/.exec(value) : null
  if (match === null) fail('bodyPath', 'a path starting with /, after a method if not POST ("PUT /widgets/w_1")', value)
  return { method: (match[1] ?? 'POST').toUpperCase(), path: match[2] }
}

function countOption (name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(name, 'a positive integer', value)
  return value
}

function idsOption (name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) fail(name, 'an array of check ids', value)
  const ids = value.map((id) => String(id).toUpperCase())
  const unknown = ids.find((id) => !CHECK_IDS.includes(id))
  if (unknown !== undefined) fail(name, `check ids from ${CHECK_IDS[0]} to ${CHECK_IDS[CHECK_IDS.length - 1]}`, unknown)
  return ids
}

function headersOption (value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('headers', 'an object of header names and string values', value)
  for (const [name, header] of Object.entries(value)) {
    if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`headers.${name}`, 'a string under a valid header name', header)
  }
  return { ...value as Record<string, string> }
}
