import type { IncomingMessage, ServerResponse } from 'node:http'
import { codeFor } from './codes.js'
import type { NormalizedError } from './envelope.js'
import type { ErrorResponse } from './error-response.js'
import { logErrorResponse, shouldLogErrorResponse, type LogLevels } from './log-line.js'
import { fromEntry } from './normalize.js'
import { beforeResponseDone } from './response-done.js'
import type { TraceIds } from './telemetry.js'

/**
 * Writes an error response whole onto Node's response: its status, its
 * headers onto those the response keeps (`Set-Cookie`, `Vary`, CORS), as
 * finalhandler writes its page, and its body, none to `HEAD`.
 *
 * @example
 * ```ts
 * writeErrorResponse(res, errorResponse(answer, id, settings, { accept: req.headers.accept }), req.method)
 * ```
 */
export function writeErrorResponse (res: ServerResponse, response: ErrorResponse, method: string | undefined): void {
  res.statusCode = response.status
  for (const name of Object.keys(response.headers)) res.setHeader(name, response.headers[name])
  res.end(method === 'HEAD' ? undefined : response.body)
}

/**
 * The fixed 500 envelope, for when building or writing an answer failed
 * (an `onSend` hook that throws, a header value Node refuses): every header
 * set so far is dropped, then the response `respond()` builds is written.
 * When even that fails, the connection is cut.
 *
 * @example
 * ```ts
 * writeLastResort(res, req.method, () => errorResponse(fromEntry(codeFor(500)), id, settings, { accept: req.headers.accept }))
 * ```
 */
export function writeLastResort (res: ServerResponse, method: string | undefined, respond: () => ErrorResponse): void {
  try {
    const response = respond()
    // With its head sent, removing a header throws: the connection is cut below.
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    writeErrorResponse(res, response, method)
  } catch {
    res.destroy()
  }
}

/**
 * Cuts the connection of a response whose head is already on the wire, as
 * finalhandler does: the client sees a truncated response rather than an
 * envelope glued into the middle of a body. `log` gets the 500 answer that
 * stands for it in the logs.
 *
 * @example
 * ```ts
 * if (res.headersSent) abortStartedResponse(req, res, (answer) => { logErrorResponse(log, settings, answer, thrown) })
 * ```
 */
export function abortStartedResponse (req: IncomingMessage, res: ServerResponse, log: (answer: NormalizedError) => void): void {
  log(fromEntry(codeFor(500), 'Response aborted after its headers were sent'))
  req.socket?.destroy()
  res.destroy()
}

interface PendingLine { log: unknown, answer: NormalizedError, thrown: unknown, trace: TraceIds | undefined }

// Kept beside the request rather than on it: a property added to some
// requests and not others would give the framework's request objects a
// second shape on the hot path.
const pendingLines = new WeakMap<object, PendingLine>()

/**
 * The one log line of an error response, written once the response is done
 * (or at once, when it already is), ahead of the framework's "request
 * completed" line. A second answer to the same request (the last resort,
 * after the first could not be sent) replaces the pending line rather than
 * adding one. Nothing is kept, and no listener added, for a level that is
 * off.
 *
 * @example
 * ```ts
 * logWhenDone(request, reply.raw, request.log, settings, answer, thrown, trace)
 * ```
 */
export function logWhenDone (request: object, res: ServerResponse, log: unknown, levels: LogLevels, answer: NormalizedError, thrown: unknown, trace: TraceIds | undefined): void {
  if (!shouldLogErrorResponse(log, levels, answer, thrown)) return
  const waiting = pendingLines.has(request)
  pendingLines.set(request, { log, answer, thrown, trace })
  if (waiting) return
  beforeResponseDone(res, function writeLogLine () {
    const line = pendingLines.get(request) as PendingLine
    pendingLines.delete(request)
    logErrorResponse(line.log, levels, line.answer, line.thrown, line.trace)
  })
}
