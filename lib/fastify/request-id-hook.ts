import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify'
import type { Settings } from './options.js'
import { resolveRequestId } from '../core/request-id.js'
import type { CommonSettings } from '../core/options.js'
import type { IncomingMessage } from 'node:http'

/**
 * Gives every request its id and echoes it in the response header.
 *
 * The id comes from Fastify's `setGenReqId`, which Fastify reads on every
 * request from the server that owns the route, so routes added before the
 * plugin get it too.
 *
 * The header is set by the handler of each route added after the plugin,
 * wrapped through `onRoute`, and by every answer of the plugin itself
 * (errors, 404/405/501, OPTIONS). Not by a lifecycle hook: where the
 * header costs something, on a route that throws, an `onRequest` hook that
 * only sets it measured 0.89-0.93 of Fastify's error-path floor against
 * 0.92-0.95 for the wrapper, and an `onSend` hook 0.988 of the wrapper head
 * to head (bench/NOTES.md, item 1). What the wrapper cannot reach: a 2xx
 * that another plugin's hook sends itself before the handler runs, and the
 * routes added before the plugin.
 *
 * @example
 * ```ts
 * installRequestId(fastify, settings)
 * // GET /x with "X-Request-Id: abc-123" → request.id === 'abc-123', header echoed
 * ```
 */
export function installRequestId (fastify: FastifyInstance, settings: Settings): void {
  // Fastify takes the header named by its own `requestIdHeader` as the id
  // without calling `genReqId` (fastify 5.12 lib/req-id-gen-factory.js), so
  // any value a client sends would reach the header, the body and the logs.
  const unchecked = fastify.initialConfig.requestIdHeader as unknown
  if (unchecked !== false && unchecked !== undefined && unchecked !== '') {
    throw new TypeError(
      `error-envelope cannot check the ids that Fastify's requestIdHeader option (${JSON.stringify(unchecked)}) accepts: ` +
      'remove it from the Fastify options; error-envelope reads x-request-id itself, and its requestId.header option names another header'
    )
  }
  fastify.setGenReqId(requestIdGenerator(settings))
  const header = settings.requestIdHeader
  if (header === false) return
  fastify.addHook('onRoute', function echoRequestIdFromHandler (route: RouteOptions) {
    route.handler = echoingHandler(route.handler, header)
  })
}

function echoingHandler (handler: RouteHandlerMethod, header: string): RouteHandlerMethod {
  return function echoRequestId (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    reply.header(header, request.id)
    return handler.call(this, request, reply)
  }
}

/**
 * The id generator of the plugin's settings, usable as Fastify's `genReqId`.
 *
 * @example
 * ```ts
 * Fastify({ genReqId: requestIdGenerator(normalizeOptions({})) })
 * ```
 */
export function requestIdGenerator (settings: CommonSettings): (req: IncomingMessage) => string {
  const generate = settings.newRequestId
  const header = settings.requestIdHeader
  if (header === false || !settings.trustIncomingRequestId) {
    return function generateId () { return generate() }
  }
  return function incomingOrGeneratedId (req: IncomingMessage) {
    return resolveRequestId(req.headers[header], generate)
  }
}
