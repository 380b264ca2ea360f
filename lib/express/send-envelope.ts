import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NormalizedError } from '../core/envelope.js'
import type { NodeAnswerPort } from '../core/node-answer.js'
import { normalizeError } from '../core/normalize.js'
import { mappedError, normalizerSettings } from '../core/options.js'
import { logWhenDone } from '../core/write-response.js'
import { recognizeExpressError } from './express-errors.js'
import { isLogger } from '../core/logger.js'
import type { ExpressSettings } from './options.js'
import { requestIdOf } from './request-id.js'
import { reportExpressAnswer } from './telemetry.js'
import type { EnvelopeRequest } from './types.js'

// The port of each settings object, built on first use: the error handler
// (and through it the answer while the server closes) and the 404/405/501
// of one envelope share it.
const ports = new WeakMap<ExpressSettings, NodeAnswerPort>()

/**
 * The adapter's port to the core's answer path (`NodeAnswerPort`): Express's
 * own errors recognised (`recognizeExpressError()`), a status set on the
 * response before the throw kept, `mapError` applied, the id by the
 * adapter's rule, and `recordAnswer()`.
 *
 * @example
 * ```ts
 * answerNodeError(expressPort(settings), req, res, err)
 * ```
 */
export function expressPort (settings: ExpressSettings): NodeAnswerPort {
  let port = ports.get(settings)
  if (port !== undefined) return port
  const normalizeSettings = normalizerSettings(settings, {
    recognize: recognizeExpressError,
    // A status set before the error, as `res.status(400); throw new Error('Title too long')`.
    presetStatus: function statusSetOnResponse (res) {
      return (res as ServerResponse).statusCode
    }
  })
  port = {
    settings,
    answerOf: function answerOf (thrown, req, res) {
      return normalizeError(mappedError(settings, thrown, req), normalizeSettings, res)
    },
    requestIdOf: function idOf (req) {
      return requestIdOf(req, settings)
    },
    record: function record (req, res, answer, thrown) {
      recordAnswer(req, res, settings, answer, thrown)
    }
  }
  ports.set(settings, port)
  return port
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
