/**
 * The error of a setup mistake the library refuses, with a stable `code`
 * that a test or a handler can read instead of the message.
 *
 * @example
 * ```ts
 * throw new MisuseError('ERR_ENVELOPE_TWO_RATE_LIMITERS', 'error-envelope: @fastify/rate-limit is registered ...')
 * ```
 */
export class MisuseError extends TypeError {
  readonly code: string

  constructor (code: string, message: string) {
    super(message)
    this.name = 'MisuseError'
    this.code = code
  }
}
