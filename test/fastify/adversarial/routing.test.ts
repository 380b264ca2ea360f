import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { assertRawEnvelope } from '../../fixtures/adversarial.js'
import { serverOptions } from '../../../index.js'

const BAD_URL = { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error' }
const MALFORMED = { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error' }

async function routedApp (t: Test, smuggled: string[] = []) {
  return build(t, {
    server: serverOptions(),
    routes (app: FastifyInstance) {
      app.get('/widgets/:id', async (request) => ({ id: (request.params as { id: string }).id }))
      app.post('/echo', async (request) => ({ body: request.body }))
      app.get('/smuggled', async () => {
        smuggled.push('reached')
        return { smuggled: true }
      })
    }
  })
}

function notFound (message: string) {
  return { code: 'not_found', message, type: 'invalid_request_error' }
}

t.test('answers a 9,000-character unknown URL with 404 whose message shows the first 256 characters of the path', async (t) => {
  const { app } = await routedApp(t)
  const response = await app.inject('/' + 'a'.repeat(9000))
  const body = assertEnvelope(t, response, 404, notFound('No route for GET /' + 'a'.repeat(255) + '…'))
  t.ok(body.error.message.length <= 1024)
})

t.test('answers an unknown URL with a query string with 404 whose message never echoes the query', async (t) => {
  const { app } = await routedApp(t)
  assertEnvelope(t, await app.inject('/nope?token=SECRET123&next=%0d%0aSet-Cookie:x'), 404, notFound('No route for GET /nope'))
  assertEnvelope(t, await app.inject('/nope?' + 'token=' + 'S'.repeat(9000)), 404, notFound('No route for GET /nope'))
  const response = await app.inject({ method: 'DELETE', url: '/widgets/1?token=SECRET123' })
  assertEnvelope(t, response, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/1', type: 'invalid_request_error' })
  t.notOk(response.body.includes('SECRET123'))
})

t.test('answers malformed percent-encoding in the path with 400 Request URL is malformed', async (t) => {
  const { app } = await routedApp(t)
  for (const url of ['/widgets/%E0%A4%A', '/widgets/%zz', '/%', '/nope%', '/widgets/%c0%af']) {
    t.test(url, async (t) => {
      assertEnvelope(t, await app.inject(url), 400, BAD_URL)
    })
  }
  const port = await listen(app)
  assertRawEnvelope(t, await rawRequest(port, 'GET /widgets/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n'), 400, BAD_URL)
})

t.test('answers a path parameter over maxParamLength with 414, and one at the limit with 200', async (t) => {
  const { app } = await routedApp(t)
  assertEnvelope(t, await app.inject('/widgets/' + 'x'.repeat(101)), 414, { code: 'uri_too_long', message: 'A path parameter is too long', type: 'invalid_request_error' })
  t.equal((await app.inject('/widgets/' + 'x'.repeat(100))).statusCode, 200)
})

t.test('answers headers over Node\'s limit with 431 on the socket, and closes', async (t) => {
  const { app } = await routedApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /widgets/1 HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n')
  assertRawEnvelope(t, response, 431, { code: 'request_header_fields_too_large', message: 'Request headers are too large', type: 'invalid_request_error' })
  t.equal(response.headers.connection, 'close')
  t.ok(response.closed)
})

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'
const smugglingShapes: Array<[string, string]> = [
  ['Content-Length with Transfer-Encoding', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['two different Content-Length headers', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: ${2 + SMUGGLED.length}\r\n\r\n{}${SMUGGLED}`],
  ['two equal Content-Length headers', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}${SMUGGLED}`],
  ['a Content-Length list', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2, 2\r\n\r\n{}${SMUGGLED}`],
  ['an obfuscated Transfer-Encoding', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['Transfer-Encoding with chunked not last', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['a space before the colon', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}${SMUGGLED}`],
  ['a bare LF inside a chunk size line', `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\n{}\r\n0\r\n\r\n${SMUGGLED}`]
]

for (const [shape, request] of smugglingShapes) {
  t.test(`answers a request with ${shape} with one 400 Malformed HTTP request, closes, and never routes the smuggled request`, async (t) => {
    const smuggled: string[] = []
    const { app } = await routedApp(t, smuggled)
    const port = await listen(app)
    const response = await rawRequest(port, request)
    assertRawEnvelope(t, response, 400, MALFORMED)
    t.equal(response.raw.split('HTTP/1.1 ').length - 1, 1, 'one response on the connection')
    t.equal(response.headers.connection, 'close')
    t.ok(response.closed)
    t.same(smuggled, [], 'the smuggled request never reached a route')
  })
}

t.test('answers unknown method tokens: 400 for tokens Node does not parse, 501 for a parsed one no route handles', async (t) => {
  const { app } = await routedApp(t)
  const port = await listen(app)
  for (const method of ['FOO', 'G@T', 'get', 'GET\u0000']) {
    t.test(JSON.stringify(method), async (t) => {
      assertRawEnvelope(t, await rawRequest(port, `${method} /widgets/1 HTTP/1.1\r\nHost: x\r\n\r\n`), 400, MALFORMED)
    })
  }
  for (const method of ['PROPFIND', 'MKCOL', 'PURGE']) {
    t.test(method, async (t) => {
      assertRawEnvelope(t, await rawRequest(port, `${method} /widgets/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 501, {
        code: 'not_implemented', message: `Method ${method} is not implemented`, type: 'api_error'
      })
    })
  }
})

// The three answers below are written by Node's HTTP server before any
// JavaScript of Fastify runs; they are documented in docs/security.md.
t.test('lets Node close a CONNECT request without a response, since no tunnel listener exists', async (t) => {
  const { app } = await routedApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
  t.equal(response.raw, '', 'no bytes')
  t.ok(response.closed, 'closed by the server')
  t.equal((await app.inject('/widgets/1')).statusCode, 200, 'still serving')
})

t.test('lets Node answer an HTTP/1.1 request without Host with its own empty 400, and close', async (t) => {
  const { app } = await routedApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /widgets/1 HTTP/1.1\r\n\r\n')
  t.equal(response.status, 400)
  t.equal(response.headers.connection, 'close')
  t.equal(response.headers['content-type'], undefined, 'no body type')
  t.equal(response.body, '0\r\n\r\n', 'an empty chunked body')
  t.ok(response.closed)
})

t.test('lets Node answer an Expect header other than 100-continue with its own empty 417', async (t) => {
  const { app } = await routedApp(t)
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /widgets/1 HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n')
  t.equal(response.status, 417)
  t.equal(response.headers['content-type'], undefined, 'no body type')
  t.equal(response.body, '0\r\n\r\n', 'an empty chunked body')
})
