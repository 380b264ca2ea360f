import type { IncomingMessage, ServerResponse } from 'node:http'
import { requestIdFromHeaders } from '../core/traceparent.js'
import type { ExpressSettings } from './options.js'
import { MisuseError } from '../core/misuse.js'
import { isLogger, type EnvelopeLogger } from '../core/logger.js'
import type { EnvelopeRequest, Middleware } from './types.js'

// The id handed out for a request (by the middleware, or by `genReqId` when
// pino-http is mounted before `beforeRoutes()`, so that the middleware keeps
// the same id and pino-http's logger), kept on the request under a symbol:
// a WeakMap entry per request measured 2-3% of a 2xx's requests per second.
const kRequestId = Symbol('error-envelope.requestId')
interface WithId { [kRequestId]?: string }

/**
 * The request id of a request, by the adapter's rule: a valid incoming id
 * when the header is read and trusted, else a new one. Usable as
 * `pino-http`'s `genReqId`, so that its lines and the envelope share the id.
 *
 * @example
 * ```ts
 * app.use(pinoHttp({ logger, genReqId: envelope.genReqId, customAttributeKeys: { reqId: 'request_id' } }))
 * app.use(envelope.beforeRoutes())
 * ```
 */
export function requestIdGenerator (settings: ExpressSettings): (req: IncomingMessage, res?: ServerResponse) => string {
  return function genReqId (req) {
    return requestIdOf(req, settings)
  }
}

/**
 * Gives every request its id (`req.id`), echoes it in the response header
 * (2xx included, set before any route runs) and a child logger whose lines
 * carry it as `request_id` (`req.log`).
 *
 * @example
 * ```ts
 * app.use(envelope.requestId())
 * // GET /x with "X-Request-Id: abc-123" → req.id === 'abc-123', header echoed
 * ```
 */
export function requestIdMiddleware (settings: ExpressSettings): Middleware {
  const header = settings.requestIdHeader
  return function envelopeRequestId (req, res, next) {
    const request = req as EnvelopeRequest
    // pino-http before us, given our genReqId: its logger carries the id already.
    const keepLogger = (req as WithId)[kRequestId] !== undefined && isLogger(request.log)
    const id = requestIdOf(req, settings)
    request.id = id
    if (header !== false) res.setHeader(header, id)
    if (!keepLogger) request.log = settings.logs ? settings.logger.child({ request_id: id }) : settings.logger
    next()
  }
}

/**
 * The id of a request, given once and kept: a valid incoming id when the
 * header is read and trusted, else a new one. A request that never passed
 * `beforeRoutes()` gets its id here, when its answer is written.
 *
 * @example
 * ```ts
 * requestIdOf(req, settings) // 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
 * ```
 */
export function requestIdOf (req: IncomingMessage, settings: ExpressSettings): string {
  let id = (req as WithId)[kRequestId]
  if (id === undefined) {
    id = requestIdFromHeaders(req.headers, settings);
    (req as WithId)[kRequestId] = id
  }
  return id
}

/** The error of `getRequestId()` or `getLogger()` on a request `beforeRoutes()` never saw. */
export const NO_CONTEXT = 'error-envelope: this request has not passed beforeRoutes(), which gives it its id and logger: mount app.use(envelope.beforeRoutes()) before the routes'

/**
 * The request id `beforeRoutes()` gave a request (the `X-Request-Id` sent
 * back), typed `string` whatever else declares `req.id` (pino-http types it
 * `ReqId`). Throws a coded error on a request `beforeRoutes()` never saw.
 *
 * @example
 * ```ts
 * import { getRequestId } from 'error-envelope/express'
 * app.get('/widgets', (req, res) => { res.json({ widgets: [], request: getRequestId(req) }) })
 * ```
 */
export function getRequestId (req: IncomingMessage): string {
  const id = (req as WithId)[kRequestId]
  if (id === undefined) throw new MisuseError('ERR_ENVELOPE_NO_REQUEST_CONTEXT', NO_CONTEXT)
  return id
}

/**
 * The logger `beforeRoutes()` gave a request (`req.log`): a child of the
 * `logger` option whose lines carry `request_id`, pino-http's when it is
 * mounted first, or a silent one without a logger. Throws a coded error on
 * a request `beforeRoutes()` never saw.
 *
 * @example
 * ```ts
 * import { getLogger } from 'error-envelope/express'
 * app.post('/orders', (req, res) => { getLogger(req).info('order received'); res.status(201).end() })
 * ```
 */
export function getLogger (req: IncomingMessage): EnvelopeLogger {
  const log = (req as EnvelopeRequest).log
  if (!isLogger(log)) throw new MisuseError('ERR_ENVELOPE_NO_REQUEST_CONTEXT', NO_CONTEXT)
  return log
}
