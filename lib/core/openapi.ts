import type { CatalogEntry } from './catalog.js'
import { codeFor, specialCodes } from './codes.js'
import type { RequestPart } from './field-path.js'
import { MisuseError } from './misuse.js'
import type { CommonSettings } from './options.js'
import { withContracts } from './openapi-contracts.js'
import { entryExample, rateLimitExample, shedExamples, validationExample, type ErrorExample } from './openapi-examples.js'
import { errorResponse, responseName, type ResponseSettings } from './openapi-response.js'

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
export interface OpenApiSettings extends Pick<CommonSettings, 'validation' | 'docs'>, ResponseSettings {
  /** The overload limits, when the server sheds requests under pressure. */
  underPressure: { retryAfter: number } | false
}

// The operations of a path item (OpenAPI 3).
const OPERATIONS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

// The methods a routed path answers 405 when it does not serve them. HEAD
// is served wherever GET is, and OPTIONS without a route of its own answers
// 204 with Allow: neither is ever refused on its own.
const REFUSABLE = ['get', 'post', 'put', 'patch', 'delete']

function answersMethodNotAllowed (methods: readonly string[]): boolean {
  return REFUSABLE.some((method) => !methods.includes(method))
}

/**
 * Adds the error responses of every operation to an OpenAPI 3 document, in
 * place: the contract as `components.schemas.ErrorEnvelope` (and
 * `ProblemDetails` when the `format` option sends problem details), once,
 * one response per status and set of errors in `components.responses`, and,
 * on each operation `factsOf` knows, a reference to each error response it
 * can give: 400 `invalid_json`, 413 and 415 where it takes a body, 400/422
 * for each part its schemas validate, 404 for a path with parameters, 405
 * where its path leaves one of GET, POST, PUT, PATCH and DELETE unserved,
 * 429 where it is rate-limited, the catalog codes it declares, 500, and 503
 * (every request that arrives while the server shuts down gets it; with
 * `underPressure`, a request shed under overload too). Each response's
 * schema narrows `code` to the codes it carries, and documents the headers
 * sent with it. A response the operation documents itself under the same
 * status stays its own. Path items and operations are written anew, never
 * changed where they are shared. With `docs: { openapi: true }`, the
 * reference page's two routes are listed among the paths.
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
  withContracts(document as { components: typeof components }, settings.format !== 'envelope')
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
      const byStatus = new Map<number, ErrorExample[]>()
      const add = (example: ErrorExample): void => {
        const status = example.answer.status
        const list = byStatus.get(status) ?? []
        if (!list.some((known) => known.name === example.name)) list.push(example)
        byStatus.set(status, list)
      }
      if (facts.parts.has('body')) {
        add(entryExample(specialCodes.invalidJson))
        add(entryExample(codeFor(413)))
        add(entryExample(codeFor(415)))
      }
      for (const part of facts.parts) add(validationExample(part, settings.validation))
      if (path.includes('{')) add(entryExample(codeFor(404)))
      if (refused) add(entryExample(codeFor(405)))
      if (facts.rateLimited) add(rateLimitExample(settings.rateLimit))
      // A declared rate_limit_exceeded is the limiter's, worded as it words it.
      for (const code of facts.errors) add(code === 'rate_limit_exceeded' ? rateLimitExample(settings.rateLimit) : entryExample(entries.get(code) as CatalogEntry))
      add(entryExample(codeFor(500)))
      for (const example of shedExamples(settings.underPressure)) add(example)
      const operationResponses: Record<string, unknown> = { ...(isDocumentObject(operation.responses) ? operation.responses : {}) }
      for (const [status, examples] of byStatus) {
        const name = responseName(status, examples)
        responses[name] = errorResponse(status, examples, settings)
        operationResponses[String(status)] ??= { $ref: `#/components/responses/${name}` }
      }
      operation.responses = operationResponses
      item[method] = operation
    }
  }
  components.responses = { ...components.responses, ...responses }
  if (settings.docs?.openapi === true) document.paths = { ...paths, ...docsPaths(settings.docs.path) }
  return document
}

// The reference page's routes, as both adapters serve them.
function docsPaths (path: string): Record<string, Record<string, unknown>> {
  return {
    [path]: { get: { summary: 'The reference page of the API\'s error codes', responses: { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } } } },
    [`${path}.json`]: { get: { summary: 'The API\'s error codes as JSON', responses: { 200: { description: 'The codes', content: { 'application/json': { schema: { type: 'object' } } } } } } }
  }
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
    throw new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', `error-envelope: ${option} of ${where} lists "${unknown}", but no catalog with codes of your own was given: pass the catalog made by defineErrors() as the catalog option ({ catalog: errors }), or list only built-in codes`)
  }
  throw new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', `error-envelope: ${option} of ${where} must list codes of the catalog (built-in ones included), instead got ${JSON.stringify(value)}`)
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
