import type { FastifyInstance } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { logErrorResponse, shouldLogErrorResponse } from '../core/log-line.js'
import { normalizeError } from '../core/normalize.js'
import { errorResponse } from '../core/error-response.js'
import { closingError, refuseRequests } from '../core/shutdown.js'
import { writeErrorResponse } from '../core/write-response.js'
import { requestIdFromHeaders } from '../core/traceparent.js'
import type { Settings } from './options.js'

/**
 * While the server closes, answers the requests still arriving (on
 * kept-alive connections, or while `close()` waits for the ones in flight)
 * with a 503 envelope, `Retry-After` and `Connection: close`, rather than
 * Fastify's own 503 body: from Fastify's `preClose`, Fastify's request
 * listener is replaced (other listeners of the server keep running).
 * Requests already in flight finish as they would.
 *
 * @example
 * ```ts
 * installShutdown(fastify, settings)
 * await fastify.close() // a request arriving now: 503 {"error":{"code":"service_unavailable",...}}
 * ```
 */
export function installShutdown (fastify: FastifyInstance, settings: Settings): void {
  fastify.addHook('preClose', function refuseWhileClosing (done) {
    refuseRequests(fastify.server, function answerClosing (req: IncomingMessage, res: ServerResponse) {
      writeClosing(fastify, settings, req, res)
    }, function isFastifyHandler (listener) { return listener === fastify.routing })
    done()
  })
}

function writeClosing (fastify: FastifyInstance, settings: Settings, req: IncomingMessage, res: ServerResponse): void {
  const thrown = closingError()
  const answer = normalizeError(thrown, { errorHeaders: settings.errorHeaders })
  const id = requestIdFromHeaders(req.headers, settings)
  const log = fastify.log.child({ request_id: id })
  if (shouldLogErrorResponse(log, settings, answer, thrown)) logErrorResponse(log, settings, answer, thrown)
  // Every value here is checked already: the head cannot be refused.
  const response = errorResponse(answer, id, settings, { accept: req.headers.accept })
  // HTTP/2 has no Connection header: its session is closed by the server.
  if (req.httpVersionMajor < 2) response.headers.connection = 'close'
  writeErrorResponse(res, response, req.method)
}
