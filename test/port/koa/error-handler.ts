import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Middleware } from 'koa'
import { answerNodeError, type NodeAnswerPort } from '../../../lib/core/node-answer.js'
import { normalizeError } from '../../../lib/core/normalize.js'
import { mappedError, normalizerSettings } from '../../../lib/core/options.js'
import { reportErrorAnswer, type TelemetryPort } from '../../../lib/core/telemetry.js'
import { logWhenDone } from '../../../lib/core/write-response.js'
import { isBodyFailure, recognizeKoaError } from './koa-errors.js'
import type { Routing } from './not-found.js'
import type { KoaSettings } from './options.js'
import { requestIdOf } from './request-id.js'

// The route template of a request whose handler threw, for its telemetry.
const matchedRoutes = new WeakMap<IncomingMessage, string>()

// Responses whose status the app set before it threw (`ctx.status = 400`):
// Koa presets 404 on every response, so only a status set on purpose
// (`ctx.response._explicitStatus`) counts.
const explicitStatuses = new WeakSet<ServerResponse>()

const koaTelemetry: TelemetryPort<IncomingMessage> = {
  methodOf: (req) => req.method,
  routeOf: (req) => matchedRoutes.get(req),
  spanOf: () => undefined
}

/**
 * The adapter's port to the core's answer path: Koa's body errors
 * recognised, a status set before the throw kept, `mapError` applied, the
 * id kept per request, telemetry and one log line per answer.
 *
 * @example
 * ```ts
 * answerNodeError(koaPort(settings), ctx.req, ctx.res, thrown)
 * ```
 */
export function koaPort (settings: KoaSettings): NodeAnswerPort {
  const normalizeSettings = normalizerSettings(settings, {
    recognize: recognizeKoaError,
    presetStatus: function statusSetOnPurpose (res) {
      return explicitStatuses.has(res as ServerResponse) ? (res as ServerResponse).statusCode : undefined
    }
  })
  return {
    settings,
    answerOf: (thrown, req, res) => normalizeError(mappedError(settings, thrown, req), normalizeSettings, res),
    requestIdOf: (req) => requestIdOf(req, settings),
    record: function record (req, res, answer, thrown) {
      const trace = reportErrorAnswer(settings.telemetry, settings.codeDocs, answer, thrown, req, koaTelemetry)
      if (settings.logger !== undefined) logWhenDone(req, res, settings.logger.child({ request_id: requestIdOf(req, settings) }), settings, answer, thrown, trace)
    }
  }
}

/**
 * The first middleware: gives the request its id (`ctx.state.requestId`,
 * echoed in the header, 2xx included), and answers whatever the middleware
 * after it threw or rejected with the envelope, written by the core in
 * place of Koa's own answer (`ctx.respond = false`). A body that could not
 * be read, on a request no route serves, gets the 404, 405 or 501 of the
 * router (once `afterRoutes()` gave it): the method or the path is wrong
 * whatever the body held.
 *
 * @example
 * ```ts
 * app.use(errorMiddleware(port, () => routes))
 * ```
 */
export function errorMiddleware (port: NodeAnswerPort, routing: () => Routing | undefined): Middleware {
  const header = port.settings.requestIdHeader
  return async function envelopeErrors (ctx, next) {
    const id = port.requestIdOf(ctx.req)
    ctx.state.requestId = id
    if (header !== false) ctx.set(header, id)
    try {
      await next()
    } catch (thrown) {
      const routes = routing()
      if (routes !== undefined) {
        if (isBodyFailure(thrown) && routes.answer(ctx, true)) return
        // Only once the router ran and matched (`ctx.routeMatched`): a body
        // parser mounted before it fails before any route is matched.
        const route = ctx.routeMatched === true ? routes.routeOf(ctx) : undefined
        if (route !== undefined) matchedRoutes.set(ctx.req, route)
      }
      if ((ctx.response as { _explicitStatus?: boolean })._explicitStatus === true) explicitStatuses.add(ctx.res)
      ctx.respond = false
      answerNodeError(port, ctx.req, ctx.res, thrown)
    }
  }
}
