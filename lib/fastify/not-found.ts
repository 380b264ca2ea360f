import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, RouteShorthandOptions } from 'fastify'
import { codeFor } from '../core/codes.js'
import { envelopeHead, type NormalizedError } from '../core/envelope.js'
import { noteFallbackAnswer, sendEnvelope } from './error-handler.js'
import { flatString } from '../core/flat-string.js'
import { fromEntry } from '../core/normalize.js'
import type { Settings } from './options.js'

/**
 * The methods whose use on a routed path answers 405 rather than 501
 * (RFC 9110 section 9 minus CONNECT and TRACE, which an API does not serve).
 *
 * @example
 * ```ts
 * import { STANDARD_METHODS } from 'error-envelope'
 * STANDARD_METHODS.includes('PATCH') // true
 * ```
 */
export const STANDARD_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

const STANDARD = new Set(STANDARD_METHODS)
const MAX_PATH_IN_MESSAGE = 256
// The routes are fixed once the server is ready, so the methods a path is
// routed for never change: the answer is kept for the paths asked most
// recently (scanners and health checks ask the same ones again and again).
// Bounded in count and key length, so that distinct or huge URLs cannot
// grow it.
const MAX_CACHED_PATHS = 1000
const MAX_CACHED_PATH_LENGTH = 256

/**
 * Installs the fallback for requests no route handles:
 * - a path routed for other methods answers 405 with `Allow` (HEAD is routed
 *   wherever GET is, as Fastify adds it), or 204 with `Allow` for `OPTIONS`;
 * - a method outside `STANDARD_METHODS` that no route handles answers 501;
 * - anything else answers 404 `No route for GET /x`.
 *
 * The methods to probe are the standard ones and those Fastify was taught
 * with `addHttpMethod`; each probe is one lookup in Fastify's own router
 * (`findRoute`), so parametric and wildcard routes, prefixes and the router's
 * options (trailing slashes, case) count exactly as for routing.
 *
 * @example
 * ```ts
 * installNotFound(fastify, settings)
 * // DELETE /widgets/1 where only GET is routed → 405, Allow: GET, HEAD
 * ```
 */
export function installNotFound (fastify: FastifyInstance, settings: Settings, hooks: RouteShorthandOptions = {}): void {
  let probe: readonly string[] = STANDARD_METHODS

  // Read when the server is ready, when every `addHttpMethod` call is made:
  // routes added before the plugin count too, which an `onRoute` hook
  // would miss.
  fastify.addHook('onReady', function collectMethods (done) {
    probe = [...new Set([...STANDARD_METHODS, ...fastify.supportedMethods])]
    done()
  })

  // Per path: its `Allow` value ('' for a path no method is routed for) and
  // the 404 or 405 answer of each standard method asked for it, built and
  // serialized up to its request id once.
  const byPath = new Map<string, PathAnswers>()
  function answersFor (path: string): PathAnswers {
    let entry = byPath.get(path)
    if (entry !== undefined) return entry
    entry = { allow: allowedMethods(fastify, probe, path).join(', '), byMethod: new Map() }
    if (path.length <= MAX_CACHED_PATH_LENGTH) {
      if (byPath.size >= MAX_CACHED_PATHS) byPath.delete(byPath.keys().next().value as string)
      byPath.set(path, entry)
    }
    return entry
  }

  fastify.setNotFoundHandler(hooks, function notFoundHandler (request: FastifyRequest, reply: FastifyReply) {
    noteFallbackAnswer(request)
    const method = request.method
    const path = pathOf(request.url)
    const entry = answersFor(path)
    if (entry.allow !== '' && method === 'OPTIONS' && !routedFor(entry.allow, method)) {
      reply.code(204).header('allow', entry.allow)
      if (settings.requestIdHeader !== false) reply.header(settings.requestIdHeader, request.id)
      reply.send()
      return
    }
    let prepared = entry.byMethod.get(method)
    if (prepared === undefined) {
      const standard = STANDARD.has(method)
      if (!standard && !routedFor(entry.allow, method)) {
        sendEnvelope(request, reply, fromEntry(codeFor(501), `Method ${method} is not implemented`), undefined, settings)
        return
      }
      const answer = unroutedAnswer(method, path, entry.allow)
      prepared = { answer, head: flatString(envelopeHead(answer)) }
      // Only the standard methods are kept: any token is a method.
      if (standard) entry.byMethod.set(method, prepared)
    }
    sendEnvelope(request, reply, prepared.answer, undefined, settings, prepared.head)
  })
}

interface PathAnswers {
  allow: string
  byMethod: Map<string, PreparedAnswer>
}

// Shared by every request that gets it: read, never changed.
interface PreparedAnswer {
  answer: NormalizedError
  head: string
}

// The 404 or 405 answer of a standard method at the path. A request whose
// own method is routed there reached this handler on purpose, through
// `reply.callNotFound()`: that means 404, never 405 naming that method.
function unroutedAnswer (method: string, path: string, allow: string): NormalizedError {
  if (allow === '' || routedFor(allow, method)) return fromEntry(codeFor(404), `No route for ${method} ${describePath(path)}`)
  const answer = fromEntry(codeFor(405), `Method ${method} is not allowed for ${describePath(path)}`)
  answer.headers = { allow }
  return answer
}

// Whether `method` is one of those an `Allow` value lists.
function routedFor (allow: string, method: string): boolean {
  return (', ' + allow + ', ').includes(', ' + method + ', ')
}

function allowedMethods (fastify: FastifyInstance, probe: readonly string[], url: string): string[] {
  const allowed: string[] = []
  for (const method of probe) {
    if (fastify.findRoute({ method: method as HTTPMethods, url }) !== null) allowed.push(method)
  }
  return allowed
}

// The path only: a query string may carry tokens, and it is not part of
// what was not found (nor of what the router matches).
function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

// Capped, so that a 9,000-character URL stays readable.
function describePath (path: string): string {
  return path.length > MAX_PATH_IN_MESSAGE ? path.slice(0, MAX_PATH_IN_MESSAGE) + '…' : path
}
