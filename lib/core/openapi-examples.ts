import { sampleMessage } from './catalog.js'
import { codeFor } from './codes.js'
import type { NormalizedError } from './envelope.js'
import type { RequestPart } from './field-path.js'
import { overloadError } from './overload.js'
import { rateLimitAnswer } from './rate-limit-answer.js'
import { headerSeconds } from './rate-limit-headers.js'
import type { RateLimitHeaders } from './rate-limit-options.js'
import { closingError } from './shutdown.js'
import { answerAjvErrors, type ValidationSettings } from './validation.js'

/**
 * One error a documented response can carry, as its example shows it: the
 * answer the server writes, and the name of the example (its code, or a
 * name of the situation when one code has several, as 503 does).
 *
 * @example
 * ```ts
 * const example: ErrorExample = { name: 'not_found', answer: { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' } }
 * ```
 */
export interface ErrorExample {
  name: string
  answer: NormalizedError
}

/**
 * The example of a code of the catalog or of the table: its status, type
 * and message, with the message's placeholders filled with sample values.
 *
 * @example
 * ```ts
 * entryExample({ code: 'widget_not_found', status: 404, type: 'invalid_request_error', message: 'Widget {id} not found' })
 * // { name: 'widget_not_found', answer: { ..., message: 'Widget example-id not found' } }
 * ```
 */
export function entryExample (entry: { code: string, status: number, type: string, message: string }): ErrorExample {
  return { name: entry.code, answer: { status: entry.status, code: entry.code, type: entry.type, message: sampleMessage(entry.message) } }
}

// One failing field per part, as a schema of that part would report it.
const FAILURES: Readonly<Record<RequestPart, { keyword: string, instancePath: string, params: Record<string, unknown> }>> = {
  body: { keyword: 'required', instancePath: '', params: { missingProperty: 'name' } },
  querystring: { keyword: 'type', instancePath: '/limit', params: { type: 'integer' } },
  params: { keyword: 'type', instancePath: '/id', params: { type: 'string' } },
  headers: { keyword: 'required', instancePath: '', params: { missingProperty: 'x-api-key' } }
}

/**
 * The example of a schema failure of one part of the request, written by
 * the same code that answers a real one: its `param`, its `details` and the
 * status and code the `validation.status` option gives that part. Its name
 * is the code for the body, and the code and the part for another part
 * (`invalid_parameter_in_querystring`).
 *
 * @example
 * ```ts
 * validationExample('body', settings.validation)
 * // { name: 'validation_failed', answer: { status: 422, code: 'validation_failed', message: 'Missing required field: name', param: 'name', details: [{ field: 'name', message: 'is required' }], ... } }
 * ```
 */
export function validationExample (part: RequestPart, settings: ValidationSettings): ErrorExample {
  const answer = answerAjvErrors([FAILURES[part]], part, settings)
  // Named by its part too, beside the body's: two parts answered with one
  // code are two examples, and two responses apart.
  return { name: part === 'body' ? answer.code : `${answer.code}_in_${part}`, answer }
}

/**
 * The example of a request over the rate limit, as the limiter words it for
 * a client that used up a whole window of the `rateLimit` option (the
 * table's entry without one).
 *
 * @example
 * ```ts
 * rateLimitExample({ max: 100, timeWindow: 60_000, headers: 'legacy' })
 * // { name: 'rate_limit_exceeded', answer: { status: 429, message: 'Rate limit exceeded, retry in 60 seconds', ... } }
 * ```
 */
export function rateLimitExample (rateLimit: { max: number, timeWindow: number, headers: RateLimitHeaders } | false): ErrorExample {
  if (rateLimit === false) return entryExample(codeFor(429))
  const { max, timeWindow, headers } = rateLimit
  const { error } = rateLimitAnswer({ policy: 'default', max, ban: -1, window: headerSeconds(timeWindow), headers }, max + 1, timeWindow)
  return { name: 'rate_limit_exceeded', answer: answerOf(error as NonNullable<typeof error>) }
}

/**
 * The 503 examples of every operation: the request refused while the
 * server shuts down, and, with the `underPressure` option, the request
 * shed under overload.
 *
 * @example
 * ```ts
 * shedExamples(false) // [{ name: 'shutting_down', answer: { status: 503, code: 'service_unavailable', message: 'The server is shutting down; retry later', ... } }]
 * ```
 */
export function shedExamples (underPressure: { retryAfter: number } | false): ErrorExample[] {
  const examples = [{ name: 'shutting_down', answer: answerOf(closingError()) }]
  if (underPressure !== false) examples.push({ name: 'overloaded', answer: answerOf(overloadError(underPressure.retryAfter)) })
  return examples
}

function answerOf (error: { status: number, code: string, type: string, message: string }): NormalizedError {
  return { status: error.status, code: error.code, type: error.type, message: error.message }
}
