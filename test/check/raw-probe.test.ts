import t from 'tap'
import { createServer, type Socket } from 'node:net'
import { rawProbe } from '../../lib/check/raw-probe.js'

// The raw connection of the HEAD and OPTIONS checks: every byte the server
// writes is seen, and nothing it does makes the probe throw.

async function serveRaw (t: Tap.Test, onRequest: (socket: Socket, request: string) => void): Promise<URL> {
  const server = createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', (chunk) => onRequest(socket, chunk.toString('latin1')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  return new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/`)
}

const settings = (base: URL, extra: object = {}): Parameters<typeof rawProbe>[0] => ({ base, timeout: 1000, maxRead: 16, headers: { authorization: 'Bearer t' }, ...extra })

t.test('sends the request as written, with the host, the headers and Connection: close', async (t) => {
  let seen = ''
  const base = await serveRaw(t, (socket, request) => { seen = request; socket.end('HTTP/1.1 404 Not Found\r\nAllow: GET\r\nallow: HEAD\r\nContent-Length: 5\r\n\r\nhello') })
  const exchange = await rawProbe(settings(base), { method: 'HEAD', path: '/x', headers: { 'x-request-id': 'r1' } })
  t.equal(seen, `HEAD /api/x HTTP/1.1\r\nhost: ${base.host}\r\nauthorization: Bearer t\r\nx-request-id: r1\r\nconnection: close\r\n\r\n`)
  t.same(exchange.response, { status: 404, headers: { allow: 'GET, HEAD', 'content-length': '5' }, body: 'hello', truncated: false })
})

t.test('reads the head of a connection the server keeps open, after a short grace', async (t) => {
  const base = await serveRaw(t, (socket) => { socket.write('HTTP/1.1 204 No Content\r\n\r\n') })
  t.same((await rawProbe(settings(base), { method: 'OPTIONS', path: '/' })).response, { status: 204, headers: {}, body: '', truncated: false })
})

t.test('caps what it reads of a huge answer', async (t) => {
  const base = await serveRaw(t, (socket) => { socket.write('HTTP/1.1 200 OK\r\n\r\n' + 'a'.repeat(200_000)) })
  t.same((await rawProbe(settings(base), { method: 'HEAD', path: '/' })).response, { status: 200, headers: {}, body: 'a'.repeat(16), truncated: true })
})

t.test('every failure is a reason', async (t) => {
  const garbage = await serveRaw(t, (socket) => socket.end('garbage\r\n\r\n'))
  t.match(await rawProbe(settings(garbage), { method: 'HEAD', path: '/' }), { failure: 'invalid HTTP from the server: "garbage\\r\\n\\r\\n"' })
  const closed = await serveRaw(t, (socket) => socket.end())
  t.match(await rawProbe(settings(closed), { method: 'HEAD', path: '/' }), { failure: 'the server closed the connection without answering' })
  const silent = await serveRaw(t, () => {})
  t.match(await rawProbe(settings(silent, { timeout: 100 }), { method: 'HEAD', path: '/' }), { failure: 'no answer within 100 ms' })
  const partial = await serveRaw(t, (socket) => socket.write('HTTP/1.1 404 Not'))
  t.match(await rawProbe(settings(partial, { timeout: 100 }), { method: 'HEAD', path: '/' }), { failure: 'invalid HTTP from the server: "HTTP/1.1 404 Not"' })
  const reset = await serveRaw(t, (socket) => { socket.write('HTTP/1.1 404 Not Found\r\n'); setImmediate(() => socket.resetAndDestroy()) })
  t.match(await rawProbe(settings(reset), { method: 'HEAD', path: '/' }), { failure: /^invalid HTTP from the server/ })
  const resetEarly = await serveRaw(t, (socket) => socket.resetAndDestroy())
  t.match(await rawProbe(settings(resetEarly), { method: 'HEAD', path: '/' }), { failure: 'the server reset the connection', failureCode: 'ECONNRESET' })
  t.match(await rawProbe(settings(garbage, { headers: { 'x-a': 'b\r\nx-injected: 1' } }), { method: 'HEAD', path: '/' }), { failure: 'a header value holds CR or LF; not sent' })
  t.match(await rawProbe(settings(new URL('https://127.0.0.1:1')), { method: 'HEAD', path: '/' }), { failure: 'connection refused' })
  t.match(await rawProbe(settings(new URL('http://127.0.0.1')), { method: 'HEAD', path: '/' }), { failure: /./ })
})

t.test('reads what arrived before the server reset the connection', async (t) => {
  const base = await serveRaw(t, (socket) => {
    socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 50\r\n\r\npartial', () => { setTimeout(() => socket.resetAndDestroy(), 20) })
  })
  const exchange = await rawProbe(settings(base), { method: 'HEAD', path: '/x' })
  t.same(exchange.response, { status: 404, headers: { 'content-length': '50' }, body: 'partial', truncated: false })
})
