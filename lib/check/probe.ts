import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'

/**
 * One request a check sends: the method, the path under the base URL, extra
 * headers and a body.
 *
 * @example
 * ```ts
 * const sent: ProbeRequest = { method: 'POST', path: '/widgets', headers: { 'content-type': 'application/json' }, body: '{"name":' }
 * ```
 */
export interface ProbeRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/**
 * What came back, as far as it was read: the body is cut at the read cap.
 *
 * @example
 * ```ts
 * const got: ProbeResponse = { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":{}}', truncated: false }
 * ```
 */
export interface ProbeResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** Whether the body was longer than the read cap and reading stopped. */
  truncated: boolean
}

/**
 * A request and its answer, or the reason there was none (a reset, a
 * timeout, invalid HTTP).
 *
 * @example
 * ```ts
 * const lost: Exchange = { request: { method: 'GET', path: '/' }, failure: 'no answer within 5000 ms' }
 * ```
 */
export interface Exchange {
  request: ProbeRequest
  response?: ProbeResponse
  failure?: string
  /** The Node error code of the failure, such as `ECONNREFUSED`. */
  failureCode?: string
}

/**
 * Where and how to send: the base URL, the time one exchange may take, the
 * most body bytes read, and headers added to every request.
 *
 * @example
 * ```ts
 * const settings: ProbeSettings = { base: new URL('http://127.0.0.1:3000'), timeout: 5000, maxRead: 65536, headers: { authorization: 'Bearer t' } }
 * ```
 */
export interface ProbeSettings {
  base: URL
  timeout: number
  maxRead: number
  headers: Record<string, string>
}

/**
 * Sends one request on a connection of its own and reads the answer, never
 * more than `maxRead` body bytes and never longer than `timeout`. It never
 * rejects: whatever goes wrong is the exchange's `failure`.
 *
 * @example
 * ```ts
 * const exchange = await probe(settings, { method: 'HEAD', path: '/nothing-here' })
 * exchange.response?.status // 404
 * ```
 */
export function probe (settings: ProbeSettings, sent: ProbeRequest): Promise<Exchange> {
  return new Promise((resolve) => {
    let settled = false
    const chunks: Buffer[] = []
    let read = 0
    function settle (exchange: Omit<Exchange, 'request'>): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outgoing.destroy()
      resolve({ request: sent, ...exchange })
    }
    const send = settings.base.protocol === 'https:' ? httpsRequest : httpRequest
    const prefix = settings.base.pathname.replace(/\/+$/, '')
    let outgoing: ReturnType<typeof send>
    try {
      outgoing = send({
        protocol: settings.base.protocol,
        hostname: settings.base.hostname.replace(/^\[|\]$/g, ''),
        port: settings.base.port,
        method: sent.method,
        path: prefix + sent.path,
        // A connection per request: a reset or a half-read body never spills
        // into the next check.
        agent: false,
        headers: { ...settings.headers, ...sent.headers }
      })
    } catch (error) {
      // A header value Node refuses to send (a given --header with a
      // control character): no request at all.
      resolve({ request: sent, failure: failureOf(error as NodeJS.ErrnoException) })
      return
    }
    const timer = setTimeout(() => settle({ failure: `no answer within ${settings.timeout} ms` }), settings.timeout)
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({ failure: failureOf(error), failureCode: error.code }))
    outgoing.on('response', (incoming) => {
      function done (truncated: boolean): void {
        settle({ response: { status: incoming.statusCode as number, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8'), truncated } })
      }
      incoming.on('data', (chunk: Buffer) => {
        const room = settings.maxRead - read
        chunks.push(chunk.subarray(0, room))
        read += chunk.length
        if (read > settings.maxRead) done(true)
      })
      incoming.on('end', () => done(false))
      incoming.on('error', (error: NodeJS.ErrnoException) => settle({ failure: failureOf(error), failureCode: error.code }))
    })
    outgoing.end(sent.body)
  })
}

/**
 * A sentence for a transport failure.
 *
 * @example
 * ```ts
 * failureOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) // 'connection refused'
 * ```
 */
export function failureOf (error: NodeJS.ErrnoException): string {
  const code = String(error.code)
  if (code === 'ECONNRESET' || error.message === 'socket hang up') return 'the server reset the connection'
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code.startsWith('HPE_')) return `invalid HTTP from the server (${code})`
  return `request failed: ${error.message}`
}
