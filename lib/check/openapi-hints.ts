import { fail } from '../core/option-checks.js'

/**
 * What an OpenAPI document tells the checks: a known path and its methods,
 * a route that takes a JSON body, and a body with fields of the wrong type.
 *
 * @example
 * ```ts
 * const hints: OpenApiHints = { knownPath: '/widgets/example', knownMethods: ['GET'], body: { method: 'POST', path: '/widgets' } }
 * ```
 */
export interface OpenApiHints {
  knownPath?: string
  knownMethods?: string[]
  body?: { method: string, path: string }
  invalid?: { body: Record<string, unknown>, fields: string[] }
}

type Json = Record<string, any>

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const BODY_METHODS = ['post', 'put', 'patch']
// A value no JSON Schema coercion turns into the type (Fastify's Ajv coerces
// scalars, so a number would pass as a string).
const WRONG: Record<string, unknown> = { string: { not: 'a string' }, number: 'not a number', integer: 'not an integer', boolean: 'not a boolean', array: { not: 'an array' }, object: 'not an object' }
const MAX_FIELDS = 3

/**
 * Reads an OpenAPI 3 document; `path` (the `--path` given) wins over the
 * document's first GET path.
 *
 * @example
 * ```ts
 * openApiHints({ openapi: '3.1.0', paths: { '/widgets/{id}': { get: {}, delete: {} } } })
 * // { knownPath: '/widgets/example', knownMethods: ['GET', 'DELETE'] }
 * ```
 */
export function openApiHints (document: unknown, path?: string): OpenApiHints {
  const paths = (document as Json | null)?.paths as unknown
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) fail('openapi', 'an OpenAPI document with paths', document)
  const templates = Object.entries(paths as Json).filter(([, item]) => typeof item === 'object' && item !== null)
  const hints: OpenApiHints = {}
  const gets = templates.filter(([, item]) => item.get !== undefined)
  const chosen = gets.find(([template]) => !template.includes('{')) ?? gets[0]
  hints.knownPath = path ?? (chosen === undefined ? undefined : fill(chosen[0]))
  const item = templates.find(([template]) => hints.knownPath !== undefined && matches(template, hints.knownPath))?.[1]
  if (item !== undefined) hints.knownMethods = METHODS.filter((method) => item[method] !== undefined).map((method) => method.toUpperCase())
  for (const [template, operations] of templates) {
    for (const method of BODY_METHODS) {
      const schema = resolve(document as Json, operations[method]?.requestBody?.content?.['application/json']?.schema)
      if (schema?.properties === undefined || hints.body !== undefined) continue
      hints.body = { method: method.toUpperCase(), path: fill(template) }
      hints.invalid = invalidBody(document as Json, schema.properties)
    }
  }
  return hints
}

// A path template with every parameter filled.
function fill (template: string): string {
  return template.replace(/\{[^}]*\}/g, 'example')
}

function matches (template: string, path: string): boolean {
  const pattern = template.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')
  return new RegExp(`^${pattern}$`).test(path.split('?')[0])
}

// A local $ref followed (at most 10 deep), or the schema itself.
function resolve (document: Json, schema: unknown): Json | undefined {
  let current = schema as Json | undefined
  for (let depth = 0; depth < 10 && typeof current?.$ref === 'string'; depth++) {
    const ref = current.$ref as string
    current = ref.startsWith('#/')
      ? ref.slice(2).split('/').reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document)
      : undefined
  }
  return typeof current === 'object' && current !== null ? current : undefined
}

function invalidBody (document: Json, properties: Json): OpenApiHints['invalid'] {
  const body: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(properties)) {
    const type = resolve(document, property)?.type
    if (typeof type !== 'string' || !(type in WRONG) || Object.keys(body).length === MAX_FIELDS) continue
    body[name] = WRONG[type]
  }
  const fields = Object.keys(body)
  return fields.length === 0 ? undefined : { body, fields }
}
