import t from 'tap'
import { connect } from 'node:net'
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { build, contractErrors } from '../../helper.js'
import { listen } from '../../fixtures/raw-http.js'
import { serverOptions } from '../../../index.js'

/**
 * Writes each part to one connection, `gapMs` apart, and returns every byte
 * the server wrote until it closed the connection (or 1 s passed).
 */
function exchange (port: number, parts: string[], gapMs = 50): Promise<{ raw: string, closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    let settled = false
    function finish (closed: boolean): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ raw, closed })
    }
    const timer = setTimeout(() => finish(false), 1000)
    socket.on('data', (chunk) => { raw += chunk.toString('latin1') })
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('connect', () => {
      parts.forEach((part, i) => setTimeout(() => { if (!socket.destroyed) socket.write(part) }, i * gapMs))
    })
  })
}

function statusLines (raw: string): string[] {
  return raw.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? []
}

function routes (app: FastifyInstance): void {
  app.get('/stream', (_request, reply) => {
    const body = new PassThrough()
    body.write('part-one;')
    setTimeout(() => body.end('part-two;'), 300)
    return reply.send(body)
  })
  app.post('/notes', async () => ({ ok: true }))
}

t.test('writes no parser error into a streaming response in flight, and closes the connection', async (t) => {
  const { app } = await build(t, { server: serverOptions(), routes })
  const port = await listen(app)
  const { raw, closed } = await exchange(port, ['GET /stream HTTP/1.1\r\nHost: x\r\n\r\n', 'GARBAGE /\r\n\r\n'])
  t.same(statusLines(raw), ['HTTP/1.1 200 OK'], 'one answer: the 200 whose head was on the wire')
  t.notMatch(raw, /Malformed HTTP request/)
  t.match(raw, /part-one;/)
  t.ok(closed, 'the connection is closed')
})

t.test('answers a request whose body the parser rejects once, not twice', async (t) => {
  const { app } = await build(t, { server: serverOptions(), routes })
  const port = await listen(app)
  for (const parts of [
    ['POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
    ['POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 'abc']
  ]) {
    const { raw, closed } = await exchange(port, parts)
    t.same(statusLines(raw), ['HTTP/1.1 415 Unsupported Media Type'], JSON.stringify(parts))
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))
    const id = /x-request-id: ([^\r]+)/.exec(raw)?.[1]
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'unsupported_media_type', message: 'Unsupported media type', type: 'invalid_request_error', request_id: id } })
    t.ok(closed)
  }
})

t.test('still answers a malformed request that follows a finished response on the same connection', async (t) => {
  const { app } = await build(t, { server: serverOptions(), routes })
  const port = await listen(app)
  const { raw, closed } = await exchange(port, ['POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', 'GARBAGE /\r\n\r\n'], 150)
  t.same(statusLines(raw), ['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request'])
  const last = raw.slice(raw.lastIndexOf('\r\n\r\n') + 4)
  const head = raw.slice(raw.lastIndexOf('HTTP/1.1 400'), raw.lastIndexOf('\r\n\r\n'))
  t.match(head, /\r\nconnection: close(\r\n|$)/, 'the answer closes the connection')
  const id = /\r\nx-request-id: ([^\r]+)/.exec(head)?.[1]
  t.same(contractErrors(JSON.parse(last)), [])
  t.same(JSON.parse(last), { error: { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error', request_id: id } })
  t.ok(closed)
})
