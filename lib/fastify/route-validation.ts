import type { FastifyRequest } from 'fastify'
import { fieldOfError, type AjvErrorLike } from '../core/ajv-messages.js'
import { collectErrors, reportsAllErrors, type CollectedErrors, type ValidatorLike } from '../core/collect-errors.js'
import type { RequestPart } from '../core/field-path.js'
import { readField } from '../core/safe-read.js'

// Where Fastify keeps each part on the request (fastify 5.12 lib/validation.js).
const DATA_KEYS: Readonly<Record<RequestPart, string>> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' }

/**
 * Runs the bounded collection pass for a schema failure of a route, after
 * Fastify's own first-error validator failed: the happy path keeps Fastify's
 * validator untouched and pays nothing.
 *
 * The pass compiles with `request.compileValidationSchema()`, the route's own
 * validator compiler: the application's `ajv.customOptions`, `ajv.plugins`
 * (formats, keywords) and `addSchema()` schemas apply as they do to the route.
 * It starts from the schema Fastify compiled (the validator's `schema`; for
 * headers, the lower-cased copy), and it steps aside, leaving Fastify's list
 * as it is, when:
 * - the route's validator is not ajv's (a custom `validatorCompiler`, Joi, a
 *   TypeBox `TypeCompiler`): nothing to split;
 * - the compiler already reports every error (`allErrors`, as ajv-errors
 *   requires): the list is complete, and its `errorMessage`s must stay.
 *
 * @example
 * ```ts
 * answerValidation(error, settings, collectRouteErrors(error, request, 20))
 * ```
 */
export function collectRouteErrors (error: object, request: FastifyRequest, limit: number): CollectedErrors | undefined {
  const part = readField(error, 'validationContext') as RequestPart
  const found = request.getValidationFunction(part) as unknown
  const validator = (typeof found === 'function' ? found : readField(found, String(request.mediaType))) as ValidatorLike | undefined
  const schema = readField(validator, 'schema')
  if (readField(validator, 'schemaEnv') === undefined || schema === undefined) return undefined
  const compile = function compileWithRouteCompiler (sub: object): ValidatorLike {
    return request.compileValidationSchema(sub, part) as ValidatorLike
  }
  if (reportsAllErrors(validator as ValidatorLike, compile)) return undefined
  return collectErrors({
    schema,
    data: readField(request, DATA_KEYS[part]),
    parent: request,
    key: DATA_KEYS[part],
    compile,
    resolveRef: function sharedSchema (id) { return request.server.getSchema(id) },
    fieldOf: function fieldOf (ajvError: AjvErrorLike) { return fieldOfError(ajvError, part) },
    limit
  })
}
