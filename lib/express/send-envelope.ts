import type { IncomingMessage, ServerResponse } from 'node:http'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { errorResponse } from '../core/error-response.js'
import { fromEntry } from '../core/normalize.js'
import { dropSuccessHeaders } from '../core/success-headers.js'
import { isLogger } from './logger.js'
import type { ExpressSettings } from './options.js'
import { requestIdOf } from './request-id.js'
import type { EnvelopeRequest } from './types.js'
import { logWhenDone, writeErrorResponse, writeLastResort } from '../core/write-response.js'
import { reportExpressAnswer } from './telemetry.js'

/**
 * Sends an answer as the envelope: its status and headers, the request id in
 * the header and the body, and one log line when the response is done. If
 * writing it fails, the fixed 500 envelope goes out instead. `head` is the
 * answer's `envelopeHead()`, when the caller keeps it for an answer it sends
 * again and again.
 *
 * @example
 * ```ts
 * sendEnvelope(req, res, normalizeError(notFound()), thrown, settings)
 * ```
 */
export function sendEnvelope (req: IncomingMessage, res: ServerResponse, answer: NormalizedError, thrown: unknown, settings: ExpressSettings, head?: string): void {
  try {
    const id = requestIdOf(req, settings)
    recordAnswer(req, res, settings, answer, thrown)
    dropSuccessHeaders(res)
    writeErrorResponse(res, errorResponse(answer, id, settings, { accept: req.headers.accept, vary: res.getHeader('vary'), head }), req.method)
  } catch (failure) {
    answerLastResort(failure, req, res, settings)
  }
}

/**
 * The fixed 500 envelope, for when building or writing the answer failed.
 *
 * @example
 * ```ts
 * answerLastResort(failure, req, res, settings)
 * ```
 */
export function answerLastResort (failure: unknown, req: IncomingMessage, res: ServerResponse, settings: ExpressSettings): void {
  writeLastResort(res, req.method, function lastResort () {
    const answer = fromEntry(codeFor(500))
    recordAnswer(req, res, settings, answer, failure)
    return errorResponse(answer, requestIdOf(req, settings), settings, { accept: req.headers.accept })
  })
}

/**
 * The log line and the telemetry of an answer: the line is written once the
 * response is done (`logWhenDone()`), and only when logging is on.
 *
 * @example
 * ```ts
 * recordAnswer(req, res, settings, answer, thrown)
 * ```
 */
export function recordAnswer (req: IncomingMessage, res: ServerResponse, settings: ExpressSettings, answer: NormalizedError, thrown: unknown): void {
  const trace = reportExpressAnswer(req, settings, answer, thrown)
  if (settings.logs) logWhenDone(req, res, loggerOf(req, settings), settings, answer, thrown, trace)
}

/**
 * The logger of a request's lines: its `req.log`, or, for a request that
 * never passed `beforeRoutes()`, a child of the adapter's logger with its id.
 *
 * @example
 * ```ts
 * logErrorResponse(loggerOf(req, settings), settings, answer, thrown)
 * ```
 */
export function loggerOf (req: IncomingMessage, settings: ExpressSettings): unknown {
  const own = (req as EnvelopeRequest).log
  return isLogger(own) ? own : settings.logger.child({ request_id: requestIdOf(req, settings) })
}
