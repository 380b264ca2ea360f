import type { IncomingMessage } from 'node:http'
import { readField } from '../core/safe-read.js'
import { allowValue, isStandardMethod, notImplementedAnswer, pathOf, routedFor, unroutedAnswer } from '../core/unrouted.js'
import { mountedRouter } from './sub-apps.js'
import type { ExpressSettings } from './options.js'
import { requestIdOf } from './request-id.js'
import { sendEnvelope } from './send-envelope.js'
import type { Middleware } from './types.js'

// Routers nest no deeper than this in any app a person writes; past it the
// walk stops, which bounds its cost whatever the stack holds.
const MAX_ROUTER_DEPTH = 16

/**
 * The answer to a request that no route took, mounted after the routes:
 * - a path routed for other methods answers 405 with `Allow` (HEAD wherever
 *   GET is routed), or 204 with `Allow` for `OPTIONS`;
 * - a method outside `STANDARD_METHODS` that no route handles answers 501;
 * - anything else answers 404 `No route for GET /x`, and so does a request
 *   whose own method is routed at the path (its route called `next()`),
 *   or a path that `router.all()` serves.
 *
 * Which methods a path is routed for is asked of Express's own router: each
 * layer's `match()`, as the router itself matches it, through routers and
 * sub-apps mounted at any depth (`app.use(prefix, router)`,
 * `app.use(prefix, subApp)`, `router.use(prefix, subApp)`), so parameters,
 * `case sensitive routing` and `strict routing` count exactly as for routing.
 * The walk starts in `appOf(req)`, the app the request is routed in.
 *
 * @example
 * ```ts
 * app.use(envelope.notFound())
 * // DELETE /widgets/1 where only GET is routed → 405, Allow: GET, HEAD
 * ```
 */
export function notFoundMiddleware (settings: ExpressSettings, appOf: AppOf): Middleware {
  // The reference page and its JSON are served from beforeRoutes(), not from
  // a route: their methods are added here, so another method gets the 405.
  const docsPaths = settings.docs === undefined ? [] : [settings.docs.path, `${settings.docs.path}.json`]
  return function envelopeNotFound (req, res) {
    // A server request always has both.
    const method = req.method as string
    const path = pathOf(req.url as string)
    const methods = methodsAt(appOf(req), req, docsPaths)
    if (methods.has('*')) {
      sendEnvelope(req, res, unroutedAnswer(method, path, '', settings.notFound), undefined, settings)
      return
    }
    const allow = allowValue(methods)
    if (allow !== '' && method === 'OPTIONS' && !routedFor(allow, method)) {
      res.statusCode = 204
      res.setHeader('allow', allow)
      if (settings.requestIdHeader !== false) res.setHeader(settings.requestIdHeader, requestIdOf(req, settings))
      res.end()
      return
    }
    if (!isStandardMethod(method) && !routedFor(allow, method)) {
      sendEnvelope(req, res, notImplementedAnswer(method), undefined, settings)
      return
    }
    sendEnvelope(req, res, unroutedAnswer(method, path, allow, settings.notFound), undefined, settings)
  }
}

/** The app whose routes a request is routed by, whose router the walk starts in. */
export type AppOf = (req: IncomingMessage) => unknown

/**
 * The methods routed at a request's path in `app`, as Express's router would
 * match it; `*` for a route of every method (`router.all()`).
 *
 * @example
 * ```ts
 * methodsAt(req.app, req, []) // Set { 'GET', 'HEAD' }
 * ```
 */
export function methodsAt (app: unknown, req: IncomingMessage, docsPaths: readonly string[] = []): Set<string> {
  const path = pathOf(req.url as string)
  const methods = new Set<string>()
  collectMethods(readField(app, 'router'), path, methods, 0)
  if (docsPaths.includes(path)) {
    methods.add('GET')
    methods.add('HEAD')
  }
  return methods
}

/**
 * Whether a route of `app` serves the request's method at its path: when
 * none does, the request is answered 404, 405 or 501 whatever its body held.
 *
 * @example
 * ```ts
 * isRoutedRequest(req.app, req) // false for POST on a GET-only path
 * ```
 */
export function isRoutedRequest (app: unknown, req: IncomingMessage): boolean {
  const methods = methodsAt(app, req)
  return methods.has('*') || methods.has(req.method as string)
}

/**
 * Adds to `into` the methods the routes of `router` serve at `path`, in
 * upper case, and `*` for a route of `router.all()`. Mounted routers and
 * sub-apps are entered with the mount path trimmed, as the router trims it
 * (router 2.x `trimPrefix`); plain middleware holds no routes.
 */
function collectMethods (router: unknown, path: string, into: Set<string>, depth: number): void {
  const stack = readField(router, 'stack')
  if (!Array.isArray(stack) || depth > MAX_ROUTER_DEPTH) return
  for (const layer of stack) {
    // A parameter that does not decode made the router fail before this
    // middleware ran (a 400): every layer here matches as it did there.
    const match: unknown = layer.match(path)
    if (match === false) continue
    const route = readField(layer, 'route')
    if (route !== undefined) {
      addRouteMethods(route, into)
      continue
    }
    // A mounted router or sub-app: its layer's match is the mount path, which
    // ends at a path separator (path-to-regexp's prefix match).
    const inner = mountedRouter(layer)
    if (inner === undefined) continue
    const rest = path.slice(String(readField(match, 'path')).length)
    collectMethods(inner, rest.startsWith('/') ? rest : '/' + rest, into, depth + 1)
  }
}

function addRouteMethods (route: unknown, into: Set<string>): void {
  const methods = readField(route, 'methods')
  if (readField(methods, '_all') === true) {
    into.add('*')
    return
  }
  // router 2.x lib/route.js: the route's methods, HEAD wherever GET is.
  for (const method of (route as { _methods: () => string[] })._methods()) into.add(method.toUpperCase())
}
