import { connect } from 'node:net'
import { failureOf, probe, type Exchange, type ProbeRequest, type ProbeSettings } from './probe.js'

// How long to wait for bytes after the head of an answer that should have
// no body, when the server keeps the connection open.
const GRACE_MS = 250

/**
 * Sends a request on a raw connection and reads every byte the server
 * writes, for answers that must have no body (HEAD, 204): Node's HTTP client
 * drops such bytes unseen. Over https it falls back to `probe()`.
 *
 * @example
 * ```ts
 * const exchange = await rawProbe(settings, { method: 'HEAD', path: '/nothing-here' })
 * exchange.response?.body // '' unless the server wrote a body after the head
 * ```
 */
export function rawProbe (settings: ProbeSettings, sent: ProbeRequest): Promise<Exchange> {
  if (settings.base.protocol !== 'http:') return probe(settings, sent)
  return new Promise((resolve) => {
    const headers: Record<string, string> = { host: settings.base.host, ...settings.headers, ...sent.headers, connection: 'close' }
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
    if (lines.some((line) => /[\r\n]/.test(line))) {
      resolve({ request: sent, failure: 'a header value holds CR or LF; not sent' })
      return
    }
    const prefix = settings.base.pathname.replace(/\/+$/, '')
    const socket = connect(Number(settings.base.port === '' ? 80 : settings.base.port), settings.base.hostname.replace(/^\[|\]$/g, ''))
    let received = Buffer.alloc(0)
    let grace: NodeJS.Timeout | undefined
    function finish (exchange: Omit<Exchange, 'request'>): void {
      clearTimeout(timer)
      clearTimeout(grace)
      socket.destroy()
      resolve({ request: sent, ...exchange })
    }
    function answer (): void {
      if (received.length === 0) return finish({ failure: 'the server closed the connection without answering' })
      const text = received.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      const status = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?\r\n/.exec(text)
      if (end === -1 || status === null) return finish({ failure: `invalid HTTP from the server: ${JSON.stringify(text.slice(0, 40))}` })
      const parsed: Record<string, string> = {}
      for (const line of text.slice(status[0].length, end).split('\r\n').filter((one) => one !== '')) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).trim().toLowerCase()
        const value = line.slice(colon + 1).trim()
        parsed[name] = parsed[name] === undefined ? value : `${parsed[name]}, ${value}`
      }
      const body = received.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'))
      finish({ response: { status: Number(status[1]), headers: parsed, body: body.subarray(0, settings.maxRead).toString('utf8'), truncated: body.length > settings.maxRead } })
    }
    const timer = setTimeout(() => received.length === 0 ? finish({ failure: `no answer within ${settings.timeout} ms` }) : answer(), settings.timeout)
    socket.on('connect', () => socket.write(`${sent.method} ${prefix}${sent.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1'))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length > settings.maxRead + 65_536) return answer()
      clearTimeout(grace)
      if (received.includes('\r\n\r\n')) grace = setTimeout(answer, GRACE_MS)
    })
    socket.on('end', answer)
    socket.on('error', (error: NodeJS.ErrnoException) => received.length === 0 ? finish({ failure: failureOf(error), failureCode: error.code }) : answer())
  })
}
