import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { ApiError } from './api-error.js'
import { serviceUnavailable } from './helpers.js'
import { markShed } from './overload.js'

/** Seconds in the `Retry-After` of a request refused while the server closes. */
export const CLOSING_RETRY_AFTER = 5

/**
 * The error of a request refused while the server closes: 503
 * `service_unavailable` with `Retry-After`, logged at `warn` as a shed
 * request is.
 *
 * @example
 * ```ts
 * closingError() // 503 {"error":{"code":"service_unavailable","message":"The server is shutting down; retry later",...}}
 * ```
 */
export function closingError (): ApiError {
  return markShed(serviceUnavailable('The server is shutting down; retry later', { retryAfter: CLOSING_RETRY_AFTER, captureStack: false }))
}

/**
 * From now on, answers every request the server receives with `answer`
 * instead of the app: the requests of kept-alive connections and those that
 * arrive while the server closes. Each answer closes its connection.
 *
 * Only the app's own listener is replaced: the one `isApp` recognizes, or,
 * when none is, the server's first `'request'` listener (the handler it was
 * created with). Listeners added beside it (a metrics counter) keep
 * running.
 *
 * @example
 * ```ts
 * refuseRequests(app.server, (req, res) => { sendEnvelope(req, res, closingError()) }, (listener) => listener === app.routing)
 * ```
 */
export function refuseRequests (
  server: Server,
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  isApp: (listener: unknown) => boolean
): void {
  const listeners = server.listeners('request')
  const app = listeners.find(isApp) ?? listeners[0]
  if (app !== undefined) server.removeListener('request', app as (...args: unknown[]) => void)
  server.prependListener('request', function refuseWhileClosing (req: IncomingMessage, res: ServerResponse) {
    // HTTP/1: close the connection after this answer (HTTP/2 has no such header).
    if (req.httpVersionMajor < 2) res.shouldKeepAlive = false
    answer(req, res)
  })
}
