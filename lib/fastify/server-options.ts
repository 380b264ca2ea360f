import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest, LogController } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { errorBody } from '../core/problem.js'
import { sendEnvelope } from './error-handler.js'
import { errorForLog } from '../core/log-error.js'
import { safeLog } from '../core/safe-log.js'
import { fromEntry, normalizeError } from '../core/normalize.js'
import { normalizeOptions, type ErrorEnvelopeOptions, type Settings } from './options.js'
import { generateRequestId } from '../core/request-id.js'
import { requestIdGenerator } from './request-id-hook.js'
import { recognizeFastifyError } from './fastify-errors.js'
import { loadPeer } from '../core/peer.js'

/**
 * The Fastify constructor options this package sets, which only the
 * constructor accepts.
 */
export interface EnvelopeServerOptions {
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => void
  genReqId: (req: import('node:http').IncomingMessage) => string
  logController: LogController
}

/**
 * Fastify constructor options that make the failures no plugin can reach
 * answer with the envelope too:
 * - `frameworkErrors`: a malformed URL (400), an over-long path parameter
 *   (414), a failing async constraint (500), found before any route runs;
 * - `clientErrorHandler`: what Node's HTTP parser rejects (malformed request
 *   400, headers too large 431, request timeout 408), answered straight on
 *   the socket with a fresh request id;
 * - `genReqId` and a `logController` whose id label is `request_id`, so that
 *   routes added before the plugin, and Fastify's own request lines, carry
 *   the same id under the same key.
 *
 * Pass the same `requestId`, `logLevels` and `format` options as to the plugin.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import errorEnvelope, { serverOptions } from 'error-envelope'
 * const app = Fastify({ logger: true, ...serverOptions() })
 * await app.register(errorEnvelope)
 * ```
 */
export function serverOptions (options: Pick<ErrorEnvelopeOptions, 'requestId' | 'logLevels' | 'format'> = {}): EnvelopeServerOptions {
  const settings = normalizeOptions(options)
  return {
    frameworkErrors: function envelopeFrameworkErrors (error, request, reply) {
      sendEnvelope(request, reply, normalizeError(error, { recognize: recognizeFastifyError }), error, settings)
    },
    clientErrorHandler: function envelopeClientError (this: { log?: FastifyBaseLogger } | undefined, error, socket) {
      answerClientError(error, socket, settings, this?.log)
    },
    genReqId: requestIdGenerator(settings),
    logController: envelopeLogController()
  }
}

/**
 * The message of the error an older Fastify gets: the plugin and
 * `serverOptions()` need Fastify's `LogController`, added in 5.12 (and the
 * content-type parsing fixes of 5.12.1).
 */
export const OLD_FASTIFY = 'error-envelope needs fastify 5.12.1 or later (npm install fastify@^5.12.1)'

let EnvelopeLogController: (new (options: { requestIdLogLabel: string }) => LogController) | undefined

/**
 * Fastify's log controller with the request id under `request_id`, which
 * also honours a `disableRequestLogging` given to the constructor beside
 * `serverOptions()`: once a controller is passed, Fastify reads that choice
 * from the controller alone (fastify 5.12 lib/logger-factory.js
 * `createLogController`), and the user's would be lost. It is read from the
 * server's `initialConfig` on the first request of each server. The class is
 * made on first use, so that loading the package on an older Fastify fails
 * with a message saying so rather than a missing export.
 */
function envelopeLogController (): LogController {
  EnvelopeLogController ??= logControllerClass()
  return new EnvelopeLogController({ requestIdLogLabel: 'request_id' })
}

/**
 * The log controller class, made on the `LogController` of Fastify's
 * exports; an older Fastify has none.
 *
 * @example
 * ```ts
 * logControllerClass({}) // Error: error-envelope needs fastify 5.12.1 or later (npm install fastify@^5.12.1)
 * ```
 */
export function logControllerClass (from: object = loadFastify()): new (options: { requestIdLogLabel: string }) => LogController {
  const Base = (from as { LogController?: typeof LogController }).LogController
  if (typeof Base !== 'function') throw new Error(OLD_FASTIFY)
  return class EnvelopeLogController extends Base {
    #server: unknown = undefined
    #disabled: unknown = false

    override isLogDisabled (request: FastifyRequest): boolean {
      const server = request.server
      if (server !== this.#server) {
        this.#server = server
        this.#disabled = server.initialConfig.disableRequestLogging
      }
      const disabled = this.#disabled
      if (disabled === true) return true
      if (typeof disabled === 'function') return disabled(request) === true
      return super.isLogDisabled(request)
    }
  }
}

// Fastify itself, loaded when serverOptions() is called: the package's root
// entry also serves Express apps, which have no Fastify.
function loadFastify (): object {
  return loadPeer('fastify', 'serverOptions()', { hint: "; on Express, import from 'error-envelope/express'" })
}

// Node's parser errors (llhttp codes) and what they answer.
function clientErrorAnswer (code: string | undefined): NormalizedError {
  if (code === 'HPE_HEADER_OVERFLOW') return fromEntry(codeFor(431), 'Request headers are too large')
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return fromEntry(codeFor(408), 'The request took too long to arrive')
  return fromEntry(codeFor(400), 'Malformed HTTP request')
}

// Mirrors Fastify's defaultClientErrorHandler (fastify 5.12 fastify.js) and
// Node's socketOnError (node 20-26 lib/_http_server.js): a reset or destroyed
// socket gets nothing; so does one whose response in flight has its head on
// the wire already (a streaming 200, or the answer to the request whose body
// the parser rejected), because any byte written now would land inside that
// response: it is closed instead. Otherwise one response, then close.
function answerClientError (
  error: Error & { code?: string },
  socket: Socket,
  settings: Settings,
  log: FastifyBaseLogger | undefined
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = clientErrorAnswer(error.code)
  const id = generateRequestId()
  safeLog(log, settings.clientErrorLevel, { request_id: id, statusCode: answer.status, code: answer.code, err: errorForLog(error, false) }, answer.message)
  if (!socket.writable || headOnTheWire(socket)) {
    socket.destroy()
    return
  }
  // The request could not be read, so neither could its Accept: with
  // `negotiate`, the envelope.
  const { contentType, body } = errorBody(answer, id, settings.format, undefined)
  const idHeader = settings.requestIdHeader === false ? '' : `${settings.requestIdHeader}: ${id}\r\n`
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] as string}\r\n` +
    `content-type: ${contentType}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    idHeader +
    'connection: close\r\n\r\n' +
    body
  )
}

// The response Node is writing on this socket, if any (ServerResponse
// attaches itself as `_httpMessage` until it finishes).
function headOnTheWire (socket: Socket): boolean {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
  return inFlight?.headersSent === true
}
