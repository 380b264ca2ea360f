import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { fieldOfError, describeAjvErrors } from '../core/ajv-messages.js'
import { collectErrors, type ValidatorLike } from '../core/collect-errors.js'
import { readField } from '../core/safe-read.js'

const kPayload = Symbol('error-envelope.responsePayload')
type PayloadHolder = FastifyReply & { [kPayload]?: unknown }
// The most failing paths a log line lists.
const MAX_PATHS = 5

/**
 * Keeps the payload of each response of a route that has a response schema,
 * so that a serialization failure can say which path broke the schema.
 *
 * Fastify 5 does not validate responses: fast-json-stringify serializes them,
 * and throws on what it cannot write (a missing required property, a value it
 * cannot coerce); Fastify then tags the error with the route's `method` and
 * `url` (`error.serialization`, fastify 5.12 lib/reply.js) and calls the
 * error handler without the payload. The `preSerialization` hook added here
 * only keeps a reference to the payload on the reply, and only on routes with
 * a response schema.
 *
 * @example
 * ```ts
 * installResponsePayloadKeeper(fastify)
 * ```
 */
export function installResponsePayloadKeeper (fastify: FastifyInstance): void {
  fastify.addHook('onRoute', function keepResponsePayloads (route: RouteOptions) {
    if (route.schema?.response === undefined) return
    route.preSerialization = [route.preSerialization, keepResponsePayload].flat().filter((hook) => hook !== undefined)
  })
}

function keepResponsePayload (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void {
  (reply as PayloadHolder)[kPayload] = payload
  done(null, payload)
}

/**
 * The error to log for a response that broke its schema: a new error whose
 * message names the route and the failing paths, found by validating the
 * kept payload against the response schema with the route's compiler, with
 * the serializer's own error as its cause. Any other error is returned as is.
 * The client still gets the masked 500.
 *
 * @example
 * ```ts
 * explainSerializationFailure(error, request, reply)
 * // Error: Response of GET /users/:id could not be serialized: email is required
 * ```
 */
export function explainSerializationFailure (error: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
  const route = readField(error, 'serialization')
  if (route === undefined) return error
  const where = `${String(readField(route, 'method'))} ${String(readField(route, 'url'))}`
  const paths = failingPaths(request, reply)
  return new Error(`Response of ${where} could not be serialized${paths === '' ? '' : `: ${paths}`}`, { cause: error })
}

function failingPaths (request: FastifyRequest, reply: FastifyReply): string {
  const schemas = (request.routeOptions.schema?.response ?? {}) as Record<string, unknown>
  const status = String(reply.statusCode)
  const schema = schemas[status] ?? schemas[`${status[0]}xx`] ?? schemas.default
  const collected = collectErrors({
    schema,
    data: (reply as PayloadHolder)[kPayload],
    compile: function compileWithRouteCompiler (sub: object) { return request.compileValidationSchema(sub) as ValidatorLike },
    resolveRef: function sharedSchema (id) { return request.server.getSchema(id) },
    fieldOf: function fieldOf (ajvError) { return fieldOfError(ajvError, 'body') },
    limit: MAX_PATHS
  })
  if (collected === undefined) return ''
  return describeAjvErrors(collected.errors, 'body').slice(0, MAX_PATHS).map((detail) => `${detail.field} ${detail.message}`).join('; ')
}
