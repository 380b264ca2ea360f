import { answerNodeError } from '../core/node-answer.js'
import { readField } from '../core/safe-read.js'
import { isBodyFailure } from './express-errors.js'
import { isRoutedRequest, type AppOf } from './not-found.js'
import type { ExpressSettings } from './options.js'
import { expressPort } from './send-envelope.js'
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
  const port = expressPort(settings)
  // Nothing here throws: answerNodeError() answers its own failure with the
  // fixed 500 envelope.
  return function envelopeErrorHandler (error, req, res, _next) {
    if (!res.headersSent) {
      // A body that could not be read, sent with a method or to a path no
      // route serves: the method or the path is wrong whatever the body held.
      if (notFound !== undefined && isBodyFailure(error) && !isRoutedRequest(appOf(req), req)) {
        notFound(req, res, _next)
        return
      }
      // body-parser's: the client left while its body was read.
      if (readField(error, 'type') === 'request.aborted') {
        port.record(req, res, port.answerOf(error, req, res), error)
        return
      }
    }
    answerNodeError(port, req, res, error)
  }
}
