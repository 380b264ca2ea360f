import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, preParsingHookHandler, RouteShorthandOptions } from 'fastify'
import { noteFallbackAnswer, sendEnvelope } from './error-handler.js'
import type { Settings } from './options.js'
import { pathOf, STANDARD_METHODS } from '../core/unrouted.js'
import { pathAnswers, preparedUnrouted, type PathAnswers } from '../core/unrouted-answers.js'

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
    entry = pathAnswers(allowedMethods(fastify, probe, path).join(', '))
    if (path.length <= MAX_CACHED_PATH_LENGTH) {
      if (byPath.size >= MAX_CACHED_PATHS) byPath.delete(byPath.keys().next().value as string)
      byPath.set(path, entry)
    }
    return entry
  }

  // Answered before the body is read: the method or path is wrong whatever
  // the body holds, so a malformed or unparsable body of an unrouted request
  // still gets its 404, 405 or 501, and the connection stays open for the
  // next request (Node discards the unread body).
  const answerBeforeBody: preParsingHookHandler = function answerUnroutedBeforeBody (request, reply) {
    notFoundHandler(request, reply)
  }

  // Fastify gives the not-found context every lifecycle hook named in these
  // options, though its types list only two (fastify 5.12
  // lib/four-oh-four.js `_setNotFoundHandler`).
  fastify.setNotFoundHandler({ ...hooks, preParsing: answerBeforeBody } as RouteShorthandOptions, notFoundHandler)

  function notFoundHandler (request: FastifyRequest, reply: FastifyReply): void {
    noteFallbackAnswer(request)
    const method = request.method
    const path = pathOf(request.url)
    const entry = answersFor(path)
    const prepared = preparedUnrouted(entry, method, path, settings.notFound)
    if (prepared === undefined) {
      reply.code(204).header('allow', entry.allow)
      if (settings.requestIdHeader !== false) reply.header(settings.requestIdHeader, request.id)
      reply.send()
      return
    }
    sendEnvelope(request, reply, prepared.answer, undefined, settings, prepared.head)
  }
}

function allowedMethods (fastify: FastifyInstance, probe: readonly string[], url: string): string[] {
  const allowed: string[] = []
  for (const method of probe) {
    if (fastify.findRoute({ method: method as HTTPMethods, url }) !== null) allowed.push(method)
  }
  return allowed
}
