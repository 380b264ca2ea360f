import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { answerClientError } from '../core/client-error.js'
import { closingError, refuseRequests } from '../core/shutdown.js'
import { shedMiddleware } from './overload.js'
import { docsMiddleware } from './docs-routes.js'
import { safeLog } from '../core/safe-log.js'
import { readField } from '../core/safe-read.js'
import { MisuseError } from '../core/misuse.js'
import { errorHandlerMiddleware } from './error-handler.js'
import { markOwner, mountMistakes, RATE_LIMIT_UNCOUNTED_SETUP } from './mount-checks.js'
import { notFoundMiddleware } from './not-found.js'
import { routedIn, watchSubApps } from './sub-apps.js'
import { documentExpressErrors } from './openapi.js'
import { normalizeExpressOptions, type ExpressEnvelopeOptions } from './options.js'
import { globalRateLimit, rateLimitShared, routeRateLimit } from './rate-limit.js'
import type { RateLimitKeyGenerator } from '../core/rate-limit-options.js'
import type { ExpressRequest } from './types.js'
import type { ValidatedParts, ValidateMiddleware } from './typed-request.js'
import { requestIdGenerator, requestIdMiddleware } from './request-id.js'
import { loadTelemetry } from '../core/telemetry.js'
import type { ErrorMiddleware, Middleware } from './types.js'
import { validateMiddleware, type RequestSchemas, type ValidateMiddlewareOptions } from './validate.js'

/**
 * What `errorEnvelope()` returns: the two groups of middleware to mount, the
 * pieces they are made of, and the request id generator for pino-http.
 */
export interface ExpressEnvelope {
  /** Mount before the routes: request id, `X-Request-Id` echo, `req.log`, and the global rate limit when the `rateLimit` option is given. */
  beforeRoutes: () => Middleware[]
  /** Mount after the routes: 404 / 405 + Allow / OPTIONS 204 / 501, then the error handler. */
  afterRoutes: () => [Middleware, ErrorMiddleware]
  /** The request id middleware alone. */
  requestId: () => Middleware
  /** The 404/405/OPTIONS/501 middleware alone. */
  notFound: () => Middleware
  /** The error handler alone. */
  errorHandler: () => ErrorMiddleware
  /** The request id of a request, for `pino-http`'s `genReqId`. */
  genReqId: (req: IncomingMessage, res?: ServerResponse) => string
  /**
   * Schema validation of a route's parts, answered as the Fastify plugin
   * answers it; the route's next handlers get `req.body`, `req.query` and
   * `req.params` typed from schemas written as literals (or TypeBox's).
   */
  validate: <const S extends RequestSchemas, Parts = ValidatedParts<S>>(schemas: S, options?: ValidateMiddlewareOptions) => ValidateMiddleware<Parts>
  /**
   * A route's own rate limit, counted apart from the global one, as
   * Fastify's `config.rateLimit`; needs the `rateLimit` option.
   */
  rateLimit: (limit?: RouteRateLimit) => Middleware
  /**
   * Closes the server the app runs on: from now on, a request that still
   * arrives (on a kept-alive connection, or while the requests in flight
   * finish) is answered 503 `service_unavailable` with `Retry-After` and
   * `Connection: close`; the overload monitor stops. Resolves once the
   * server is closed.
   */
  close: (server: Server) => Promise<void>
  /**
   * Installs, on the server that serves the app, what no middleware sees:
   * Node's parser errors (a malformed request 400, headers too large 431, a
   * request that took too long to arrive 408) answered with the envelope
   * rather than Node's bare 400, and a request the app lets fall out of its
   * stack (`next('router')` at the app's level, an error past
   * `afterRoutes()`) answered 404 or by the error handler rather than by
   * Express's HTML page. Call it once, after `app.listen()` or
   * `http.createServer(app)`.
   */
  attach: (server: Server) => void
  /**
   * A copy of the app's OpenAPI 3 document with the error responses of each
   * operation, as this adapter answers them; an operation's `x-errors` lists
   * the catalog codes it may answer with.
   */
  openApi: <D extends object>(document: D) => D
}

/**
 * A route's own limit: what it leaves out comes from the `rateLimit` option.
 *
 * @example
 * ```ts
 * app.get('/search', envelope.rateLimit({ max: 10, timeWindow: '1 minute' }), search)
 * ```
 */
export interface RouteRateLimit {
  max?: number
  timeWindow?: number | string
  ban?: number
  /** As the `rateLimit` option's: a method, so that Express's full `Request` type is accepted. */
  keyGenerator? (request: ExpressRequest): ReturnType<RateLimitKeyGenerator>
}

/**
 * The Express 5 adapter: every failure of the app answers with the
 * documented envelope. Checks the options once, then gives the middleware
 * to mount before and after the routes.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import pino from 'pino'
 * import { errorEnvelope, notFound } from 'error-envelope/express'
 *
 * const app = express()
 * const envelope = errorEnvelope({ logger: pino() })
 * app.use(envelope.beforeRoutes())
 * app.use(express.json())
 * app.get('/search', envelope.rateLimit({ max: 10 }), (req, res) => { res.json({ hits: [] }) })
 * app.get('/widgets/:id', () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
 * app.use(envelope.afterRoutes())
 * ```
 */
export function errorEnvelope (options: ExpressEnvelopeOptions = {}): ExpressEnvelope {
  const settings = normalizeExpressOptions(options)
  // In the background, by the time the server takes its first requests.
  loadTelemetry(settings.telemetry)
  const genReqId = requestIdGenerator(settings)
  const requestId = requestIdMiddleware(settings)
  // The app whose routes the walks of afterRoutes() start from. Express 5
  // leaves `req.app` naming an app that a router ran as middleware
  // (`router.use(prefix, subApp)`) once the request falls out of it, where
  // app.use() would put it back: from there, the app that ran it is
  // followed up to the app this envelope is mounted in.
  let servedApp: unknown
  const appOf = function routedInApp (req: IncomingMessage): unknown {
    return routedIn(readField(req, 'app'), servedApp)
  }
  const notFound = notFoundMiddleware(settings, appOf)
  const errorHandler = errorHandlerMiddleware(settings, appOf, notFound)
  const limits = settings.rateLimit === false ? undefined : rateLimitShared(settings, settings.rateLimit)
  const overload = settings.underPressure === false ? [] : [shedMiddleware(settings.underPressure, errorHandler)]
  const docs = settings.docs === undefined ? [] : [docsMiddleware(settings.docs)]
  const globalLimit = limits !== undefined && limits.options.global ? [globalRateLimit(limits)] : []

  // How the envelope is mounted is read from the app's stack once, at the
  // first request that reaches it (see mount-checks.ts), and the sub-apps
  // mounted in it are watched from then on (see sub-apps.ts). The check
  // rides in middleware the envelope has anyway rather than in a layer of
  // its own, which Express's router would enter on every request.
  let checked = false
  let uncounted: Error | undefined
  let beforeGiven = false
  function checkMounts (req: IncomingMessage): void {
    checked = true
    servedApp = readField(req, 'app')
    watchSubApps(servedApp)
    const findings = mountMistakes(servedApp, { before: [firstOfRoutes, requestId], notFound: [afterNotFound], errorHandler: [afterErrorHandler], globalLimit: globalLimit.length > 0 })
    for (const message of findings.warnings) {
      if (settings.logs) safeLog(settings.logger, 'warn', {}, message)
      else process.emitWarning(message, 'ErrorEnvelopeWarning')
    }
    uncounted = findings.error
  }
  const firstOfRoutes: Middleware = function envelopeBeforeRoutes (req, res, next) {
    if (!checked) checkMounts(req)
    if (uncounted !== undefined) { requestId(req, res, function refuseUncounted () { next(uncounted) }); return }
    requestId(req, res, next)
  }
  const afterNotFound: Middleware = function envelopeAfterRoutes (req, res, next) {
    if (!checked) checkMounts(req)
    if (uncounted !== undefined) { next(uncounted); return }
    notFound(req, res, next)
  }
  const afterErrorHandler: ErrorMiddleware = function envelopeErrorHandler (error, req, res, next) {
    if (!checked) checkMounts(req)
    errorHandler(error, req, res, next)
  }
  markOwner(settings, firstOfRoutes, afterNotFound, afterErrorHandler, requestId)

  return {
    beforeRoutes: function envelopeBeforeRoutes () {
      beforeGiven = true
      return [firstOfRoutes, ...docs, ...overload, ...globalLimit]
    },
    afterRoutes: function envelopeAfterRoutes () {
      // A limit that would never count is refused at setup when it can be
      // told there; once mounted, the first request tells the rest.
      if (!beforeGiven && globalLimit.length > 0) throw new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', RATE_LIMIT_UNCOUNTED_SETUP)
      return [afterNotFound, afterErrorHandler]
    },
    requestId: () => requestId,
    notFound: () => afterNotFound,
    errorHandler: () => afterErrorHandler,
    genReqId,
    // The middleware only checks; the types say what it let through.
    validate: (schemas, validateOptions) => validateMiddleware(settings, schemas, validateOptions) as ValidateMiddleware<any>,
    rateLimit: function envelopeRouteRateLimit (limit = {}) {
      if (limits === undefined) throw new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', 'error-envelope: rateLimit() needs the rateLimit option of errorEnvelope()')
      return routeRateLimit(limits, limit)
    },
    openApi: (document) => documentExpressErrors(document, settings),
    attach: function attachToServer (server) {
      if (attached.has(server)) return
      attached.add(server)
      server.on('clientError', function envelopeClientError (error: Error & { code?: string }, socket) {
        answerClientError(error, socket as Socket, settings, settings.logs ? settings.logger : undefined)
      })
      const listeners = server.listeners('request')
      const app = listeners.find(isExpressApp) as (ExpressApp | undefined)
      if (app === undefined) return
      const envelopeApp = function envelopeApp (req: IncomingMessage, res: ServerResponse): void {
        app.handle(req, res, function fellOutOfApp (error?: unknown) {
          if (error !== undefined && error !== null) errorHandler(error, req, res, fellOutOfApp)
          else notFound(req, res, fellOutOfApp)
        })
      }
      wrappers.add(envelopeApp)
      server.removeListener('request', app)
      server.prependListener('request', envelopeApp)
    },
    close: async function closeServer (server) {
      for (const middleware of overload) middleware.stop()
      refuseRequests(server, function answerClosing (req, res) {
        // The error handler answers, and never calls the next function.
        requestId(req, res, function idGiven () { errorHandler(closingError(), req, res, idGiven) })
      }, function isApp (listener) { return wrappers.has(listener as object) || isExpressApp(listener) })
      await new Promise<void>((resolve, reject) => { server.close((error) => { if (error === undefined) resolve(); else reject(error) }) })
    }
  }
}

// Servers `attach()` has installed on, and the listeners it put in the app's place.
const attached = new WeakSet<Server>()
const wrappers = new WeakSet<object>()

interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void
  handle: (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void
}

// An Express app, as the request listener that app.listen() or
// http.createServer(app) gives the server.
function isExpressApp (listener: unknown): boolean {
  return typeof listener === 'function' && typeof readField(listener, 'handle') === 'function' && typeof readField(listener, 'use') === 'function'
}
