import type { IncomingMessage } from 'node:http'
import { readField } from '../core/safe-read.js'
import { allowValue, pathOf } from '../core/unrouted.js'
import { pathAnswers, preparedUnrouted, type PathAnswers } from '../core/unrouted-answers.js'
import { mountedRouter } from './sub-apps.js'
import type { ExpressSettings } from './options.js'
import { requestIdOf } from './request-id.js'
import { sendNodeAnswer } from '../core/node-answer.js'
import { expressPort } from './send-envelope.js'
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
  // Per set of methods routed at a path (one set per router and path, see
  // routedMethods()): its `Allow` value and its prepared answers.
  const prepared = new WeakMap<ReadonlySet<string>, PathAnswers>()
  const port = expressPort(settings)
  return function envelopeNotFound (req, res) {
    // A server request always has both.
    const method = req.method as string
    const path = pathOf(req.url as string)
    const methods = methodsAt(appOf(req), path, docsPaths)
    let entry = prepared.get(methods)
    if (entry === undefined) {
      entry = pathAnswers(allowValue(methods), methods.has('*'))
      prepared.set(methods, entry)
    }
    const kept = preparedUnrouted(entry, method, path, settings.notFound)
    if (kept === undefined) {
      res.statusCode = 204
      res.setHeader('allow', entry.allow)
      if (settings.requestIdHeader !== false) res.setHeader(settings.requestIdHeader, requestIdOf(req, settings))
      res.end()
      return
    }
    sendNodeAnswer(port, req, res, kept.answer, undefined, kept.head)
  }
}

/** The app whose routes a request is routed by, whose router the walk starts in. */
export type AppOf = (req: IncomingMessage) => unknown

/**
 * The methods routed at a request's path (`pathOf(req.url)`) in `app`, as
 * Express's router would match it; `*` for a route of every method
 * (`router.all()`). The set is shared: read it, never change it.
 *
 * @example
 * ```ts
 * methodsAt(req.app, '/widgets/1', []) // Set { 'GET', 'HEAD' }
 * ```
 */
export function methodsAt (app: unknown, path: string, docsPaths: readonly string[] = []): ReadonlySet<string> {
  const methods = routedMethods(readField(app, 'router'), path)
  if (!docsPaths.includes(path)) return methods
  return new Set([...methods, 'GET', 'HEAD'])
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
  const methods = methodsAt(app, pathOf(req.url as string))
  return methods.has('*') || methods.has(req.method as string)
}

// What each path of a router allows, remembered so that a 404 or 405 does
// not walk every layer again (see bench/NOTES.md). An entry keeps each
// stack its walk read (of routers and of routes) with its length then, and
// is used only while none has grown or shrunk: a route added later, to the
// app or to a router the path enters, is seen at once. A walk that met a
// sub-app not found yet is not kept. At most MAX_PATHS paths per router.
const MAX_PATHS = 1000
interface Walk { methods: Set<string>, stacks: unknown[][], lengths: number[], complete: boolean }
const walks = new WeakMap<object, Map<string, Walk>>()

function routedMethods (router: unknown, path: string): ReadonlySet<string> {
  let byPath = walks.get(router as object)
  const kept = byPath?.get(path)
  if (kept !== undefined && unchanged(kept)) return kept.methods
  const walk: Walk = { methods: new Set(), stacks: [], lengths: [], complete: true }
  collectMethods(router, path, walk, 0)
  if (!walk.complete) return walk.methods
  // A complete walk read the router's stack: the router is an object.
  if (byPath === undefined) {
    byPath = new Map()
    walks.set(router as object, byPath)
  } else if (byPath.size >= MAX_PATHS) byPath.clear()
  byPath.set(path, walk)
  return walk.methods
}

function unchanged (walk: Walk): boolean {
  for (let i = 0; i < walk.stacks.length; i++) if (walk.stacks[i].length !== walk.lengths[i]) return false
  return true
}

function readStack (owner: unknown, walk: Walk): unknown[] | undefined {
  const stack = readField(owner, 'stack')
  if (!Array.isArray(stack)) return undefined
  walk.stacks.push(stack)
  walk.lengths.push(stack.length)
  return stack
}

/**
 * Adds to the walk the methods the routes of `router` serve at `path`, in
 * upper case, and `*` for a route of `router.all()`. Mounted routers and
 * sub-apps are entered with the mount path trimmed, as the router trims it
 * (router 2.x `trimPrefix`); plain middleware holds no routes.
 */
function collectMethods (router: unknown, path: string, walk: Walk, depth: number): void {
  if (depth > MAX_ROUTER_DEPTH) return
  const stack = readStack(router, walk) as Array<{ match: (path: string) => unknown }> | undefined
  if (stack === undefined) {
    walk.complete = false
    return
  }
  for (const layer of stack) {
    // A parameter that does not decode made the router fail before this
    // middleware ran (a 400): every layer here matches as it did there.
    const match: unknown = layer.match(path)
    if (match === false) continue
    const route = readField(layer, 'route')
    if (route !== undefined) {
      // A route's methods are the handlers on its own stack.
      readStack(route, walk)
      addRouteMethods(route, walk.methods)
      continue
    }
    // A mounted router or sub-app: its layer's match is the mount path, which
    // ends at a path separator (path-to-regexp's prefix match).
    const inner = mountedRouter(layer)
    if (inner === undefined) {
      // router 2.x names a layer after its handle: a sub-app not found yet.
      if (readField(layer, 'name') === 'mounted_app') walk.complete = false
      continue
    }
    const rest = path.slice(String(readField(match, 'path')).length)
    collectMethods(inner, rest.startsWith('/') ? rest : '/' + rest, walk, depth + 1)
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
