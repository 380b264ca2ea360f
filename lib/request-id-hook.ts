import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Settings } from './options.js'
import { generateRequestId, isValidRequestId } from './request-id.js'
import type { IncomingMessage } from 'node:http'

/**
 * Gives every request its id and echoes it in the response header.
 *
 * The id comes from Fastify's `setGenReqId`, which Fastify reads on every
 * request from the server that owns the route; the header is set by an
 * `onRequest` hook, which Fastify collects when the server starts. Both reach
 * routes added before the plugin too. Error answers set the header
 * themselves, for the paths where no hook runs (`frameworkErrors`).
 *
 * @example
 * ```ts
 * installRequestId(fastify, settings)
 * // GET /x with "X-Request-Id: abc-123" → request.id === 'abc-123', header echoed
 * ```
 */
export function installRequestId (fastify: FastifyInstance, settings: Settings): void {
  fastify.setGenReqId(requestIdGenerator(settings))
  const header = settings.requestIdHeader
  if (header === false) return
  fastify.addHook('onRequest', function echoRequestId (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    reply.header(header, request.id)
    done()
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
export function requestIdGenerator (settings: Settings): (req: IncomingMessage) => string {
  const generate = settings.generateRequestId ?? generateRequestId
  const header = settings.requestIdHeader
  if (header === false || !settings.trustIncomingRequestId) {
    return function generateId () { return generate() }
  }
  return function incomingOrGeneratedId (req: IncomingMessage) {
    const incoming = req.headers[header]
    return isValidRequestId(incoming) ? incoming : generate()
  }
}
