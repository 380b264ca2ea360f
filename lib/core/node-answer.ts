import type { IncomingMessage, ServerResponse } from 'node:http'
import { codeFor } from './codes.js'
import type { NormalizedError } from './envelope.js'
import { errorResponse } from './error-response.js'
import { fromEntry } from './normalize.js'
import type { CommonSettings } from './options.js'
import { dropSuccessHeaders } from './success-headers.js'
import { abortStartedResponse, writeErrorResponse, writeLastResort } from './write-response.js'

/**
 * What an adapter that answers on Node's own response (Express, Koa, a bare
 * `http` server) tells the core: its settings, what a thrown value answers
 * (`normalizeError()` with its framework's errors recognised and the status
 * preset on its response), how it gives a request its id, and how it
 * records an answer (telemetry, then `logWhenDone()`). Build it once, when
 * the adapter's options are read.
 *
 * @example
 * ```ts
 * const port: NodeAnswerPort = {
 *   settings,
 *   answerOf: (thrown, req, res) => normalizeError(mappedError(settings, thrown, req), normalizeSettings, res),
 *   requestIdOf: (req) => idOf(req),
 *   record: (req, res, answer, thrown) => { logWhenDone(req, res, logger, settings, answer, thrown, undefined) }
 * }
 * ```
 */
export interface NodeAnswerPort {
  /** The adapter's settings, as `normalizeCommonOptions()` gives them. */
  settings: CommonSettings
  /** The answer to a thrown value: `normalizeError()` with the adapter's `recognize` and `presetStatus`, after `mapError`. */
  answerOf: (thrown: unknown, req: IncomingMessage, res: ServerResponse) => NormalizedError
  /** The request's id, by the adapter's rule: given once and kept. */
  requestIdOf: (req: IncomingMessage) => string
  /** Records an answer: its telemetry and its one log line. */
  record: (req: IncomingMessage, res: ServerResponse, answer: NormalizedError, thrown: unknown) => void
}

/**
 * Sends an answer on Node's response: recorded, the success headers
 * dropped, then `errorResponse()` written by `writeErrorResponse()`. When
 * building or writing it fails, the fixed 500 goes out instead
 * (`sendLastResort()`), recorded too: its log line replaces the pending one
 * (`logWhenDone()`), and telemetry sees both. `head` is the answer's
 * `envelopeHead()`, when the adapter keeps it for an answer it sends again
 * and again.
 *
 * @example
 * ```ts
 * sendNodeAnswer(port, req, res, port.answerOf(thrown, req, res), thrown)
 * ```
 */
export function sendNodeAnswer (port: NodeAnswerPort, req: IncomingMessage, res: ServerResponse, answer: NormalizedError, thrown: unknown, head?: string): void {
  try {
    const id = port.requestIdOf(req)
    port.record(req, res, answer, thrown)
    dropSuccessHeaders(res)
    writeErrorResponse(res, errorResponse(answer, id, port.settings, { accept: req.headers.accept, vary: res.getHeader('vary'), head }), req.method)
  } catch (failure) {
    sendLastResort(port, req, res, failure)
  }
}

/**
 * The fixed 500 envelope, recorded in place of the answer that could not
 * be built or written (`writeLastResort()`).
 *
 * @example
 * ```ts
 * sendLastResort(port, req, res, failure)
 * ```
 */
export function sendLastResort (port: NodeAnswerPort, req: IncomingMessage, res: ServerResponse, failure: unknown): void {
  writeLastResort(res, req.method, function lastResort () {
    const answer = fromEntry(codeFor(500))
    port.record(req, res, answer, failure)
    return errorResponse(answer, port.requestIdOf(req), port.settings, { accept: req.headers.accept })
  })
}

/**
 * Answers what a request's handling threw, as finalhandler does: a
 * response whose head is already sent is cut (`abortStartedResponse()`), a
 * client that is gone gets nothing written, and any other gets the answer
 * of `port.answerOf()` by `sendNodeAnswer()`. Each is recorded. Nothing here
 * throws as long as the port's `answerOf` and `record` do not: write them so
 * (`normalizeError()` never throws; guard a logger's `child()`).
 *
 * @example
 * ```ts
 * app.use(function errorHandler (err, req, res, next) { answerNodeError(port, req, res, err) })
 * ```
 */
export function answerNodeError (port: NodeAnswerPort, req: IncomingMessage, res: ServerResponse, thrown: unknown): void {
  if (res.headersSent) {
    abortStartedResponse(req, res, function recordAborted (aborted) { port.record(req, res, aborted, thrown) })
    return
  }
  const answer = port.answerOf(thrown, req, res)
  if (isClientGone(req, res)) {
    port.record(req, res, answer, thrown)
    return
  }
  sendNodeAnswer(port, req, res, answer, thrown)
}

// The connection is gone. Not `req.destroyed`: a request whose body was read
// to its end is destroyed too (readable streams destroy themselves once
// ended), while its client still waits for the answer.
function isClientGone (req: IncomingMessage, res: ServerResponse): boolean {
  return res.destroyed || req.socket?.destroyed === true
}
