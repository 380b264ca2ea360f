import type { CodeDocs } from './docs-options.js'
import { serializeEnvelope } from './envelope.js'
import type { ErrorExample } from './openapi-examples.js'
import { problemOf, type ErrorFormat } from './problem.js'
import type { RateLimitHeaders } from './rate-limit-options.js'

/** What the error responses of a document depend on, beyond their examples. */
export interface ResponseSettings {
  format: ErrorFormat
  codeDocs: CodeDocs
  /** The request id header, lower-case, or false when none is sent. */
  requestIdHeader: string | false
  /** The rate limit, when it is on: its headers, and its window for the 429's example. */
  rateLimit: { max: number, timeWindow: number, headers: RateLimitHeaders } | false
}

const EXAMPLE_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'

/**
 * The name of the shared response of one status and set of examples, so
 * that operations that can give the same errors share one response.
 *
 * @example
 * ```ts
 * responseName(404, [notFoundExample, widgetNotFoundExample]) // 'Error404_not_found_widget_not_found'
 * ```
 */
export function responseName (status: number, examples: readonly ErrorExample[]): string {
  return `Error${status}_${examples.map((example) => example.name).sort().join('_')}`
}

/**
 * One error response of the document: in each media type of the `format`
 * option, a schema that is the contract with `code` narrowed to an `enum` of
 * the codes this response carries (so that a client generator such as
 * openapi-typescript types `code` as their union), an example of each
 * error, and the headers the server sends with it: the request id header on
 * every one, `Allow` on 405, `Retry-After` on 429 and 503, and the
 * rate-limit headers of the `rateLimit.headers` option on 429.
 *
 * @example
 * ```ts
 * errorResponse(404, [entryExample(codeFor(404))], settings)
 * // { description: '404 not_found', headers: { 'X-Request-Id': ... }, content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/ErrorEnvelope' }, ...] }, examples: { not_found: ... } } } }
 * ```
 */
export function errorResponse (status: number, examples: readonly ErrorExample[], settings: ResponseSettings): object {
  const codes = [...new Set(examples.map((example) => example.answer.code))]
  const content: Record<string, unknown> = {}
  if (settings.format !== 'problem') {
    content['application/json'] = {
      schema: narrowed('ErrorEnvelope', { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } } } }),
      examples: examplesOf(examples, function envelopeExample (answer) { return JSON.parse(serializeEnvelope(answer, EXAMPLE_ID, settings.codeDocs.urlOf(answer.code))) as object })
    }
  }
  if (settings.format !== 'envelope') {
    content['application/problem+json'] = {
      schema: narrowed('ProblemDetails', { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } }),
      examples: examplesOf(examples, function problemExample (answer) { return problemOf(answer, EXAMPLE_ID, settings.codeDocs) })
    }
  }
  return { description: `${status} ${codes.join(', ')}`, headers: headersOf(status, settings), content }
}

// The contract, and the same object with `code` narrowed: both must hold.
function narrowed (contract: string, narrowing: object): object {
  return { allOf: [{ $ref: `#/components/schemas/${contract}` }, narrowing] }
}

function examplesOf (examples: readonly ErrorExample[], body: (answer: ErrorExample['answer']) => object): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const example of examples) values[example.name] = { summary: example.answer.message, value: body(example.answer) }
  return values
}

const seconds = { type: 'integer', minimum: 1 }

// The rate-limit headers of each mode of the `rateLimit.headers` option
// (see rate-limit-headers.ts).
const LEGACY = {
  'X-RateLimit-Limit': { description: 'Requests allowed per window.', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Remaining': { description: 'Requests left in this window.', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Reset': { description: 'Seconds until the window ends.', schema: seconds }
}
const DRAFT = {
  'RateLimit-Policy': { description: 'The quota policy (draft-ietf-httpapi-ratelimit-headers), e.g. "default";q=100;w=60.', schema: { type: 'string' } },
  RateLimit: { description: 'Where this client stands (draft-ietf-httpapi-ratelimit-headers), e.g. "default";r=0;t=30.', schema: { type: 'string' } }
}

function headersOf (status: number, settings: ResponseSettings): Record<string, object> {
  const headers: Record<string, object> = {}
  if (settings.requestIdHeader !== false) {
    headers[headerCase(settings.requestIdHeader)] = { description: 'The request id, the request_id of the body and of every log line of the request.', required: true, schema: { type: 'string' } }
  }
  if (status === 405) headers.Allow = { description: 'The methods the path serves.', required: true, schema: { type: 'string' } }
  if (status === 429 || status === 503) headers['Retry-After'] = { description: 'Seconds to wait before trying again.', schema: seconds }
  if (status === 429 && settings.rateLimit !== false) {
    const mode = settings.rateLimit.headers
    if (mode !== 'draft') Object.assign(headers, LEGACY)
    if (mode !== 'legacy') Object.assign(headers, DRAFT)
  }
  return headers
}

// `x-request-id` as documents usually write it: `X-Request-Id`.
function headerCase (name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_all, dash: string, letter: string) => dash + letter.toUpperCase())
}
