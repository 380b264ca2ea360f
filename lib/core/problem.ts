import { STATUS_CODES } from 'node:http'
import Negotiator from 'negotiator'
import { clip } from './clip.js'
import { codeFor, defaultCodes, specialCodes } from './codes.js'
import { closeEnvelope, envelopeHead, type NormalizedError } from './envelope.js'
import type { CodeDocs } from './docs-options.js'
import type { RequestPart } from './field-path.js'
import { fail } from './option-checks.js'

/**
 * How error answers are written: the envelope (the default), RFC 9457
 * problem details (`application/problem+json`) always, or problem details
 * when the request's `Accept` prefers them to `application/json`.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { format: 'negotiate' })
 * ```
 */
export type ErrorFormat = 'envelope' | 'problem' | 'negotiate'

const FORMATS: readonly ErrorFormat[] = ['envelope', 'problem', 'negotiate']

/** The content type of an envelope. */
export const ENVELOPE_TYPE = 'application/json; charset=utf-8'
/** The content type of problem details. */
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

/**
 * Checks the `format` option.
 *
 * @example
 * ```ts
 * formatOption('xml') // TypeError: error-envelope option "format" must be one of envelope, problem, negotiate, instead got "xml"
 * ```
 */
export function formatOption (value: unknown): ErrorFormat {
  if (value === undefined) return 'envelope'
  if (!FORMATS.includes(value as ErrorFormat)) fail('format', `one of ${FORMATS.join(', ')}`, value)
  return value as ErrorFormat
}

/**
 * An RFC 9457 problem details body, as the package writes it: the standard
 * members, and the envelope's `code`, `request_id`, `param` and `details`
 * (as `errors`) as extension members.
 *
 * @example
 * ```ts
 * const problem: ProblemDetails = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Widget w_1 not found', instance: 'urn:request:req_1', code: 'not_found', request_id: 'req_1' }
 * ```
 */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: string
  request_id: string
  param?: string
  errors?: ProblemFieldError[]
}

/** One bad field of a problem: the envelope's detail, and where it was. */
export interface ProblemFieldError {
  detail: string
  /** The JSON Pointer of the field within its part, as a URI fragment: `#/items/2/sku`. */
  pointer: string
  /** The envelope's `details[].field`. */
  field: string
  /** The part of the request the field is in, when the package knows it. */
  in?: 'body' | 'query' | 'params' | 'headers'
}

// The titles of the codes of the table: the generic message of each.
const titles = new Map<string, string>()
for (const entry of [...Object.values(defaultCodes), ...Object.values(specialCodes)]) titles.set(entry.code, entry.message)

const PART_NAMES: Readonly<Record<RequestPart, ProblemFieldError['in']>> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' }

/**
 * The problem type of a code: its `doc_url` when the catalog has a page;
 * `about:blank` for the default code of its status (a plain 404 `not_found`), as RFC 9457
 * says; otherwise the stable URN `urn:error-envelope:code:<code>`, which
 * names the code and never points at a page that could go away.
 *
 * @example
 * ```ts
 * problemType({ status: 404, code: 'not_found', type: 'invalid_request_error', message: 'x' }) // 'about:blank'
 * problemType({ status: 422, code: 'validation_failed', type: 'validation_error', message: 'x' }) // 'urn:error-envelope:code:validation_failed'
 * ```
 */
export function problemType (answer: NormalizedError, docUrl?: string): string {
  if (docUrl !== undefined) return docUrl
  return answer.code === codeFor(answer.status).code ? 'about:blank' : `urn:error-envelope:code:${answer.code}`
}

/**
 * The problem details of an answer: the same failure as its envelope, member
 * for member. `title` is the status phrase for `about:blank`, else the
 * code's title (in the catalog, or its generic message in the table of
 * codes), `detail` the message, `instance` the request id as
 * `urn:request:<id>`. `docs` gives the catalog's `doc_url` and titles.
 *
 * @example
 * ```ts
 * problemOf(normalizeError(notFound('Widget w_1 not found', { param: 'id' })), 'req_1')
 * // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Widget w_1 not found', instance: 'urn:request:req_1', code: 'not_found', request_id: 'req_1', param: 'id' }
 * ```
 */
export function problemOf (answer: NormalizedError, requestId: string, docs?: CodeDocs): ProblemDetails {
  const type = problemType(answer, docs?.urlOf(answer.code))
  const phrase = STATUS_CODES[answer.status] ?? codeFor(answer.status).message
  const problem: ProblemDetails = {
    type,
    title: clip(type === 'about:blank' ? phrase : docs?.titleOf(answer.code) ?? titles.get(answer.code) ?? phrase, 256),
    status: answer.status,
    detail: answer.message,
    instance: `urn:request:${requestId}`,
    code: answer.code,
    request_id: requestId
  }
  if (answer.param !== undefined) problem.param = answer.param
  if (answer.details !== undefined && answer.details.length > 0) {
    const part = answer.part
    problem.errors = answer.details.map(function asFieldError ({ field, message }) {
      const error: ProblemFieldError = { detail: message, pointer: pointerOfField(field, part ?? 'body', answer.wholePart === true), field }
      if (part !== undefined) error.in = PART_NAMES[part]
      return error
    })
  }
  return problem
}

/**
 * The problem details of an answer as JSON.
 *
 * @example
 * ```ts
 * serializeProblem(normalizeError(notFound()), 'req_1')
 * // '{"type":"about:blank","title":"Not Found","status":404,...}'
 * ```
 */
export function serializeProblem (answer: NormalizedError, requestId: string, docs?: CodeDocs): string {
  return JSON.stringify(problemOf(answer, requestId, docs))
}

/**
 * Whether a request gets problem details: always with `problem`, never with
 * `envelope`, and with `negotiate` when its `Accept` prefers
 * `application/problem+json` to `application/json` (q-values honoured, then
 * the order of the `Accept` list; with no `Accept`, `*\/*`, `application/*` or
 * one that cannot be read, the envelope).
 *
 * @example
 * ```ts
 * wantsProblem('negotiate', 'application/problem+json, application/json;q=0.5') // true
 * wantsProblem('negotiate', '*\/*') // false
 * ```
 */
export function wantsProblem (format: ErrorFormat, accept: unknown): boolean {
  if (format !== 'negotiate') return format === 'problem'
  // Only an Accept that names problem details can prefer them.
  if (typeof accept !== 'string' || !accept.toLowerCase().includes('problem')) return false
  return new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(MEDIA_TYPES) === 'application/problem+json'
}

// An Accept whose media ranges keep only their `q`: a range with parameters
// (`application/problem+json; charset=utf-8`) names the type the server
// sends, which Negotiator would match only against a type with the same
// parameters.
function withoutParameters (accept: string): string {
  if (!accept.includes(';')) return accept
  return accept.split(',').map(function rangeWithQuality (range) {
    const [type, ...parameters] = range.split(';')
    const quality = parameters.find((parameter) => /^\s*q\s*=/i.test(parameter))
    return quality === undefined ? type : `${type};${quality.trim()}`
  }).join(',')
}

// In the order that breaks a tie: the envelope first.
const MEDIA_TYPES = ['application/json', 'application/problem+json']

/**
 * The body and content type of an error answer in the format the request
 * gets. `head` is the answer's `envelopeHead()`, when the caller keeps it
 * for an answer it sends again and again: an envelope is closed onto it.
 *
 * @example
 * ```ts
 * errorBody(answer, 'req_1', settings.format, request.headers.accept)
 * // { contentType: 'application/problem+json; charset=utf-8', body: '{"type":"about:blank",...}' }
 * ```
 */
export function errorBody (answer: NormalizedError, requestId: string, format: ErrorFormat, accept: unknown, docs?: CodeDocs, head?: string): { contentType: string, body: string } {
  if (wantsProblem(format, accept)) return { contentType: PROBLEM_TYPE, body: serializeProblem(answer, requestId, docs) }
  return { contentType: ENVELOPE_TYPE, body: closeEnvelope(head ?? envelopeHead(answer), requestId, docs?.urlOf(answer.code)) }
}

/**
 * A `Vary` value that also names `Accept`, for every error answer of the
 * `negotiate` format (the body depends on it).
 *
 * @example
 * ```ts
 * varyAccept(undefined) // 'Accept'
 * varyAccept('Origin') // 'Origin, Accept'
 * ```
 */
export function varyAccept (current: unknown): string {
  const value = Array.isArray(current) ? current.join(', ') : typeof current === 'string' ? current : ''
  if (value === '') return 'Accept'
  if (value === '*' || /(^|,)\s*accept\s*(,|$)/i.test(value)) return value
  return `${value}, Accept`
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*/
const INDEX = /^\[(0|[1-9][0-9]*)\]/
const QUOTED = /^\["((?:[^"\\]|\\.)*)"\]/

/**
 * The JSON Pointer, as a URI fragment, of a `details[].field` within its
 * part: `items[2].sku` is `#/items/2/sku`, `meta["x/y"]` is `#/meta/x~1y`;
 * when `whole`, the field named after the part is the part itself (the body
 * is not an object) and its pointer is `#`. In another
 * part than the body a field is a parameter's name. A field that is not a
 * path (your own wording in `unprocessable()`) is one segment.
 *
 * @example
 * ```ts
 * pointerOfField('user.email', 'body') // '#/user/email'
 * pointerOfField('limit', 'querystring') // '#/limit'
 * pointerOfField('body', 'body', true) // '#'
 * pointerOfField('body', 'body') // '#/body'
 * ```
 */
export function pointerOfField (field: string, part: RequestPart, whole = false): string {
  if (whole && field === part) return '#'
  if (part !== 'body') return '#/' + escapeSegment(field)
  const segments = pathSegments(field)
  return '#' + (segments ?? [field]).map((segment) => '/' + escapeSegment(segment)).join('')
}

// The segments of a client path (`a.b[0]["c d"]`), or undefined if the
// text is not one.
function pathSegments (field: string): string[] | undefined {
  const segments: string[] = []
  let rest = field
  while (rest !== '') {
    const dotted = segments.length > 0 && rest.startsWith('.') ? rest.slice(1) : rest
    const name = (segments.length === 0 || rest.startsWith('.')) ? IDENTIFIER.exec(dotted) : null
    if (name !== null) {
      segments.push(name[0])
      rest = dotted.slice(name[0].length)
      continue
    }
    const index = INDEX.exec(rest)
    if (index !== null) {
      segments.push(index[1])
      rest = rest.slice(index[0].length)
      continue
    }
    const quoted = QUOTED.exec(rest)
    if (quoted === null) return undefined
    try {
      segments.push(JSON.parse(`"${quoted[1]}"`) as string)
    } catch {
      return undefined
    }
    rest = rest.slice(quoted[0].length)
  }
  return segments
}

function escapeSegment (segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}
