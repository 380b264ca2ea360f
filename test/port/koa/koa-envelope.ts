import type { Middleware } from 'koa'
import type Router from '@koa/router'
import { loadTelemetry } from '../../../lib/core/telemetry.js'
import { koaPort, errorMiddleware } from './error-handler.js'
import { notFoundMiddleware, routing, type Routing } from './not-found.js'
import { normalizeKoaOptions, type KoaEnvelopeOptions } from './options.js'

/** What `koaEnvelope()` gives: the two middleware, in the order they are mounted. */
export interface KoaEnvelope {
  /** First of all: the request id, and the envelope for whatever the middleware after it throws. */
  beforeRoutes: () => Middleware
  /** After `router.routes()`: the 404, 405, 501 and the 204 to `OPTIONS` of a request no route took. */
  afterRoutes: (router: Router) => Middleware
}

/**
 * The Koa adapter: what the middleware after `beforeRoutes()` throws, and
 * every request no route of the router takes, answered with the envelope
 * (or problem details) through the core's answer path. Options are checked
 * here, once. Not covered: what Node's parser refuses, the answer while
 * the server closes, a middleware mounted before `beforeRoutes()`, and a
 * body stream that fails while Koa writes it.
 *
 * @example
 * ```ts
 * const envelope = koaEnvelope({ logger: pino() })
 * app.use(envelope.beforeRoutes())
 * app.use(bodyParser())
 * app.use(router.routes())
 * app.use(envelope.afterRoutes(router))
 * ```
 */
export function koaEnvelope (options?: KoaEnvelopeOptions): KoaEnvelope {
  const settings = normalizeKoaOptions(options ?? {})
  // @opentelemetry/api, an optional peer, is loaded once, in the background.
  loadTelemetry(settings.telemetry)
  const port = koaPort(settings)
  let routes: Routing | undefined
  return {
    beforeRoutes: () => errorMiddleware(port, () => routes),
    afterRoutes: function afterRoutes (router) {
      routes = routing(port, router)
      return notFoundMiddleware(routes)
    }
  }
}
