import type { IncomingMessage, ServerResponse } from 'node:http'
import { normalizeError, type NormalizeSettings } from '../core/normalize.js'
import { mappedError } from '../core/options.js'
import { readField } from '../core/safe-read.js'
import { isBodyFailure, recognizeExpressError } from './express-errors.js'
import { isRoutedRequest, type AppOf } from './not-found.js'
import type { ExpressSettings } from './options.js'
import { abortStartedResponse } from '../core/write-response.js'
import { recordAnswer, sendEnvelope } from './send-envelope.js'
import type { ErrorMiddleware, Middleware } from './types.js'

/**
 * The error-handling middleware that answers every error with the envelope,
 * in place of finalhandler's HTML page: whatever a handler or middleware
 * threw, rejected or passed to `next(err)`, from the app or a router mounted
 * at any depth. Modelled on finalhandler 2.x: a response whose headers are
 * already sent is cut (`req.socket.destroy()`), and a client that is gone
 * (body-parser's `request.aborted`) gets nothing written, each logged once.
 * A body that could not be read, on a request that no route of `appOf(req)`
 * serves, is handed to `notFound`.
 *
 * @example
 * ```ts
 * app.use(envelope.errorHandler())
 * // throw new Error('db down') → 500 {"error":{"code":"internal_error",…}}
 * ```
 */
export function errorHandlerMiddleware (settings: ExpressSettings, appOf: AppOf, notFound?: Middleware): ErrorMiddleware {
  const normalizeSettings: NormalizeSettings = {
    exposeServerErrors: settings.exposeServerErrors,
    errorHeaders: settings.errorHeaders,
    validationStatus: settings.validation.status,
    recognize: recognizeExpressError,
    // A status set before the error, as `res.status(400); throw new Error('Title too long')`.
    presetStatus: function statusSetOnResponse (res) {
      return (res as ServerResponse).statusCode
    }
  }
  // Nothing here throws: normalizeError() never does, and sendEnvelope()
  // answers its own failure with the fixed 500 envelope.
  return function envelopeErrorHandler (error, req, res, _next) {
    if (res.headersSent) {
      abortStartedResponse(req, res, function recordAborted (answer) { recordAnswer(req, res, settings, answer, error) })
      return
    }
    // A body that could not be read, sent with a method or to a path no
    // route serves: the method or the path is wrong whatever the body held.
    if (notFound !== undefined && isBodyFailure(error) && !isRoutedRequest(appOf(req), req)) {
      notFound(req, res, _next)
      return
    }
    const answer = normalizeError(mappedError(settings, error, req), normalizeSettings, res)
    if (readField(error, 'type') === 'request.aborted' || isClientGone(req, res)) {
      // Nobody is left to read an answer.
      recordAnswer(req, res, settings, answer, error)
      return
    }
    sendEnvelope(req, res, answer, error, settings)
  }
}

// The connection is gone. Not `req.destroyed`: a request whose body was read
// to its end is destroyed too (readable streams destroy themselves once
// ended), while its client still waits for the answer.
function isClientGone (req: IncomingMessage, res: ServerResponse): boolean {
  return res.destroyed || req.socket?.destroyed === true
}
