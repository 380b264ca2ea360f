import Fastify from 'fastify'
import { EventEmitter, once } from 'node:events'
import { createServer } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { contractErrors, problemErrors, waitFor } from '../helper.js'
import errorEnvelope from '../../index.js'

// The options a request refused while the server closes follows: the
// request id header and its trust, the format, and HEAD.

// A /slow route held in flight: it says when it has started, and finishes
// when the test releases it (at once for a request that starts after that).
function heldRoute (app: ReturnType<typeof Fastify>): { started: () => number, release: () => void } {
  let started = 0
  let release = (): void => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  app.get('/slow', async () => { started++; await released; return { ok: true } })
  return { started: () => started, release }
}

// Sends a slow request, closes the server while it runs, then sends `late`
// on the same connection and lets the slow one finish once the server has
// it; returns what the connection read from the 503 on.
async function lateRequest (t: Test, app: ReturnType<typeof Fastify>, late: string): Promise<string> {
  const held = heldRoute(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  let received = 0
  app.server.on('request', function countRequest () { received++ })
  const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1')
  let raw = ''
  socket.on('data', (chunk) => { raw += chunk.toString() })
  const closed = once(socket, 'close')
  await once(socket, 'connect')
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
  t.ok(await waitFor(() => held.started() === 1), 'the slow request is in flight')
  const closing = app.close()
  t.ok(await waitFor(() => !app.server.listening), 'the server stops listening')
  socket.write(late)
  t.ok(await waitFor(() => received === 2), 'the server has the late request')
  held.release()
  await closed
  await closing
  return raw.slice(raw.indexOf('HTTP/1.1 503'))
}

t.test('answers with problem details when Accept prefers them, with Vary, without an id header when it is off', async (t) => {
  const app = Fastify()
  await app.register(errorEnvelope, { format: 'negotiate', requestId: { header: false } })
  const raw = await lateRequest(t, app, 'GET /slow HTTP/1.1\r\nHost: x\r\nAccept: application/problem+json\r\nX-Request-Id: sent-1\r\n\r\n')
  const [head, body] = raw.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/)
  t.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/)
  t.match(head, /\r\nvary: Accept\r\n/)
  t.match(head, /\r\nretry-after: 5\r\n/)
  t.notMatch(head, /x-request-id/i, 'no id header')
  const problem = JSON.parse(body)
  t.same(problemErrors(problem), [])
  t.not(problem.request_id, 'sent-1', 'with the header off, the incoming one is not read')
  t.same(problem, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The server is shutting down; retry later', instance: `urn:request:${String(problem.request_id)}`, code: 'service_unavailable', request_id: problem.request_id })
})

t.test('with a serverFactory wrapping Fastify\'s handler, replaces that first listener and keeps the others', async (t) => {
  const seen: string[] = []
  const app = Fastify({
    serverFactory (handler) {
      const server = createServer(function wrapped (req, res) { handler(req, res) })
      server.on('request', function countRequest (req) { seen.push(String(req.url)) })
      return server
    }
  })
  await app.register(errorEnvelope)
  const raw = await lateRequest(t, app, 'GET /slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-3\r\n\r\n')
  const [head, body] = raw.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/)
  t.match(head, /\r\nx-request-id: late-3\r\n/)
  const envelope = JSON.parse(body)
  t.same(contractErrors(envelope), [])
  t.same(envelope, { error: { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error', request_id: 'late-3' } })
  t.same(seen, ['/slow', '/slow'], 'the other listener saw both requests')
})

t.test('generates its own id when incoming ids are not trusted, and sends no body to HEAD', async (t) => {
  const app = Fastify()
  await app.register(errorEnvelope, { requestId: { trustIncoming: false } })
  const raw = await lateRequest(t, app, 'HEAD /slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: sent-1\r\n\r\n')
  const [head, body] = raw.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/)
  t.match(head, /\r\nx-request-id: req_[A-Za-z0-9_-]{20}\r\n/, 'a generated id')
  t.equal(body, '', 'HEAD gets no body')
  t.match(head, /\r\ncontent-type: application\/json; charset=utf-8\r\n/)
  // HEAD gets the length of the envelope a GET would have had, with this id.
  const id = /\r\nx-request-id: ([^\r]+)\r\n/.exec(head)?.[1] as string
  const envelope = { error: { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error', request_id: id } }
  t.same(contractErrors(envelope), [])
  t.match(head, new RegExp(`\r\ncontent-length: ${Buffer.byteLength(JSON.stringify(envelope))}\r\n`), 'the length of the envelope a GET gets')
})

t.test('answers HTTP/2 requests that meet the close with the envelope or a closed stream, never a crash', async (t) => {
  const { connect: connectHttp2 } = await import('node:http2')
  const app = Fastify({ http2: true })
  await app.register(errorEnvelope)
  const held = heldRoute(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const session = connectHttp2(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`)
  t.teardown(() => { session.destroy() })
  await new Promise((resolve) => session.once('connect', resolve))
  function get (path: string): Promise<{ status: number, headers: Record<string, unknown>, body: string } | 'refused'> {
    return new Promise((resolve) => {
      let stream
      try {
        stream = session.request({ ':path': path })
      } catch {
        resolve('refused')
        return
      }
      let body = ''
      let head: Record<string, unknown> = {}
      stream.on('response', (received) => { head = received })
      stream.on('data', (chunk: Buffer) => { body += chunk.toString() })
      stream.on('end', () => { resolve({ status: Number(head[':status']), headers: head, body }) })
      stream.on('error', () => { resolve('refused') })
    })
  }
  const inFlight = get('/slow')
  t.ok(await waitFor(() => held.started() === 1), 'the slow request is in flight')
  const closing = app.close()
  // Streams opened as the server closes, one a millisecond: before its
  // GOAWAY, or after. The slow requests stay in flight until every late
  // stream has ended or is held in its handler.
  let ended = 0
  const late = Promise.all(Array.from({ length: 20 }, async (_unused, i) => {
    await new Promise((resolve) => setTimeout(resolve, i))
    const answer = await get('/slow')
    ended++
    return answer
  }))
  t.ok(await waitFor(() => ended + held.started() - 1 === 20), 'every late stream has ended or is in flight')
  held.release()
  t.same(JSON.parse(((await inFlight) as { body: string }).body), { ok: true }, 'the request in flight finishes')
  for (const answer of await late) {
    if (answer === 'refused') continue
    if (answer.status === 200) {
      t.same(JSON.parse(answer.body), { ok: true })
      continue
    }
    t.equal(answer.status, 503)
    t.equal(answer.headers.connection, undefined, 'no Connection header on HTTP/2')
    const body = JSON.parse(answer.body)
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error', request_id: answer.headers['x-request-id'] } })
  }
  session.close()
  await closing
})

t.test('writes no Connection header to an HTTP/2 request refused while closing', async (t) => {
  const app = Fastify()
  await app.register(errorEnvelope)
  await app.listen({ port: 0, host: '127.0.0.1' })
  await app.close()
  // What Node's HTTP/2 compatibility layer hands the request listener: a
  // stream with its headers, and no shouldKeepAlive of its own.
  const written: { headers: Record<string, string>, body?: string } = { headers: {} }
  const res = Object.assign(new EventEmitter(), {
    shouldKeepAlive: true,
    statusCode: 200,
    headersSent: false,
    destroyed: false,
    writableFinished: false,
    getHeader (name: string) { return written.headers[name] },
    hasHeader (name: string) { return name in written.headers },
    removeHeader (name: string) { delete written.headers[name] },
    setHeader (name: string, value: string) { written.headers[name] = value },
    end (body: string) { written.body = body; res.writableFinished = true; res.emit('finish') }
  })
  app.server.emit('request', { httpVersionMajor: 2, method: 'GET', url: '/x', headers: { 'x-request-id': 'h2-late' } }, res)
  t.equal(res.statusCode, 503)
  t.equal(written.headers.connection, undefined)
  t.equal(written.headers['retry-after'], '5')
  t.equal(res.shouldKeepAlive, true, 'left as it is')
  const body = JSON.parse(written.body as string)
  t.same(contractErrors(body), [])
  t.same(body, { error: { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error', request_id: 'h2-late' } })
})
