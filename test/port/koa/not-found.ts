import type { Context, Middleware } from 'koa'
import type Router from '@koa/router'
import { sendNodeAnswer, type NodeAnswerPort } from '../../../lib/core/node-answer.js'
import { allowValue } from '../../../lib/core/unrouted.js'
import { pathAnswers, preparedUnrouted, type PathAnswers } from '../../../lib/core/unrouted-answers.js'

// Paths whose answers are kept, at most; past it the table starts again.
const MAX_PATHS = 1000

/** What the adapter asks of the router: answers to requests no route took, and the route a request matched. */
export interface Routing {
  /**
   * Answers a request as one no route took. With `ifUnrouted`, only when no
   * route of the router serves its method at its path: false, with nothing
   * written, when one does.
   */
  answer: (ctx: Context, ifUnrouted?: boolean) => boolean
  /** The template of the route that serves the request (`/widgets/:id`); undefined when none does. */
  routeOf: (ctx: Context) => string | undefined
}

/**
 * The router's side of the port. A request no route took answers 405 with
 * `Allow` at a path routed for other methods, 204 with `Allow` to `OPTIONS`
 * there, 501 to a method outside `STANDARD_METHODS`, 404 to anything else,
 * and 404 when its own method is routed there (its route called `next()`).
 * The methods at a path are the router's own `match()`, on the pathname it
 * matches (`ctx.path`; the router's `routerPath` option aside); a path's
 * answers are built once (`preparedUnrouted()`) and built again when its
 * routes change.
 *
 * @example
 * ```ts
 * const { answer } = routing(port, router)
 * app.use(router.routes())
 * app.use(async (ctx) => { answer(ctx) })
 * ```
 */
export function routing (port: NodeAnswerPort, router: Router): Routing {
  const entries = new Map<string, PathAnswers>()
  return {
    answer: function answerUnrouted (ctx, ifUnrouted = false) {
      const path = ctx.path
      const match = router.match(path, ctx.method)
      if (ifUnrouted && match.route) return false
      const allow = allowValue(match.path.flatMap((layer) => layer.methods))
      let entry = entries.get(path)
      if (entry?.allow !== allow) {
        if (entries.size >= MAX_PATHS) entries.clear()
        entry = pathAnswers(allow)
        entries.set(path, entry)
      }
      const prepared = preparedUnrouted(entry, ctx.method, path, port.settings.notFound)
      ctx.respond = false
      if (prepared !== undefined) {
        sendNodeAnswer(port, ctx.req, ctx.res, prepared.answer, undefined, prepared.head)
        return true
      }
      ctx.res.statusCode = 204
      ctx.res.setHeader('allow', allow)
      ctx.res.end()
      return true
    },
    // Not `ctx._matchedRoute`: the router sets it to each layer's path as
    // its chain runs, `router.use()` middleware included.
    routeOf: function routeOf (ctx) {
      const routes = router.match(ctx.path, ctx.method).pathAndMethod.filter((layer) => layer.methods.length > 0)
      const path = routes[routes.length - 1]?.path
      return typeof path === 'string' ? path : undefined
    }
  }
}

/**
 * The middleware after `router.routes()`: a request that gets here was taken
 * by no route (or its route called `next()`), and gets `routing.answer()`.
 *
 * @example
 * ```ts
 * app.use(notFoundMiddleware(routing(port, router)))
 * ```
 */
export function notFoundMiddleware (routes: Routing): Middleware {
  return async function envelopeNotFound (ctx) {
    routes.answer(ctx)
  }
}
