import type { CatalogEntry } from './catalog.js'
import { codeFor, specialCodes } from './codes.js'
import { envelopeSchema } from './envelope-schema.js'
import type { RequestPart } from './field-path.js'
import type { CommonSettings } from './options.js'
import { problemOf } from './problem.js'
import { problemSchema } from './problem-schema.js'
import { validationEntry } from './validation.js'

/** What the document needs to know of one operation, beyond its path. */
export interface OperationFacts {
  /** The parts of the request its schemas validate. */
  parts: ReadonlySet<RequestPart>
  /** Whether a rate limit counts its requests. */
  rateLimited: boolean
  /** The catalog codes it declares it may answer with. */
  errors: readonly string[]
}

/** The parts of an OpenAPI 3 document this reads and writes. */
export interface OpenApiDocument {
  openapi?: string
  components?: { schemas?: Record<string, unknown>, responses?: Record<string, unknown>, parameters?: Record<string, unknown>, [key: string]: unknown }
  paths?: Record<string, Record<string, unknown> | undefined>
  [key: string]: unknown
}

/** The settings the error responses of a document come from. */
export type OpenApiSettings = Pick<CommonSettings, 'format' | 'validation' | 'codeDocs'>

/** One error a response can carry, as its example. */
interface Example { code: string, status: number, type: string, message: string }

// The operations of a path item (OpenAPI 3).
const OPERATIONS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

// The methods a routed path answers 405 when it does not serve them. HEAD
// is served wherever GET is, and OPTIONS without a route of its own answers
// 204 with Allow: neither is ever refused on its own.
const REFUSABLE = ['get', 'post', 'put', 'patch', 'delete']

function answersMethodNotAllowed (methods: readonly string[]): boolean {
  return REFUSABLE.some((method) => !methods.includes(method))
}

const EXAMPLE_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'

/**
 * Adds the error responses of every operation to an OpenAPI 3 document, in
 * place: the contract as `components.schemas.ErrorEnvelope` (and
 * `ProblemDetails` when the `format` option sends problem details), one
 * response per status and set of codes in `components.responses`, and, on
 * each operation `factsOf` knows, a reference to each error response it can
 * give: 400 `invalid_json` and 413 where it takes a body, 400/422 for each
 * part its schemas validate, 404 for a path with parameters, 405 where its
 * path leaves one of GET, POST, PUT, PATCH and DELETE unserved, 429 where it
 * is rate-limited, the catalog codes it declares, and 500. A response the
 * operation documents itself under the same status stays its own. Path items
 * and operations are written anew, never changed where they are shared.
 *
 * @example
 * ```ts
 * withErrorResponses(document, (path, method) => ({ parts: new Set(['body']), rateLimited: false, errors: [] }), settings)
 * document.paths['/widgets'].post.responses // { 400: { $ref: '#/components/responses/Error400_invalid_json' }, 422: ..., 500: ... }
 * ```
 */
export function withErrorResponses<D extends OpenApiDocument> (
  document: D,
  factsOf: (path: string, method: string, operation: Record<string, unknown>, item: Record<string, unknown>) => OperationFacts | undefined,
  settings: OpenApiSettings
): D {
  const entries = new Map(settings.codeDocs.entries.map((entry) => [entry.code, entry]))
  const components = { ...document.components }
  document.components = components
  components.schemas = { ...components.schemas, ErrorEnvelope: component(envelopeSchema) }
  if (settings.format !== 'envelope') components.schemas.ProblemDetails = component(problemSchema)
  const responses: Record<string, unknown> = {}
  const paths = document.paths ?? {}
  for (const [path, given] of Object.entries(paths)) {
    if (!isDocumentObject(given)) continue
    // The path item and each operation are written anew: a document may
    // share one object between paths or operations, and each gets its own
    // error responses.
    const item: Record<string, unknown> = { ...given }
    paths[path] = item
    const methods = Object.keys(item).filter((key) => OPERATIONS.has(key) && isDocumentObject(item[key]))
    const refused = answersMethodNotAllowed(methods)
    for (const method of methods) {
      const operation: Record<string, unknown> = { ...(item[method] as Record<string, unknown>) }
      const facts = factsOf(path, method, operation, item)
      if (facts === undefined) continue
      const byStatus = new Map<number, Example[]>()
      const add = (example: Example): void => {
        const list = byStatus.get(example.status) ?? []
        if (!list.some((known) => known.code === example.code)) list.push(example)
        byStatus.set(example.status, list)
      }
      if (facts.parts.has('body')) {
        add(fromEntry(specialCodes.invalidJson))
        add(fromEntry(codeFor(413)))
      }
      for (const part of facts.parts) {
        const status = settings.validation.status[part]
        add({ ...fromEntry(validationEntry(status, part)), status })
      }
      if (path.includes('{')) add(fromEntry(codeFor(404)))
      if (refused) add(fromEntry(codeFor(405)))
      if (facts.rateLimited) add(fromEntry(codeFor(429)))
      for (const code of facts.errors) add(fromEntry(entries.get(code) as CatalogEntry))
      add(fromEntry(codeFor(500)))
      const operationResponses: Record<string, unknown> = { ...(isDocumentObject(operation.responses) ? operation.responses : {}) }
      for (const [status, examples] of byStatus) {
        const name = responseName(status, examples)
        responses[name] = response(status, examples, settings)
        operationResponses[String(status)] ??= { $ref: `#/components/responses/${name}` }
      }
      operation.responses = operationResponses
      item[method] = operation
    }
  }
  components.responses = { ...components.responses, ...responses }
  return document
}

/**
 * The catalog codes an operation declares (a Fastify route's
 * `config.errors`, an operation's `x-errors`): a list of codes of the
 * catalog, built-in ones included, or a `TypeError` naming the operation.
 *
 * @example
 * ```ts
 * declaredErrors(['widget_not_found'], 'GET /widgets/:id', settings) // ['widget_not_found']
 * declaredErrors(['nope'], 'GET /x', settings) // throws TypeError
 * ```
 */
export function declaredErrors (value: unknown, where: string, settings: OpenApiSettings, option = 'config.errors'): readonly string[] {
  if (value === undefined) return []
  // Every code of the catalog has a title.
  const isCode = (code: unknown): boolean => typeof code === 'string' && settings.codeDocs.titleOf(code) !== undefined
  if (Array.isArray(value) && value.every(isCode)) return value as string[]
  const unknown = Array.isArray(value) ? value.find((code) => !isCode(code)) : undefined
  if (typeof unknown === 'string' && settings.codeDocs.entries.every((entry) => entry.builtIn)) {
    throw new TypeError(`error-envelope: ${option} of ${where} lists "${unknown}", but no catalog with codes of your own was given: pass the catalog made by defineErrors() as the catalog option ({ catalog: errors }), or list only built-in codes`)
  }
  throw new TypeError(`error-envelope: ${option} of ${where} must list codes of the catalog (built-in ones included), instead got ${JSON.stringify(value)}`)
}

/**
 * Whether a value of a document is a plain object with members (not null,
 * not an array, not a Map or a class instance).
 *
 * @example
 * ```ts
 * isDocumentObject({ get: {} }) // true
 * isDocumentObject([]) // false
 * ```
 */
export function isDocumentObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function fromEntry (entry: { code: string, status: number, type: string, message: string }): Example {
  return { code: entry.code, status: entry.status, type: entry.type, message: entry.message }
}

// One named response per status and set of codes, so that operations share it.
function responseName (status: number, examples: readonly Example[]): string {
  return `Error${status}_${examples.map((example) => example.code).sort().join('_')}`
}

// A contract as a component of the document: without its draft and $id.
function component (schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { $schema: _draft, $id: _id, ...rest } = schema
  return rest
}

// The bodies of the `format` option: the envelope as `application/json`,
// problem details as `application/problem+json`, or both for 'negotiate'.
function response (status: number, examples: readonly Example[], settings: OpenApiSettings): object {
  const content: Record<string, unknown> = {}
  if (settings.format !== 'problem') {
    content['application/json'] = {
      schema: { $ref: '#/components/schemas/ErrorEnvelope' },
      examples: examplesOf(examples, function envelopeExample (example) {
        const error: Record<string, unknown> = { code: example.code, message: example.message, type: example.type, request_id: EXAMPLE_ID }
        const docUrl = settings.codeDocs.urlOf(example.code)
        if (docUrl !== undefined) error.doc_url = docUrl
        return { error }
      })
    }
  }
  if (settings.format !== 'envelope') {
    content['application/problem+json'] = {
      schema: { $ref: '#/components/schemas/ProblemDetails' },
      examples: examplesOf(examples, function problemExample (example) { return problemOf(example, EXAMPLE_ID, settings.codeDocs) })
    }
  }
  return { description: `${status} ${examples.map((example) => example.code).join(', ')}`, content }
}

function examplesOf (examples: readonly Example[], body: (example: Example) => object): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const example of examples) values[example.code] = { summary: example.message, value: body(example) }
  return values
}
