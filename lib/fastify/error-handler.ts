import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { createHeadCache } from '../core/head-cache.js'
import { fromEntry, normalizeError, type NormalizeSettings } from '../core/normalize.js'
import { dropSuccessHeaders } from '../core/success-headers.js'
import { errorResponse } from '../core/error-response.js'
import type { Settings } from './options.js'
import { isValidRequestId } from '../core/request-id.js'
import { explainSerializationFailure } from './response-schema.js'
import { collectRouteErrors } from './route-validation.js'
import { validatorOverflow } from './validator-overflow.js'
import { recognizeFastifyError } from './fastify-errors.js'
import { answerValidation } from '../core/validation.js'
import { mappedError, normalizerSettings } from '../core/options.js'
import { abortStartedResponse, logWhenDone, writeLastResort } from '../core/write-response.js'
import { reportFastifyAnswer } from './telemetry.js'

// Marks, in its config, each route that carries the route-level copy of the
// handler: for such a route, the root copy runs only when the route copy's
// answer failed. A mark per route costs nothing per request, where a record
// of each answered request cost a WeakSet entry on every error (about 0.2 µs
// with the garbage collector's share).
const kRouteCopy = Symbol('error-envelope.routeCopy')

// Requests with no route copy of the handler (the not-found fallback, routes
// added before the plugin) that the root copy or the fallback has answered
// once: the root copy is called again for them only when that answer failed,
// and Fastify's own handler, next in line, would answer in Fastify's shape
// with the hook's message. Kept only on those paths, never on a routed error.
const answeredAtRoot = new WeakSet<FastifyRequest>()

/**
 * Records that the not-found fallback answered this request, so that a
 * failure of that answer (an `onSend` hook that throws on errors) gets the
 * fixed 500 envelope rather than a second try.
 *
 * @example
 * ```ts
 * noteFallbackAnswer(request)
 * sendEnvelope(request, reply, answer, undefined, settings)
 * ```
 */
export function noteFallbackAnswer (request: FastifyRequest): void {
  answeredAtRoot.add(request)
}

/**
 * Installs the one error handler that answers every error with the envelope.
 *
 * Fastify tries the handlers of a route from the nearest to the root, and
 * after a failure in the error path (an `onSend` hook that throws on the
 * error answer) it calls the next one up: with only a root handler, that is
 * Fastify's own, which answers in Fastify's shape. So the handler is also set
 * on each route added later through `onRoute`, unless that route or its
 * plugin chose another: the route's copy answers first, and the root copy
 * answers a failure of that answer with a fixed 500 envelope written
 * straight to the socket.
 *
 * @example
 * ```ts
 * installErrorHandler(fastify, settings)
 * // throw new Error('db down') → 500 {"error":{"code":"internal_error",…}}
 * ```
 */
export function installErrorHandler (fastify: FastifyInstance, settings: Settings): FastifyInstance['errorHandler'] {
  const normalizeSettings = normalizeSettingsOf(settings)
  const headOf = createHeadCache()

  // `again`: the answer of the route copy failed, and this is the root copy.
  function answerError (error: FastifyError, request: FastifyRequest, reply: FastifyReply, again: boolean): void {
    try {
      if (reply.raw.headersSent) {
        abortStartedResponse(request.raw, reply.raw, function recordAborted (answer) { recordAnswer(request, reply, settings, answer, error) })
        return
      }
      if (again) {
        answerLastResort(error, request, reply, settings)
        return
      }
      const answer = validatorOverflow(error, request) ?? normalizeError(mappedError(settings, error, request), normalizeSettings, reply)
      // A problem-details body is never closed onto an envelope head.
      const head = settings.format === 'problem' ? undefined : headOf(answer)
      sendEnvelope(request, reply, answer, explainSerializationFailure(error, request, reply), settings, head)
    } catch (failure) {
      answerLastResort(failure, request, reply, settings)
    }
  }

  // Fastify calls the root copy first for requests whose route has no copy
  // (the not-found fallback, routes added before the plugin), and second,
  // after the route copy's answer failed, for the others.
  function errorEnvelopeHandler (this: FastifyInstance, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    if (hasRouteCopy(request)) {
      answerError(error, request, reply, true)
      return
    }
    const again = answeredAtRoot.has(request)
    if (!again) answeredAtRoot.add(request)
    answerError(error, request, reply, again)
  }

  function routeErrorEnvelopeHandler (this: FastifyInstance, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    answerError(error, request, reply, false)
  }

  fastify.setErrorHandler(errorEnvelopeHandler)
  const installed = fastify.errorHandler
  fastify.addHook('onRoute', function useEnvelopeHandler (this: FastifyInstance, route: RouteOptions) {
    if (route.errorHandler === undefined && this.errorHandler === installed) {
      route.errorHandler = routeErrorEnvelopeHandler
      route.config = { ...route.config, [kRouteCopy]: route } as RouteOptions['config']
    }
  })

  // The mark keeps the route's options, which Fastify hands to every later
  // onRoute hook: a hook that set another error handler after this one
  // leaves a mark that no longer holds.
  function hasRouteCopy (request: FastifyRequest): boolean {
    const config = request.routeOptions.config as unknown as Record<symbol, RouteOptions | undefined> | undefined
    return config?.[kRouteCopy]?.errorHandler === routeErrorEnvelopeHandler
  }

  // What `fastify.errorHandler` reads while this handler is the instance's
  // (Fastify keeps it bound): how a later replacement is recognised.
  return installed
}

// The normaliser's settings of each settings object, built once: every
// answer of the plugin's, and those of `serverOptions()`, use the same.
const normalizers = new WeakMap<Settings, NormalizeSettings>()

/**
 * The settings `normalizeError()` is called with for these options: the
 * adapter's errors recognised, schema failures answered with every field, a
 * status preset on the reply kept for a client error.
 *
 * @example
 * ```ts
 * normalizeError(error, normalizeSettingsOf(settings), reply)
 * ```
 */
export function normalizeSettingsOf (settings: Settings): NormalizeSettings {
  let normalizer = normalizers.get(settings)
  if (normalizer !== undefined) return normalizer
  normalizer = normalizerSettings(settings, {
    recognize: recognizeFastifyError,
    fromValidation: function fromValidation (error, reply) {
      const request = (reply as FastifyReply).request
      return answerValidation(error, settings.validation, collectRouteErrors(error, request, settings.validation.maxDetails))
    },
    // Fastify's own handler keeps a status the route set before it threw
    // (fastify 5.12 lib/error-handler.js `defaultErrorHandler`); so does this
    // one, for a client error only: a 5xx stays masked.
    presetStatus: function statusSetOnReply (reply) {
      return (reply as FastifyReply).statusCode
    }
  })
  normalizers.set(settings, normalizer)
  return normalizer
}

/**
 * Sends an answer as the envelope, with its headers, the request id header
 * and one log line. `head` is the answer's `envelopeHead()`, when the caller
 * keeps it for an answer it sends again and again.
 *
 * @example
 * ```ts
 * sendEnvelope(request, reply, normalizeError(notFound()), error, settings)
 * ```
 */
export function sendEnvelope (
  request: FastifyRequest,
  reply: FastifyReply,
  answer: NormalizedError,
  thrown: unknown,
  settings: Settings,
  head?: string
): void {
  recordAnswer(request, reply, settings, answer, thrown)
  const id = requestIdOf(request, settings)
  reply.code(answer.status)
  dropSuccessHeaders(reply)
  dropSuccessHeaders(reply.raw)
  const response = errorResponse(answer, id, settings, { accept: request.headers.accept, vary: reply.getHeader('vary'), head })
  reply.headers(response.headers)
  reply.send(response.body)
}

// The telemetry of an answer, and its log line, written once the response is done.
function recordAnswer (request: FastifyRequest, reply: FastifyReply, settings: Settings, answer: NormalizedError, thrown: unknown): void {
  logWhenDone(request, reply.raw, request.log, settings, answer, thrown, reportFastifyAnswer(request, settings, answer, thrown))
}

// The id the request got, or a new one by the settings' rule when a child
// plugin's generator broke the pattern.
function requestIdOf (request: FastifyRequest, settings: Settings): string {
  return isValidRequestId(request.id) ? request.id : settings.newRequestId()
}

// The error path itself failed: answer a fixed 500 envelope straight to the
// socket, past the hooks that failed, as Fastify's fallback handler does.
function answerLastResort (error: unknown, request: FastifyRequest, reply: FastifyReply, settings: Settings): void {
  const answer = fromEntry(codeFor(500))
  recordAnswer(request, reply, settings, answer, error)
  // The client is gone: there is nobody left to answer.
  if (reply.raw.destroyed) return
  reply.hijack()
  writeLastResort(reply.raw, request.method, function lastResort () {
    return errorResponse(answer, requestIdOf(request, settings), settings, { accept: request.headers.accept })
  })
}
