import type { IncomingMessage, ServerResponse } from 'node:http'
import { readField } from '../core/safe-read.js'

// Routers and sub-apps nest no deeper than this in any app a person writes.
const MAX_DEPTH = 16

// The sub-app behind each layer of `app.use(prefix, subApp)`, once found.
const subApps = new WeakMap<object, object>()
// The layers of `app.use(prefix, subApp)` already watched: each is, once.
const watched = new WeakSet<object>()
// The app in whose routers each app run as a router's middleware was found.
const hosts = new WeakMap<object, unknown>()

type Handle = (this: unknown, req: IncomingMessage, res: ServerResponse, next: unknown) => unknown

/**
 * The router a layer of Express's router leads into, for a walk of the
 * routes that enters it with the mount path trimmed, as the router trims it;
 * undefined for middleware that holds no routes:
 * - a router mounted with `app.use(prefix, router)` or `router.use(prefix, router)`: itself;
 * - an Express app that is itself the layer's handle (`router.use(prefix, subApp)`): its router;
 * - an app mounted with `app.use(prefix, subApp)`: the sub-app's router, once
 *   found (see `watchSubApps()`).
 *
 * @example
 * ```ts
 * const router = express.Router()
 * app.use('/admin', router)
 * mountedRouter(app.router.stack.at(-1)) === router // true
 * ```
 */
export function mountedRouter (layer: unknown): unknown {
  const handle = readField(layer, 'handle')
  if (Array.isArray(readField(handle, 'stack'))) return handle
  if (isExpressApp(handle)) return readField(handle, 'router')
  const app = subApps.get(layer as object)
  return app === undefined ? undefined : readField(app, 'router')
}

/**
 * Watches each layer of `app.use(prefix, subApp)` in an app's router, in
 * routers and sub-apps mounted in it too, so that the first request that
 * enters the layer finds its sub-app for `mountedRouter()`; and notes, for
 * `routedIn()`, the app in whose routers each app run as a router's
 * middleware is.
 *
 * Express 5's `app.use(prefix, subApp)` (lib/application.js) mounts a
 * closure named `mounted_app` that keeps the sub-app only in its scope:
 * neither the layer, the closure nor the parent app leads to it. The closure
 * calls `subApp.handle(req, res, done)`, and `app.handle` sets the
 * response's prototype to `subApp.response`, whose own `app` is the
 * sub-app, then reads `res.locals` before its router sees the request.
 * So the layer's handle is replaced by a wrapper that puts it back at the
 * first request (later requests cost nothing) and, for the one call it
 * makes, turns the response's `locals` into an accessor: the read of `app.handle` records
 * the app of the response's new prototype when it is an Express app whose
 * `parent` is the app that mounted it, and turns `locals` back into the
 * plain property it was, holding whatever was written to it meanwhile; the
 * wrapper does that too when no read came. A sub-app found has its own
 * mounts watched before its router runs, so nested sub-apps are found by
 * the same request.
 *
 * A call of the closure on stand-in objects, which would find every sub-app
 * without waiting for a request, is not made: it would run the sub-app's
 * `handle`, which instrumentation may have replaced, on objects that are
 * not a request, and a replaced handle that defers its work would run on
 * them later. Waiting has one cost: until a request has entered a sub-app,
 * its paths answer as if it held no routes (a body the parent's parser
 * rejects answers 404 or 405; a route's own rate limit counts globally too).
 *
 * @example
 * ```ts
 * watchSubApps(req.app) // at the first request
 * ```
 */
export function watchSubApps (app: unknown): void {
  watchRouter(readField(app, 'router'), app, 0)
}

/**
 * The app a request is routed in at the level of the middleware of `root`,
 * the app an envelope is mounted in, given `req.app`: Express 5 leaves
 * `req.app` naming an app that a router ran as middleware
 * (`router.use(prefix, subApp)`) once the request falls out of it (only
 * `app.use()` puts it back), so the apps that ran it, as `watchSubApps()`
 * found them, are followed up to `root`.
 *
 * @example
 * ```ts
 * router.use('/shop', shop)
 * app.use('/api', router)
 * routedIn(shop, app) // app, once watchSubApps(app) has run
 * ```
 */
export function routedIn (app: unknown, root: unknown): unknown {
  let current = app
  for (let depth = 0; depth < MAX_DEPTH && current !== root && hosts.has(current as object); depth++) current = hosts.get(current as object)
  return current
}

function watchRouter (router: unknown, owner: unknown, depth: number): void {
  const stack = readField(router, 'stack')
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return
  for (const layer of stack) {
    if (readField(layer, 'route') !== undefined) continue
    const handle = readField(layer, 'handle')
    // router 2.x lib/layer.js names a layer after its handle when it is made.
    if (readField(layer, 'name') === 'mounted_app' && typeof handle === 'function') watchMount(layer, handle as Handle, owner)
    else if (Array.isArray(readField(handle, 'stack'))) watchRouter(handle, owner, depth + 1)
    else {
      // An app run as middleware, as `req.app` will name it: the app of the
      // request prototype it gives, since the handle may be
      // instrumentation's wrapper of the app.
      const app = readField(readField(handle, 'request'), 'app')
      if (!isExpressApp(app)) continue
      hosts.set(app as object, owner)
      watchRouter(readField(app, 'router'), app, depth + 1)
    }
  }
}

function watchMount (layer: { handle: unknown }, handle: Handle, owner: unknown): void {
  if (watched.has(layer)) return
  watched.add(layer)
  const findSubApp = function envelopeFindSubApp (this: unknown, req: IncomingMessage, res: ServerResponse, next: unknown): unknown {
    const own = Object.getOwnPropertyDescriptor(res, 'locals')
    // The parent's app.handle made it a plain property: anything else is
    // left alone, and the next request watched.
    if (own === undefined || !('value' in own) || own.configurable !== true) return handle.call(this, req, res, next)
    if (layer.handle === findSubApp) layer.handle = handle
    let locals: unknown = own.value
    let armed = true
    const disarm = (): void => {
      if (!armed) return
      armed = false
      Object.defineProperty(res, 'locals', { ...own, value: locals })
    }
    Object.defineProperty(res, 'locals', {
      configurable: true,
      enumerable: own.enumerable,
      get: function readLocals (this: object) {
        const app = readField(Object.getPrototypeOf(this), 'app')
        if (isExpressApp(app) && readField(app, 'parent') === owner) {
          disarm()
          subApps.set(layer, app as object)
          watchRouter(readField(app, 'router'), app, 0)
        }
        return locals
      },
      set: function writeLocals (value: unknown) { locals = value }
    })
    try {
      return handle.call(this, req, res, next)
    } finally {
      disarm()
    }
  }
  layer.handle = findSubApp
}

// As Express 5's app.use() tells an app from middleware (lib/application.js).
function isExpressApp (value: unknown): boolean {
  return typeof value === 'function' && typeof readField(value, 'handle') === 'function' && typeof readField(value, 'set') === 'function'
}
