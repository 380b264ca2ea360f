import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Settings } from './options.js'
import { resolveRequestId } from '../core/request-id.js'
import { MisuseError } from '../core/misuse.js'
import { requestIdFromHeaders } from '../core/traceparent.js'
import type { CommonSettings } from '../core/options.js'
import type { IncomingMessage } from 'node:http'

/**
 * Gives every request its id and echoes it in the response header.
 *
 * The id comes from Fastify's `setGenReqId`, which Fastify reads on every
 * request from the server that owns the route, so routes added before the
 * plugin get it too.
 *
 * The header is set by an `onSend` hook, which runs for every response of
 * the routes added after the plugin and of the not-found handler, whoever
 * sends it: the route's handler, the plugin's error answers, and another
 * plugin's hook that answers before any handler runs (a cache answering
 * from `onRequest`), and the routes added before the plugin. A header
 * already set is left as it is: the plugin's own answers set it with the id
 * their body carries.
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
    throw new MisuseError(
      'ERR_ENVELOPE_INVALID_OPTION',
      `error-envelope cannot check the ids that Fastify's requestIdHeader option (${JSON.stringify(unchecked)}) accepts: ` +
      'remove it from the Fastify options; error-envelope reads x-request-id itself, and its requestId.header option names another header'
    )
  }
  fastify.setGenReqId(requestIdGenerator(settings))
  const header = settings.requestIdHeader
  if (header === false) return
  // The plugin's own answers set the header first, with the id their body
  // carries (a fresh one when a child plugin's generator broke the pattern):
  // the hook leaves a header already set.
  fastify.addHook('onSend', function echoRequestId (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) {
    if (!reply.hasHeader(header)) reply.header(header, request.id)
    done(null, payload)
  })
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
  if (settings.requestIdFromTraceparent) {
    return function incomingTraceOrGeneratedId (req: IncomingMessage) { return requestIdFromHeaders(req.headers, settings) }
  }
  if (header === false || !settings.trustIncomingRequestId) {
    return function generateId () { return generate() }
  }
  return function incomingOrGeneratedId (req: IncomingMessage) {
    return resolveRequestId(req.headers[header], generate)
  }
}
