import { describe } from '../core/describe.js'
import type { RequestPart } from '../core/field-path.js'
import { MisuseError } from '../core/misuse.js'
import { declaredErrors, isDocumentObject, withErrorResponses, type OpenApiDocument } from '../core/openapi.js'
import type { ExpressSettings } from './options.js'

// Where an OpenAPI parameter is (its `in`), as the part of the request
// `envelope.validate()` checks it in.
const PARAMETER_PARTS: ReadonlyMap<unknown, RequestPart> = new Map([['path', 'params'], ['query', 'querystring'], ['header', 'headers']])

/**
 * A copy of an app's OpenAPI 3 document (written by hand, or by a tool such
 * as swagger-jsdoc) with the error responses of each operation, as the
 * Express adapter answers them: 400 `invalid_json`, 413 and 415 where the
 * operation takes a body, the 400/422 of `envelope.validate()` for each part
 * it declares (a `requestBody`, parameters in the path, query or headers),
 * 404 for a path with parameters, 405 where the path leaves one of GET,
 * POST, PUT, PATCH and DELETE unserved, 429 under a global rate limit, the
 * catalog codes the operation lists in `x-errors` (built-in ones included,
 * such as `unauthorized`, or `rate_limit_exceeded` for a route's own limit),
 * 500 and 503 (the answer while the server closes), each with `code`
 * narrowed to the codes it carries, and its headers. A response the
 * operation documents itself stays its own; the document given is left as
 * it was.
 *
 * @example
 * ```ts
 * const spec = envelope.openApi({
 *   openapi: '3.1.0',
 *   info: { title: 'Widgets', version: '1.0.0' },
 *   paths: { '/widgets/{id}': { get: { 'x-errors': ['widget_not_found'], responses: { 200: { description: 'A widget' } } } } }
 * })
 * spec.paths['/widgets/{id}'].get.responses // 200, and 404, 405, 500 and 503 as $refs
 * ```
 */
export function documentExpressErrors<D extends object> (document: D, settings: ExpressSettings): D {
  const given = document as OpenApiDocument
  if (!isDocumentObject(given) || !isDocumentObject(given.paths) || typeof given.openapi !== 'string' || !given.openapi.startsWith('3.')) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', `error-envelope: openApi() takes an OpenAPI 3 document (an object with openapi "3.x" and paths), instead got ${describe(document)}`)
  }
  checkComponents(given.components)
  let copy: OpenApiDocument
  try {
    copy = structuredClone(given)
  } catch (error) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', `error-envelope: openApi() takes an OpenAPI 3 document of plain data, and this one cannot be copied: ${error instanceof Error ? error.message : String(error)}`)
  }
  const globalLimit = settings.rateLimit !== false && settings.rateLimit.global
  return withErrorResponses(copy, function operationFacts (path, method, operation, item) {
    return {
      parts: partsOf(operation, item, copy.components?.parameters),
      rateLimited: globalLimit,
      errors: declaredErrors(operation['x-errors'], `${method.toUpperCase()} ${path}`, settings, 'x-errors')
    }
  }, settings) as D
}

// The members of `components` this writes to or reads, when the document
// has them, must be objects to add to.
function checkComponents (components: unknown): void {
  if (components === undefined) return
  if (!isDocumentObject(components)) refuseMember('components', components)
  for (const key of ['schemas', 'responses', 'parameters']) {
    if (components[key] !== undefined && !isDocumentObject(components[key])) refuseMember(`components.${key}`, components[key])
  }
}

function refuseMember (where: string, value: unknown): never {
  throw new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', `error-envelope: openApi() takes an OpenAPI 3 document whose ${where} is an object, instead got ${describe(value)}`)
}

// The parts of the request an operation declares: its body, and its
// parameters and those of its path item, by where they are (a parameter
// given as a $ref to components.parameters is looked up there).
function partsOf (operation: Record<string, unknown>, item: Record<string, unknown>, shared: unknown): Set<RequestPart> {
  const parts = new Set<RequestPart>()
  if (operation.requestBody !== undefined) parts.add('body')
  for (const given of [item.parameters, operation.parameters].flat()) {
    const parameter = isDocumentObject(given) && typeof given.$ref === 'string' ? sharedParameter(given.$ref, shared) : given
    const part = isDocumentObject(parameter) ? PARAMETER_PARTS.get(parameter.in) : undefined
    if (part !== undefined) parts.add(part)
  }
  return parts
}

const PARAMETER_REF = '#/components/parameters/'

function sharedParameter (ref: string, shared: unknown): unknown {
  if (!ref.startsWith(PARAMETER_REF) || !isDocumentObject(shared)) return undefined
  const name = ref.slice(PARAMETER_REF.length)
  return Object.hasOwn(shared, name) ? shared[name] : undefined
}
