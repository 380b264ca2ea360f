import t from 'tap'
import { contractErrors } from '../helper.js'
import { rawRequest } from '../fixtures/raw-http.js'
import { answerPathEnvelopeAdapters, type Route } from './adapters.js'

const routes: Route[] = [
  { method: 'GET', path: '/ok', handler: () => ({ ok: true }) },
  { method: 'POST', path: '/echo', handler: ({ body }) => body }
]

// Every response in what the server wrote on one connection, framed by
// Content-Length as each error answer is.
function responsesIn (raw: string): Array<{ status: number, headers: Record<string, string>, body: string }> {
  const responses = []
  let rest = raw
  while (rest.startsWith('HTTP/1.1 ')) {
    const split = rest.indexOf('\r\n\r\n')
    const [statusLine, ...lines] = rest.slice(0, split).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim()
    const length = Number(headers['content-length'] ?? 0)
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(split + 4, split + 4 + length) })
    rest = rest.slice(split + 4 + length)
  }
  return responses
}

function portOf (base: string): number {
  return Number(new URL(base).port)
}

function envelopeOf (t: Test, response: { headers: Record<string, string>, body: string }): unknown {
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [], 'the contract')
  t.equal(body.error.request_id, response.headers['x-request-id'], 'the id of the header')
  return body
}

type Test = Parameters<Parameters<typeof t.test>[1]>[0]

for (const adapter of answerPathEnvelopeAdapters) {
  t.test(`${adapter.name}: TRACE is a standard method: 405 with Allow on a routed path, 404 elsewhere`, async (t) => {
    const { base } = await adapter.start(t, routes)
    const [routed] = responsesIn((await rawRequest(portOf(base), 'TRACE /ok HTTP/1.1\r\nHost: x\r\n\r\n')).raw)
    t.equal(routed.status, 405)
    t.equal(routed.headers.allow, 'GET, HEAD')
    t.same(envelopeOf(t, routed), { error: { code: 'method_not_allowed', message: 'Method TRACE is not allowed for /ok', type: 'invalid_request_error', request_id: routed.headers['x-request-id'] } })
    const [unknown] = responsesIn((await rawRequest(portOf(base), 'TRACE /nowhere HTTP/1.1\r\nHost: x\r\n\r\n')).raw)
    t.equal(unknown.status, 404)
    t.same(envelopeOf(t, unknown), { error: { code: 'not_found', message: 'No route for TRACE /nowhere', type: 'invalid_request_error', request_id: unknown.headers['x-request-id'] } })
  })

  t.test(`${adapter.name}: a method outside RFC 9110 with a body and no Content-Type answers 501`, async (t) => {
    const { base } = await adapter.start(t, routes)
    const [response] = responsesIn((await rawRequest(portOf(base), 'QUERY /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc')).raw)
    t.equal(response.status, 501)
    t.same(envelopeOf(t, response), { error: { code: 'not_implemented', message: 'Method QUERY is not implemented', type: 'api_error', request_id: response.headers['x-request-id'] } })
  })

  t.test(`${adapter.name}: a malformed body sent with the wrong method answers 405, and the request pipelined behind it is answered`, async (t) => {
    const { base } = await adapter.start(t, routes)
    const bad = '{"name":'
    const { raw, closed } = await rawRequest(portOf(base),
      `POST /ok HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bad.length}\r\n\r\n${bad}` +
      'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
    const [first, second] = responsesIn(raw)
    t.equal(first.status, 405)
    t.equal(first.headers.allow, 'GET, HEAD')
    t.not(first.headers.connection, 'close', 'the connection stays open')
    t.same(envelopeOf(t, first), { error: { code: 'method_not_allowed', message: 'Method POST is not allowed for /ok', type: 'invalid_request_error', request_id: first.headers['x-request-id'] } })
    t.equal(second?.status, 200, 'the pipelined request is answered')
    t.same(JSON.parse(second?.body ?? 'null'), { ok: true })
    t.notOk(closed && second === undefined)
  })

  t.test(`${adapter.name}: HEAD on an unknown path answers 404 with no body`, async (t) => {
    const { base } = await adapter.start(t, routes)
    const response = await fetch(base + '/nowhere', { method: 'HEAD' })
    t.equal(response.status, 404)
    t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
    t.match(response.headers.get('x-request-id'), /^req_[A-Za-z0-9_-]{20}$/)
    t.equal(await response.text(), '')
  })
}
