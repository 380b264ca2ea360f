import type { FastifyInstance, RouteOptions } from 'fastify'
import { codeFor, specialCodes } from '../core/codes.js'
import type { RequestPart } from '../core/field-path.js'
import { validationEntry } from '../core/validation.js'
import { envelopeSchema } from '../core/envelope-schema.js'
import { problemSchema } from '../core/problem-schema.js'
import { problemOf } from '../core/problem.js'
import type { CatalogEntry } from '../core/catalog.js'
import type { Settings } from './options.js'

/** What the document needs to know of one route. */
interface RouteFacts {
  parts: ReadonlySet<string>
  rateLimited: boolean
  errors: readonly string[]
}

/** One error a response can carry, as its example. */
interface Example { code: string, status: number, type: string, message: string }

/**
 * Adds the errors of every route to the OpenAPI document of
 * `@fastify/swagger`, when it is registered: `components.schemas.ErrorEnvelope`
 * (the contract, and `ProblemDetails` when the `format` option sends problem
 * details), a response per error kind in `components.responses`, and, on
 * each operation, the error responses it can really give: 400/422 where it
 * has a schema, 404 for paths with parameters, 405 where its path serves
 * other methods, 429 where it is rate-limited, the codes its `config.errors`
 * declares (catalog codes, `unauthorized`, `forbidden`...), and 500, each
 * with an example of every code it can carry, in each media type the
 * `format` option answers with. Only the document changes: error bodies are
 * written as they always are.
 *
 * @example
 * ```ts
 * await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
 * await app.register(errorEnvelope, { catalog: errors })
 * app.get('/widgets/:id', { config: { errors: ['widget_not_found'] } }, getWidget)
 * await app.ready()
 * app.swagger().paths['/widgets/{id}'].get.responses // { 404: ..., 405: ..., 500: ... }
 * ```
 */
export function installOpenApiErrors (fastify: FastifyInstance, settings: Settings): void {
  const routes = new Map<string, RouteFacts>()
  const entries = new Map<string, CatalogEntry>(settings.codeDocs.entries.map((entry) => [entry.code, entry]))
  fastify.addHook('onRoute', function noteRouteErrors (route: RouteOptions) {
    const schema = (route.schema ?? {}) as Record<string, unknown>
    const config = (route.config ?? {}) as { rateLimit?: unknown, errors?: unknown }
    const facts: RouteFacts = {
      parts: new Set(['body', 'querystring', 'params', 'headers'].filter((part) => schema[part] !== undefined)),
      rateLimited: settings.rateLimit !== false && config.rateLimit !== false && (settings.rateLimit.global || config.rateLimit !== undefined),
      errors: declaredErrors(config.errors, `${String(route.method)} ${route.url}`, entries)
    }
    for (const method of [route.method].flat()) routes.set(`${method.toLowerCase()} ${openApiPath(route.url)}`, facts)
  })
  fastify.addHook('onReady', function documentErrors (done) {
    const instance = fastify as FastifyInstance & { swagger?: (options?: { yaml?: boolean }) => unknown }
    const original = instance.swagger
    if (typeof original !== 'function') {
      done()
      return
    }
    let documented: object | undefined
    instance.swagger = function swaggerWithErrors (this: unknown, options?: { yaml?: boolean }) {
      if (options?.yaml === true) return original.call(this, options)
      documented ??= withErrors(original.call(this) as Document, routes, entries, settings)
      return documented
    }
    done()
  })
}

interface Document {
  openapi?: string
  components?: { schemas?: Record<string, unknown>, responses?: Record<string, unknown> }
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>
}

const OPERATIONS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

function withErrors (document: Document, routes: ReadonlyMap<string, RouteFacts>, entries: ReadonlyMap<string, CatalogEntry>, settings: Settings): Document {
  // @fastify/swagger's document always has components, and a responses
  // object on every operation.
  const components = document.components as NonNullable<Document['components']>
  components.schemas = { ...components.schemas, ErrorEnvelope: component(envelopeSchema) }
  if (settings.format !== 'envelope') components.schemas.ProblemDetails = component(problemSchema)
  const responses: Record<string, unknown> = {}
  for (const [path, item] of Object.entries(document.paths as NonNullable<Document['paths']>)) {
    const methods = Object.keys(item).filter((key) => OPERATIONS.has(key))
    for (const method of methods) {
      const facts = routes.get(`${method} ${path}`)
      if (facts === undefined) continue
      const byStatus = new Map<number, Example[]>()
      const add = (example: Example): void => {
        const list = byStatus.get(example.status) ?? []
        if (!list.some((known) => known.code === example.code)) list.push(example)
        byStatus.set(example.status, list)
      }
      if (facts.parts.has('body')) add(fromEntry(specialCodes.invalidJson))
      for (const part of facts.parts as ReadonlySet<RequestPart>) {
        const status = settings.validation.status[part]
        add({ ...fromEntry(validationEntry(status, part)), status })
      }
      if (path.includes('{')) add(fromEntry(codeFor(404)))
      if (methods.length < ALL_METHODS) add(fromEntry(codeFor(405)))
      if (facts.rateLimited) add(fromEntry(codeFor(429)))
      for (const code of facts.errors) add(fromEntry(entries.get(code) as CatalogEntry))
      add(fromEntry(codeFor(500)))
      const operationResponses = item[method].responses as Record<string, unknown>
      for (const [status, examples] of byStatus) {
        const name = responseName(status, examples)
        responses[name] = response(status, examples, settings)
        // A response the route documents itself stays its own.
        operationResponses[String(status)] ??= { $ref: `#/components/responses/${name}` }
      }
    }
  }
  components.responses = { ...components.responses, ...responses }
  return document
}

// The codes a route's `config.errors` declares: codes of the catalog
// (built-in ones included), checked when the route is added.
function declaredErrors (value: unknown, route: string, entries: ReadonlyMap<string, CatalogEntry>): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((code) => typeof code === 'string' && entries.has(code))) {
    throw new TypeError(`error-envelope: config.errors of ${route} must list codes of the catalog (built-in ones included), instead got ${JSON.stringify(value)}`)
  }
  return value as string[]
}

// The standard methods a path may serve (GET, HEAD, POST, PUT, PATCH,
// DELETE, OPTIONS): a path that serves fewer answers the others 405.
const ALL_METHODS = 7

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

const EXAMPLE_ID = 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'

// The bodies of the `format` option: the envelope as `application/json`,
// problem details as `application/problem+json`, or both for 'negotiate'.
function response (status: number, examples: readonly Example[], settings: Settings): object {
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

// Fastify's `/widgets/:id` as OpenAPI writes it: `/widgets/{id}`.
function openApiPath (url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}
