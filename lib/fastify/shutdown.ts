import type { FastifyInstance } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { answerNodeError, type NodeAnswerPort } from '../core/node-answer.js'
import { normalizeError } from '../core/normalize.js'
import { normalizerSettings } from '../core/options.js'
import { closingError, refuseRequests } from '../core/shutdown.js'
import { reportErrorAnswer, type TelemetryPort } from '../core/telemetry.js'
import { requestIdFromHeaders } from '../core/traceparent.js'
import { logWhenDone } from '../core/write-response.js'
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
  const port = closingPort(fastify, settings)
  fastify.addHook('preClose', function refuseWhileClosing (done) {
    refuseRequests(fastify.server, function answerClosing (req: IncomingMessage, res: ServerResponse) {
      answerNodeError(port, req, res, closingError())
    }, function isFastifyHandler (listener) { return listener === fastify.routing })
    done()
  })
}

// What the core's answer path needs of a request Fastify never sees: its id
// by the settings' rule, kept for its answer and its log line; the line,
// once the response is done, on a child of the app's logger; its telemetry
// by the method alone (no route matched).
function closingPort (fastify: FastifyInstance, settings: Settings): NodeAnswerPort {
  const ids = new WeakMap<IncomingMessage, string>()
  const normalizeSettings = normalizerSettings(settings)
  function requestIdOf (req: IncomingMessage): string {
    let id = ids.get(req)
    if (id === undefined) {
      id = requestIdFromHeaders(req.headers, settings)
      ids.set(req, id)
    }
    return id
  }
  return {
    settings,
    answerOf: function answerOf (thrown) {
      return normalizeError(thrown, normalizeSettings)
    },
    requestIdOf,
    record: function record (req, res, answer, thrown) {
      const trace = reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, req, closingTelemetry)
      logWhenDone(req, res, fastify.log.child({ request_id: requestIdOf(req) }), settings, answer, thrown, trace)
    }
  }
}

const closingTelemetry: TelemetryPort<IncomingMessage> = {
  methodOf: (req) => req.method,
  routeOf: () => undefined,
  spanOf: () => undefined
}
