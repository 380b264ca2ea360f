import type { FastifyInstance } from 'fastify'
import { MisuseError } from '../core/misuse.js'
import { safeLog } from '../core/safe-log.js'

const kRegistered = Symbol.for('error-envelope.registered')

/**
 * Refuses a second registration on the same server (or in a child of a
 * server that has it): the second one would replace the first's error and
 * not-found handlers and fail on Fastify's "Not found handler already set".
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope)
 * await app.register(errorEnvelope) // MisuseError ERR_ENVELOPE_REGISTERED_TWICE: error-envelope is registered twice on this server; ...
 * ```
 */
export function refuseSecondRegistration (fastify: FastifyInstance): void {
  const instance = fastify as FastifyInstance & { [kRegistered]?: true }
  if (instance[kRegistered] === true) {
    throw new MisuseError('ERR_ENVELOPE_REGISTERED_TWICE', 'error-envelope is registered twice on this server; register it once, at the root, before the routes')
  }
  instance[kRegistered] = true
}

/**
 * Warns once, when the server is ready, if the envelope's error handler was
 * replaced on the same instance by a later `setErrorHandler()` (Fastify only
 * says FSTWRN004): that handler's errors leave in its own shape.
 *
 * @example
 * ```ts
 * warnReplacedErrorHandler(fastify, installed)
 * // warn: error-envelope's error handler was replaced by a later setErrorHandler() ...
 * ```
 */
export function warnReplacedErrorHandler (fastify: FastifyInstance, installed: unknown): void {
  fastify.addHook('onReady', function checkErrorHandler (done) {
    if (fastify.errorHandler !== installed) {
      safeLog(fastify.log, 'warn', {}, 'error-envelope\'s error handler was replaced by a later setErrorHandler() on the same instance, so errors leave in that handler\'s shape: remove that call, or make it in a child plugin (app.register(async (child) => { child.setErrorHandler(...) })) for the routes that need it')
    }
    done()
  })
}

/**
 * Warns once, when the server is ready, naming the routes that were added
 * before the plugin: Fastify fixed their error handler before the plugin
 * loaded, so their errors leave in Fastify's own shape (a 5xx with its real
 * message). It also names the routes added right after a `register()` that
 * was not awaited, which reach the router before the plugin loads: they
 * answer with the envelope, but the plugin's route hooks never see them
 * (no rate limit, no error responses in the OpenAPI document).
 *
 * @example
 * ```ts
 * app.get('/early', handler)
 * await app.register(errorEnvelope)
 * await app.ready()
 * // warn: error-envelope was registered after these routes were added, ...: GET /early. ...
 * ```
 */
export function warnRoutesBeforePlugin (fastify: FastifyInstance): void {
  const early = routesOf(fastify.printRoutes()).filter((route) => route.startsWith(`${fastify.prefix}/`) || fastify.prefix === '')
  if (early.length === 0) return
  const shown = early.length > MAX_NAMED ? [...early.slice(0, MAX_NAMED), `and ${early.length - MAX_NAMED} more`] : early
  fastify.addHook('onReady', function warnEarlyRoutes (done) {
    safeLog(fastify.log, 'warn', {}, `error-envelope was registered after these routes were added, so it cannot answer for them in full: ${shown.join(', ')}. ${EARLY_ROUTES_MISS} Register the plugin before the routes, and await it: await app.register(errorEnvelope)`)
    done()
  })
}

const MAX_NAMED = 20

// What such a route misses. Fastify fixes a route's error handler once the
// plugins registered before it have loaded (fastify 5.12 lib/route.js, in
// `this.after()`), and runs `onRoute` hooks when the route is added: a route
// added before the plugin keeps Fastify's handler; one added right after a
// register() that was not awaited gets the envelope's handler, but the
// plugin's `onRoute` hooks (rate limit, config.errors for OpenAPI) never see it.
const EARLY_ROUTES_MISS = 'A route added before the plugin loaded answers its errors in Fastify\'s shape, with a 5xx\'s real message; one added after a register() that was not awaited answers with the envelope, but no rate limit counts its requests and the OpenAPI document lists none of its error responses.'

/**
 * The routes of Fastify's `printRoutes()` tree, as `METHOD /path`: each
 * line is one node of the radix tree, indented four characters a level, its
 * methods in brackets; a node's path is its ancestors' segments joined. The
 * HEAD twin of a GET is left out.
 *
 * @example
 * ```ts
 * routesOf('└── / (GET, HEAD)\n    └── widgets (POST)\n')
 * // ['GET /', 'POST /widgets']
 * ```
 */
export function routesOf (tree: string): string[] {
  const routes: string[] = []
  const segments: string[] = []
  for (const line of tree.split('\n')) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z][A-Z, -]*)\))?(?: \{.*\})?$/u.exec(line)
    if (node === null) continue
    const depth = node[1].length / 4
    segments.length = depth
    segments.push(node[2])
    if (node[3] === undefined) continue
    const methods = node[3].split(', ')
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue
      routes.push(`${method} ${segments.join('')}`)
    }
  }
  return routes
}
