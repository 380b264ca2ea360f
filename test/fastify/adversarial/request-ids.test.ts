import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build, errorLines } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { assertRawEnvelope } from '../../fixtures/adversarial.js'
import { serverOptions } from '../../../index.js'

const GENERATED = /^req_[A-Za-z0-9_-]{20}$/
const NOT_FOUND = { code: 'not_found', message: 'No route for GET /nope', type: 'invalid_request_error' }
const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

// Incoming ids that break the contract's pattern, each sent as the client wrote it.
const hostileIds: Array<[string, string]> = [
  ['a 129-character id', 'a'.repeat(129)],
  ['a 10,000-character id', 'b'.repeat(10_000)],
  ['an id with a tab', 'abc\tdef'],
  ['an id with a double quote', 'abc"def'],
  ['an id with a backslash', 'abc\\def'],
  ['an id with a space', 'abc def'],
  ['an id starting with a dot', '.abc'],
  ['an id with a JSON breaker', 'a","request_id":"evil'],
  ['an id with a log breaker', 'a\\n{"level":60}']
]

async function idApp (t: Test) {
  return build(t, {
    server: serverOptions(),
    routes (app: FastifyInstance) {
      app.get('/ok', async () => ({ ok: true }))
      app.get('/boom', async () => { throw new Error('boom') })
    }
  })
}

for (const [label, id] of hostileIds) {
  t.test(`replaces ${label} by a generated id in the header, the body and the log line`, async (t) => {
    const { app, logs } = await idApp(t)
    for (const [url, status, expected] of [['/nope', 404, NOT_FOUND], ['/boom', 500, MASKED]] as const) {
      const response = await app.inject({ url, headers: { 'x-request-id': id } })
      const body = assertEnvelope(t, response, status, expected)
      t.match(body.error.request_id, GENERATED, 'a generated id')
      t.equal(errorLines(logs, body.error.request_id).length, 1, 'the log line carries the generated id')
      t.notOk(logs.some((line) => line.request_id === id), 'no line carries the hostile id')
    }
    const ok = await app.inject({ url: '/ok', headers: { 'x-request-id': id } })
    t.match(ok.headers['x-request-id'], GENERATED, 'a success gets a generated id too')
  })
}

t.test('replaces an id of UTF-8 bytes sent on the socket by a generated id', async (t) => {
  const { app } = await idApp(t)
  const port = await listen(app)
  for (const id of ['café', 'req_😀', 'ид-запроса']) {
    const head = Buffer.from(`GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n`, 'utf8')
    const response = await rawRequest(port, head)
    const body = assertRawEnvelope(t, response, 404, NOT_FOUND)
    t.match(body.error.request_id, GENERATED, JSON.stringify(id))
  }
})

t.test('replaces a raw tab inside an id sent on the socket by a generated id, and keeps a valid id once the whitespace around it is stripped', async (t) => {
  const { app } = await idApp(t)
  const port = await listen(app)
  const tab = await rawRequest(port, 'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\tdef\r\nConnection: close\r\n\r\n')
  t.match(assertRawEnvelope(t, tab, 404, NOT_FOUND).error.request_id, GENERATED, 'a tab inside the value')
  // HTTP strips whitespace around a field value: what arrives is a valid id.
  const padded = await rawRequest(port, 'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: \t abc-123 \t\r\nConnection: close\r\n\r\n')
  t.equal(assertRawEnvelope(t, padded, 404, NOT_FOUND).error.request_id, 'abc-123', 'surrounding whitespace is not part of the value')
})

t.test('replaces two X-Request-Id headers, which Node joins with a comma, by a generated id', async (t) => {
  const { app } = await idApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\nX-Request-Id: def\r\nConnection: close\r\n\r\n')
  t.match(assertRawEnvelope(t, response, 404, NOT_FOUND).error.request_id, GENERATED)
})

t.test('keeps a valid 128-character id, the longest the contract allows', async (t) => {
  const { app } = await idApp(t)
  const id = 'A' + 'b'.repeat(127)
  const body = assertEnvelope(t, await app.inject({ url: '/nope', headers: { 'x-request-id': id } }), 404, NOT_FOUND)
  t.equal(body.error.request_id, id)
})

t.test('gives a request Node rejects a generated id even when it sent a valid one', async (t) => {
  const { app } = await idApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')
  const body = assertRawEnvelope(t, response, 400, { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error' })
  t.match(body.error.request_id, GENERATED, 'the parser failed before the headers could be trusted')
})
