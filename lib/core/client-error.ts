import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { codeFor } from './codes.js'
import type { NormalizedError } from './envelope.js'
import { errorForLog } from './log-error.js'
import { fromEntry } from './normalize.js'
import type { CommonSettings } from './options.js'
import { errorResponse } from './error-response.js'
import { safeLog } from './safe-log.js'

// Node's parser errors (llhttp codes) and what they answer.
function clientErrorAnswer (code: string | undefined): NormalizedError {
  if (code === 'HPE_HEADER_OVERFLOW') return fromEntry(codeFor(431), 'Request headers are too large')
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return fromEntry(codeFor(408), 'The request took too long to arrive')
  return fromEntry(codeFor(400), 'Malformed HTTP request')
}

// Mirrors Fastify's defaultClientErrorHandler (fastify 5.12 fastify.js) and
// Node's socketOnError (node 20-26 lib/_http_server.js): a reset or destroyed
// socket gets nothing; so does one whose response in flight has its head on
// the wire already (a streaming 200, or the answer to the request whose body
// the parser rejected), because any byte written now would land inside that
// response: it is closed instead. Otherwise one response, then close.
/**
 * Answers an error of Node's HTTP parser (a server's `clientError` event: a
 * malformed request, headers over the limit, a request that took too long to
 * arrive) with the envelope, written to the socket, then closes it.
 *
 * @example
 * ```ts
 * server.on('clientError', (error, socket) => { answerClientError(error, socket, settings, logger) })
 * ```
 */
export function answerClientError (
  error: Error & { code?: string },
  socket: Socket,
  settings: CommonSettings,
  log: unknown
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = clientErrorAnswer(error.code)
  const id = settings.newRequestId()
  safeLog(log, settings.clientErrorLevel, { request_id: id, statusCode: answer.status, code: answer.code, err: errorForLog(error, false) }, answer.message)
  if (!socket.writable || headOnTheWire(socket)) {
    socket.destroy()
    return
  }
  // The request could not be read, so neither could its Accept: with
  // `negotiate`, the envelope.
  const { status, headers, body } = errorResponse(answer, id, settings, { accept: undefined })
  headers.connection = 'close'
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] as string}\r\n`
  for (const name of Object.keys(headers)) head += `${name}: ${headers[name]}\r\n`
  socket.end(head + '\r\n' + body)
}

// The response Node is writing on this socket, if any (ServerResponse
// attaches itself as `_httpMessage` until it finishes).
function headOnTheWire (socket: Socket): boolean {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
  return inFlight?.headersSent === true
}
