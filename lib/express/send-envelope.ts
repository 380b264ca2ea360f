import type { IncomingMessage, ServerResponse } from 'node:http'
import { codeFor } from '../core/codes.js'
import type { NormalizedError } from '../core/envelope.js'
import { errorBody, varyAccept } from '../core/problem.js'
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
    res.statusCode = answer.status
    if (answer.headers !== undefined) {
      for (const name of Object.keys(answer.headers)) res.setHeader(name, answer.headers[name])
    }
    writeBody(req, res, id, answer, settings)
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
    res.statusCode = 500
    writeBody(req, res, id, answer, settings)
  } catch {
    req.socket?.destroy()
  }
}

function writeBody (req: IncomingMessage, res: ServerResponse, id: string, answer: NormalizedError, settings: ExpressSettings): void {
  const { contentType, body } = errorBody(answer, id, settings.format, req.headers.accept, settings.codeDocs)
  if (settings.requestIdHeader !== false) res.setHeader(settings.requestIdHeader, id)
  if (settings.format === 'negotiate') res.setHeader('vary', varyAccept(res.getHeader('vary')))
  res.setHeader('content-type', contentType)
  res.setHeader('content-length', Buffer.byteLength(body))
  res.end(req.method === 'HEAD' ? undefined : body)
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
