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
 * @example
 * ```ts
 * refuseRequests(app.server, (req, res) => { sendEnvelope(req, res, closingError()) })
 * ```
 */
export function refuseRequests (server: Server, answer: (req: IncomingMessage, res: ServerResponse) => void): void {
  for (const listener of server.listeners('request')) server.removeListener('request', listener as (...args: unknown[]) => void)
  server.on('request', function refuseWhileClosing (req: IncomingMessage, res: ServerResponse) {
    // HTTP/1: close the connection after this answer (HTTP/2 has no such header).
    if (req.httpVersionMajor < 2) res.shouldKeepAlive = false
    answer(req, res)
  })
}
