import type { Context, Middleware } from 'koa'
import type Router from '@koa/router'
import { sendNodeAnswer, type NodeAnswerPort } from '../../../lib/core/node-answer.js'
import { allowValue, pathOf } from '../../../lib/core/unrouted.js'
import { pathAnswers, preparedUnrouted, type PathAnswers } from '../../../lib/core/unrouted-answers.js'

// Paths whose answers are kept, at most; past it the table starts again.
const MAX_PATHS = 1000

/**
 * Answers a request as one no route took. With `ifUnrouted`, only when no
 * route of the router serves its method at its path: false, with nothing
 * written, when one does.
 */
export type UnroutedAnswer = (ctx: Context, ifUnrouted?: boolean) => boolean

/**
 * The answer to a request no route of `router` took: 405 with `Allow` at a
 * path routed for other methods, 204 with `Allow` to `OPTIONS` there, 501
 * to a method outside `STANDARD_METHODS`, 404 to anything else. The methods
 * at a path are the router's own `match()`; a path's answers are built once
 * (`preparedUnrouted()`) and built again when its routes change. A request
 * whose own method is routed there (its route called `next()`) gets the 404.
 *
 * @example
 * ```ts
 * const unrouted = unroutedAnswer(port, router)
 * app.use(router.routes())
 * app.use(async (ctx) => { unrouted(ctx) })
 * ```
 */
export function unroutedAnswer (port: NodeAnswerPort, router: Router): UnroutedAnswer {
  const entries = new Map<string, PathAnswers>()
  return function answerUnrouted (ctx, ifUnrouted = false) {
    const path = pathOf(ctx.req.url as string)
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
  }
}

/**
 * The middleware after `router.routes()`: a request that gets here was taken
 * by no route (or its route called `next()`), and gets `unroutedAnswer()`.
 *
 * @example
 * ```ts
 * app.use(notFoundMiddleware(unroutedAnswer(port, router)))
 * ```
 */
export function notFoundMiddleware (unrouted: UnroutedAnswer): Middleware {
  return async function envelopeNotFound (ctx) {
    unrouted(ctx)
  }
}
