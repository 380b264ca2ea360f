import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { rawRequest, type RawResponse } from '../fixtures/raw-http.js'
import { envelopeAdapters, type Route } from './adapters.js'

// Requests Node's HTTP parser refuses before any route or middleware sees
// them: Fastify answers them through serverOptions(), Express through
// envelope.attach(server).

const routes: Route[] = [{ method: 'GET', path: '/ok', handler: () => ({ ok: true }) }]

function assertRaw (t: Test, response: RawResponse, status: number, expected: object): void {
  t.equal(response.status, status, 'status')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(response.headers.connection, 'close')
  t.match(response.headers['x-request-id'], /^req_[A-Za-z0-9_-]{20}$/)
  t.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)))
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { ...expected, request_id: response.headers['x-request-id'] } })
  t.ok(response.closed, 'the connection is closed')
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: answers what Node's parser refuses with the envelope`, async (t) => {
    const { base, logs } = await adapter.start(t, routes)
    const port = Number(new URL(base).port)
    const malformed = await rawRequest(port, 'NOT A REQUEST\r\n\r\n')
    assertRaw(t, malformed, 400, { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error' })
    const huge = await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nX-Padding: ' + 'a'.repeat(20_000) + '\r\n\r\n')
    assertRaw(t, huge, 431, { code: 'request_header_fields_too_large', message: 'Request headers are too large', type: 'invalid_request_error' })
    const line = logs.find((entry) => entry.request_id === malformed.headers['x-request-id'])
    t.same([line?.level, line?.statusCode, line?.code], [30, 400, 'bad_request'], 'logged once as a client error')
    const ok = await fetch(base + '/ok')
    t.same(await ok.json(), { ok: true }, 'the server still serves')
  })
}
