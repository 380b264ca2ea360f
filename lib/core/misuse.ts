/**
 * Every code of a setup mistake the library refuses, with when it is
 * thrown: one table, as Node's `ERR_*` codes and Fastify's `lib/errors.js`
 * keep theirs. A code never changes or goes away within a major version; a
 * test checks that each is thrown by some call and that the reference page
 * lists exactly these.
 *
 * @example
 * ```ts
 * misuseCodes.ERR_ENVELOPE_UNKNOWN_OPTION
 * // 'a key the package does not know: an option or sub-option, a field of config.rateLimit, a part of validate(), a field of a defineErrors() entry, an option of check()'
 * ```
 */
export const misuseCodes = Object.freeze({
  ERR_ENVELOPE_UNKNOWN_OPTION: 'a key the package does not know: an option or sub-option, a field of config.rateLimit, a part of validate(), a field of a defineErrors() entry, an option of check()',
  ERR_ENVELOPE_INVALID_OPTION: 'an option of the wrong type or value (a route\'s config.rateLimit and the options of check() included), or Fastify\'s own requestIdHeader option, whose ids the plugin cannot check',
  ERR_ENVELOPE_INVALID_ERROR: 'an error made with a wrong argument: new ApiError() or a helper given a status outside 400-599, a code or type that is no identifier, a wrong retryAfter, allow or challenge; a catalog error without the value of a placeholder',
  ERR_ENVELOPE_INVALID_CATALOG: 'defineErrors() given a wrong entry, or combineErrors() given something that is no catalog or one code defined two ways',
  ERR_ENVELOPE_UNKNOWN_CODE: 'a route\'s config.errors or an operation\'s x-errors is not a list of codes of the catalog',
  ERR_ENVELOPE_INVALID_SCHEMA: 'a schema that cannot be used: one given to validate() that does not compile, or, with strictBody on Fastify, a headers schema that names a header with capitals',
  ERR_ENVELOPE_SERVER_OPTION: 'strictBody given to the Fastify plugin, which cannot apply it: it is an option of serverOptions() or fastifyEnvelope()',
  ERR_ENVELOPE_INVALID_DOCUMENT: 'openApi() given no OpenAPI 3 document, or one that is not plain data',
  ERR_ENVELOPE_PEER_MISSING: 'an option needs an optional package that is not installed',
  ERR_ENVELOPE_PEER_UNSUPPORTED: 'an installed package is older than the package supports (Fastify before 5.12.1)',
  ERR_ENVELOPE_NOT_FASTIFY: 'the default export, the Fastify plugin, called as Express middleware',
  ERR_ENVELOPE_REGISTERED_TWICE: 'the Fastify plugin registered a second time on one server, or in a child of a server that has it',
  ERR_ENVELOPE_NO_REQUEST_CONTEXT: 'getRequestId() or getLogger() given a request that never passed beforeRoutes()',
  ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED: 'a rate limit that would never count: a route\'s config.rateLimit or envelope.rateLimit() without the rateLimit option, or the global limit of Express without beforeRoutes()',
  ERR_ENVELOPE_TWO_RATE_LIMITERS: '@fastify/rate-limit registered beside the plugin\'s rateLimit option'
} as const)

/**
 * The code of a setup mistake: a key of `misuseCodes`.
 *
 * @example
 * ```ts
 * import { MisuseError, type MisuseCode } from 'error-envelope'
 *
 * function codeOf (error: unknown): MisuseCode | undefined {
 *   return error instanceof MisuseError ? error.code : undefined
 * }
 * ```
 */
export type MisuseCode = keyof typeof misuseCodes

/**
 * The error of a setup mistake the library refuses: a wrong or unknown
 * option, a wrong argument, a piece mounted wrong. Its `code` is one of
 * `misuseCodes`, stable across releases, for a test or a handler to read
 * instead of the message. It is a `TypeError`, named `TypeError` as Node's
 * own coded errors are, so that `assert.throws(fn, new TypeError(message))`
 * and `{ name: 'TypeError' }` keep matching.
 *
 * @example
 * ```ts
 * import { errorEnvelope, MisuseError } from 'error-envelope/express'
 *
 * try {
 *   errorEnvelope({ exposeErrors: true } as never)
 * } catch (error) {
 *   if (error instanceof MisuseError) error.code // 'ERR_ENVELOPE_UNKNOWN_OPTION'
 * }
 * ```
 */
export class MisuseError extends TypeError {
  readonly code: MisuseCode

  constructor (code: MisuseCode, message: string) {
    super(message)
    this.code = code
  }
}
