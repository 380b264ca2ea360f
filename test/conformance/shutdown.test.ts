import { once } from 'node:events'
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { contractErrors, waitFor } from '../helper.js'
import { loadTelemetry } from '../../lib/core/telemetry.js'
import { freshMetrics, pointsOf } from '../fixtures/otel.js'
import { envelopeAdapters, type Route, type RunningApp } from './adapters.js'

// While a server closes, the requests still arriving get a 503 envelope
// with Retry-After and a closed connection, or a closed connection: never
// the framework's own body. Requests already in flight finish.

// A request held in flight: its handler says when it has started and
// finishes when the test lets it.
interface Gate { started: Promise<void>, release: () => void, routes: Route[] }

function gate (): Gate {
  let started = (): void => {}
  let release = (): void => {}
  const startedPromise = new Promise<void>((resolve) => { started = resolve })
  const released = new Promise<void>((resolve) => { release = resolve })
  const routes: Route[] = [
    { method: 'GET', path: '/slow', handler: async () => { started(); await released; return { ok: true } } },
    { method: 'GET', path: '/ok', handler: () => ({ ok: true }) }
  ]
  return { started: startedPromise, release, routes }
}

const CLOSING = { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error' }

interface Answer { status: number, headers: Record<string, string>, body: string }

// The responses read from one socket until the server closes it.
function responsesOf (raw: string): Answer[] {
  const answers: Answer[] = []
  let rest = raw
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n')
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim()
    const length = Number(headers['content-length'])
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) })
    rest = rest.slice(end + 4 + length)
  }
  return answers
}

// Sends `inFlight` on one kept-alive connection, closes the server while it
// runs, then sends `late` on the same connection; lets `inFlight` finish once
// the server has the late request, and returns all the connection read.
async function closeBetween (t: Test, app: RunningApp, held: Gate, inFlight: string, late: string): Promise<string> {
  let received = 0
  app.server.on('request', function countRequest () { received++ })
  const socket = connect(Number(new URL(app.base).port), '127.0.0.1')
  let raw = ''
  socket.on('data', (chunk) => { raw += chunk.toString() })
  const closed = once(socket, 'close')
  await once(socket, 'connect')
  socket.write(inFlight)
  await held.started
  const closing = app.close()
  t.ok(await waitFor(() => !app.server.listening), 'the server stops listening')
  socket.write(late)
  t.ok(await waitFor(() => received === 2), 'the server has the late request')
  held.release()
  await closed
  await closing
  return raw
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: a request on a kept-alive connection while the server closes gets the 503 envelope and a closed connection`, async (t) => {
    const held = gate()
    const app = await adapter.start(t, held.routes)
    const raw = await closeBetween(t, app, held, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-1\r\n\r\n')
    const [inFlight, late] = responsesOf(raw)
    t.equal(inFlight.status, 200, 'the request in flight finishes')
    t.same(JSON.parse(inFlight.body), { ok: true })
    t.equal(late.status, 503)
    t.equal(late.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(late.headers['retry-after'], '5')
    t.equal(late.headers.connection, 'close')
    t.equal(late.headers['x-request-id'], 'late-1')
    const body = JSON.parse(late.body)
    t.same(contractErrors(body), [])
    t.same(body, { error: { ...CLOSING, request_id: 'late-1' } })
    const lines = app.logs.filter((line) => line.request_id === 'late-1' && line.code !== undefined)
    t.same(lines.map((line) => [line.level, line.statusCode, line.msg]), [[40, 503, 'The server is shutting down; retry later']])
  })

  t.test(`${adapter.name}: a request listener of the app's own on the server keeps seeing every request while the server closes`, async (t) => {
    const held = gate()
    const app = await adapter.start(t, held.routes)
    const seen: string[] = []
    app.server.on('request', function countRequest (req) { seen.push(String(req.headers['x-request-id'])) })
    const raw = await closeBetween(t, app, held, 'GET /slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: early-1\r\n\r\n', 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-2\r\n\r\n')
    const [inFlight, late] = responsesOf(raw)
    t.equal(inFlight.status, 200)
    t.same(JSON.parse(inFlight.body), { ok: true })
    t.same(seen, ['early-1', 'late-2'], 'the listener saw the request in flight and the one refused')
    t.equal(late.status, 503)
    t.equal(late.headers['x-request-id'], 'late-2')
    const body = JSON.parse(late.body)
    t.same(contractErrors(body), [])
    t.same(body, { error: { ...CLOSING, request_id: 'late-2' } })
    t.equal(raw.indexOf('HTTP/1.1 ', raw.indexOf('HTTP/1.1 ', 1) + 1), -1, 'one answer to the refused request, not two')
  })

  t.test(`${adapter.name}: the 503 of a request refused while closing is counted on the error metric, with no route`, async (t) => {
    const reader = freshMetrics(t)
    const held = gate()
    const app = await adapter.start(t, held.routes)
    // The adapter loads @opentelemetry/api at setup; this waits for the same load.
    await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
    const raw = await closeBetween(t, app, held, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-3\r\n\r\n')
    const [, late] = responsesOf(raw)
    t.equal(late.status, 503)
    const body = JSON.parse(late.body)
    t.same(contractErrors(body), [])
    t.same(body, { error: { ...CLOSING, request_id: 'late-3' } })
    t.same(await pointsOf(reader, 'error_envelope.errors'), [{ attributes: { 'error.type': 'service_unavailable', 'http.response.status_code': 503, 'http.request.method': 'GET' }, value: 1 }])
  })

  t.test(`${adapter.name}: under load, every answer while closing is a 200, the 503 envelope or a closed connection`, async (t) => {
    const app = await adapter.start(t, gate().routes)
    const seen: string[] = []
    const load = { stopped: false, answered: 0, refused: 0 }
    async function client (): Promise<void> {
      while (!load.stopped) {
        try {
          const response = await fetch(app.base + '/ok')
          const body = await response.json()
          if (response.status === 200 && JSON.stringify(body) === '{"ok":true}') {
            load.answered++
            continue
          }
          load.refused++
          const id = response.headers.get('x-request-id')
          if (response.status === 503 && contractErrors(body).length === 0 && JSON.stringify(body) === JSON.stringify({ error: { ...CLOSING, request_id: id } })) continue
          seen.push(`${response.status} ${JSON.stringify(body)}`)
        } catch {
          // A closed connection, or no server to connect to: allowed; a
          // short pause before the next try.
          load.refused++
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
    }
    const clients = Array.from({ length: 6 }, client)
    t.ok(await waitFor(() => load.answered >= 60), 'the load runs')
    await app.close()
    // Every client meets the closed server a few times.
    t.ok(await waitFor(() => load.refused >= 30), 'requests met the closing server')
    load.stopped = true
    await Promise.all(clients)
    t.same(seen, [], 'no other answer')
  })
}

t.test('express: close() stops the overload monitor, and a second close() rejects as server.close() does', async (t) => {
  const { errorEnvelope } = await import('../../express.js')
  const express = (await import('express')).default
  const envelope = errorEnvelope({ underPressure: { maxEventLoopDelay: 1000 } })
  const app = express()
  app.use(envelope.beforeRoutes())
  app.get('/ok', (_req, res) => { res.json({ ok: true }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  await envelope.close(server)
  t.equal(server.listening, false)
  await t.rejects(envelope.close(server), { code: 'ERR_SERVER_NOT_RUNNING' })
})
