import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions, LogController } from 'fastify'
import type { Socket } from 'node:net'
import { answerClientError } from '../core/client-error.js'
import { normalizeSettingsOf, sendEnvelope } from './error-handler.js'
import { serverSettings } from './server-settings.js'
import { mappedError } from '../core/options.js'
import { normalizeError } from '../core/normalize.js'
import { normalizeOptions, type ErrorEnvelopeOptions } from './options.js'
import { requestIdGenerator } from './request-id-hook.js'
import { loadTelemetry } from '../core/telemetry.js'
import { loadPeer } from '../core/peer.js'
import { booleanOption, objectOption } from '../core/option-checks.js'
import { strictBodyValidator } from './strict-body.js'
import { MisuseError } from '../core/misuse.js'

/**
 * The Fastify constructor options this package sets, which only the
 * constructor accepts.
 */
export interface EnvelopeServerOptions {
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => void
  genReqId: (req: import('node:http').IncomingMessage) => string
  logController: LogController
  /** Given with `strictBody: true`: a validator compiler per part, strict for bodies. */
  schemaController?: FastifyServerOptions['schemaController']
}

/**
 * The options `serverOptions()` reads: those of the plugin that decide its
 * answers, and `strictBody`, which only the Fastify constructor can apply.
 *
 * @example
 * ```ts
 * const options: ServerOptionsOptions = { requestId: { header: 'x-correlation-id' }, strictBody: true }
 * ```
 */
export interface ServerOptionsOptions extends Pick<ErrorEnvelopeOptions, 'requestId' | 'logLevels' | 'format' | 'telemetry'> {
  /**
   * Refuse, in a request body, a property that `additionalProperties: false`
   * does not allow (instead of removing it) and a value of another type
   * (instead of converting it); the querystring, params and headers are
   * still converted from strings. Default false, as Fastify.
   */
  strictBody?: boolean
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
 * - with `strictBody: true`, a `schemaController` whose validator compiler
 *   refuses what Fastify's default would remove or convert in a body.
 *
 * Pass the same `requestId`, `logLevels`, `format` and `telemetry` options
 * as to the plugin, or make both with `fastifyEnvelope(options)`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import errorEnvelope, { serverOptions } from 'error-envelope'
 * const app = Fastify({ logger: true, ...serverOptions() })
 * await app.register(errorEnvelope)
 * ```
 */
export function serverOptions (options: ServerOptionsOptions = {}): EnvelopeServerOptions {
  const { strictBody, ...pluginOptions } = objectOption('options', options) as ServerOptionsOptions
  const strict = booleanOption('strictBody', strictBody, false)
  const settings = normalizeOptions(pluginOptions)
  const settingsOfServer = serverSettings(settings, Object.keys(pluginOptions))
  // In the background: the server's first requests come later.
  loadTelemetry(settings.telemetry)
  return {
    frameworkErrors: function envelopeFrameworkErrors (error, request, reply) {
      const active = settingsOfServer(request.server.server)
      sendEnvelope(request, reply, normalizeError(mappedError(active, error, request), normalizeSettingsOf(active), reply), error, active)
    },
    clientErrorHandler: function envelopeClientError (this: { log?: FastifyBaseLogger, server?: unknown } | undefined, error, socket) {
      answerClientError(error, socket, settingsOfServer(this?.server), this?.log)
    },
    genReqId: requestIdGenerator(settings),
    logController: envelopeLogController(),
    ...(strict ? { schemaController: { compilersFactory: { buildValidator: strictBodyValidator() as never } } } : {})
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
  if (typeof Base !== 'function') throw new MisuseError('ERR_ENVELOPE_PEER_UNSUPPORTED', OLD_FASTIFY)
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
