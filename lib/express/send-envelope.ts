import type { IncomingMessage, ServerResponse } from 'node:http'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { errorResponse, type ErrorResponse } from '../core/error-response.js'
import { beforeResponseDone } from '../core/response-done.js'
import { logErrorResponse, shouldLogErrorResponse } from '../core/log-line.js'
import { fromEntry } from '../core/normalize.js'
import { dropSuccessHeaders } from '../core/success-headers.js'
import { isLogger } from './logger.js'
import type { ExpressSettings } from './options.js'
import { requestIdOf } from './request-id.js'
import type { EnvelopeRequest } from './types.js'
import type { TraceIds } from '../core/telemetry.js'
import { reportExpressAnswer } from './telemetry.js'

/**
 * Sends an answer as the envelope: its status and headers, the request id in
 * the header and the body, and one log line when the response is done. If
 * writing it fails, the fixed 500 envelope goes out instead.
 *
 * @example
 * ```ts
 * sendEnvelope(req, res, normalizeError(notFound()), thrown, settings)
 * ```
 */
export function sendEnvelope (req: IncomingMessage, res: ServerResponse, answer: NormalizedError, thrown: unknown, settings: ExpressSettings): void {
  try {
    const id = requestIdOf(req, settings)
    logWhenDone(req, res, settings, answer, thrown, reportExpressAnswer(req, settings, answer, thrown))
    dropSuccessHeaders(res)
    writeResponse(req, res, errorResponse(answer, id, settings, { accept: req.headers.accept, vary: res.getHeader('vary') }))
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
  try {
    const answer = fromEntry(codeFor(500))
    logWhenDone(req, res, settings, answer, failure, reportExpressAnswer(req, settings, answer, failure))
    // With its head sent, removing a header throws: the socket is cut below.
    const id = requestIdOf(req, settings)
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    writeResponse(req, res, errorResponse(answer, id, settings, { accept: req.headers.accept }))
  } catch {
    req.socket?.destroy()
  }
}

// Onto the headers the response keeps (Set-Cookie, Vary, CORS), as
// finalhandler writes its page.
function writeResponse (req: IncomingMessage, res: ServerResponse, response: ErrorResponse): void {
  res.statusCode = response.status
  for (const name of Object.keys(response.headers)) res.setHeader(name, response.headers[name])
  res.end(req.method === 'HEAD' ? undefined : response.body)
}

// One line per error response, written once the response is done; a second
// answer to the same request (the last resort) replaces the pending line.
const pendingLines = new WeakMap<IncomingMessage, { answer: NormalizedError, thrown: unknown, trace: TraceIds | undefined }>()

function logWhenDone (req: IncomingMessage, res: ServerResponse, settings: ExpressSettings, answer: NormalizedError, thrown: unknown, trace: TraceIds | undefined): void {
  if (!settings.logs) return
  const log = loggerOf(req, settings)
  if (!shouldLogErrorResponse(log, settings, answer, thrown)) return
  const waiting = pendingLines.has(req)
  pendingLines.set(req, { answer, thrown, trace })
  if (waiting) return
  function writeLogLine (): void {
    const line = pendingLines.get(req)
    pendingLines.delete(req)
    if (line !== undefined) logErrorResponse(log, settings, line.answer, line.thrown, line.trace)
  }
  // Called once the response is done, or at once if it already is, ahead of
  // pino-http's "request completed" line.
  beforeResponseDone(res, writeLogLine)
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
