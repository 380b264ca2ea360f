import { readField } from '../core/safe-read.js'
import { pathOf } from '../core/unrouted.js'
import type { IncomingMessage } from 'node:http'
import { mountedRouter } from './sub-apps.js'

// As the not-found walk: routers nest no deeper than this in any app a
// person writes, which bounds the walk's cost.
const MAX_ROUTER_DEPTH = 16

/**
 * Whether the route Express will dispatch this request to has a limit of its
 * own: the first route, in routers and sub-apps mounted at any depth, whose
 * path matches and which handles the method (HEAD where GET is), holding
 * one of `limiters` in its stack. Such a request counts in the route's
 * bucket only, as a Fastify route's `config.rateLimit` replaces the global
 * limit. Decided by Express's own layers (`match()`, `_handlesMethod()`),
 * with the app's case and trailing-slash settings. A sub-app mounted with
 * `app.use(prefix, subApp)` is walked once a request has entered it (see
 * sub-apps.ts).
 *
 * @example
 * ```ts
 * if (!routeLimited(req, limiters)) countGlobally(req)
 * ```
 */
export function routeLimited (req: IncomingMessage, limiters: ReadonlySet<unknown>): boolean {
  // A server request always has both.
  return firstRoute(readField(readField(req, 'app'), 'router'), pathOf(req.url as string), req.method as string, limiters, 0) === true
}

// true: the route has its own limit; false: it has none; undefined: no route here.
function firstRoute (router: unknown, path: string, method: string, limiters: ReadonlySet<unknown>, depth: number): boolean | undefined {
  const stack = readField(router, 'stack')
  if (!Array.isArray(stack) || depth > MAX_ROUTER_DEPTH) return undefined
  for (const layer of stack) {
    let match: unknown
    try {
      match = layer.match(path)
    } catch {
      // A parameter that does not decode: Express answers 400 there.
      return undefined
    }
    if (match === false) continue
    const route = readField(layer, 'route')
    if (route !== undefined) {
      // router 2.x lib/route.js: whether it handles the method, HEAD where GET is.
      const { _handlesMethod: handles, stack: own } = route as { _handlesMethod: (method: string) => boolean, stack: unknown[] }
      if (!handles.call(route, method)) continue
      return own.some((inner) => limiters.has(readField(inner, 'handle')))
    }
    const inner = mountedRouter(layer)
    if (inner === undefined) continue
    const rest = path.slice(String(readField(match, 'path')).length)
    const found = firstRoute(inner, rest.startsWith('/') ? rest : '/' + rest, method, limiters, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}
