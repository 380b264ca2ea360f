import t from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type Server as NetServer } from 'node:net'
import type { Server } from 'node:http'
import { check, type CheckResult } from '../../check.js'
import { checkSettings as checkSync } from '../../lib/check/options.js'

// Each check's verdicts one by one, against small scripted servers: what
// passes, what fails and why, and what is skipped.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

const ENVELOPE_TYPE = 'application/json; charset=utf-8'
function envelope (res: ServerResponse, status: number, id = 'req_1', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': ENVELOPE_TYPE, 'x-request-id': id, ...headers })
  res.end(JSON.stringify({ error: { code: 'some_error', message: 'Something', type: 'invalid_request_error', request_id: id, ...extra } }))
}

async function serve (t: Tap.Test, handler: Handler): Promise<string> {
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => { body += chunk })
    req.on('end', () => handler(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

/** A server that writes the same raw bytes to every connection. */
async function serveRaw (t: Tap.Test, raw: string): Promise<string> {
  const server: NetServer = createNetServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => socket.end(raw))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

async function one (url: string, id: string, options: Parameters<typeof check>[1] = {}): Promise<CheckResult> {
  const report = await check(url, { ...options, only: [id] })
  return report.results.find((result) => result.id === id) as CheckResult
}

t.test('skips what it was not given, saying which flag would run it', async (t) => {
  const url = await serve(t, (req, res) => envelope(res, 404))
  const report = await check(url, { skip: ['EE01'] })
  t.same(report.results.filter((result) => result.status === 'skip').map((result) => [result.id, result.reason]), [
    ['EE01', 'not selected'],
    ['EE03', 'no known path given (--path or --openapi)'],
    ['EE04', 'no known path given (--path or --openapi)'],
    ['EE06', 'no body route given (--body-path or --openapi)'],
    ['EE07', 'no body route given (--body-path or --openapi)'],
    ['EE08', 'no body limit given (--max-body)'],
    ['EE09', 'no request body schema with typed fields (--openapi)'],
    ['EE15', 'no rate-limited route given (--rate-limit-path)'],
    ['EE16', 'no failing route given (--crash-path)'],
    ['EE17', 'no error answer carried a doc_url']
  ])
})

t.test('HEAD: a body in the answer fails', async (t) => {
  const url = await serveRaw(t, 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n')
  t.match(await one(url, 'EE02'), { status: 'pass' })
  const body = await serveRaw(t, 'HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nNot Found')
  t.match(await one(body, 'EE02'), { status: 'fail', reason: 'the answer to HEAD has a body: 9 bytes' })
  const wrong = await serveRaw(t, 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')
  t.match(await one(wrong, 'EE02'), { status: 'fail', reason: '200 without Content-Type, expected 404' })
})

t.test('405 and 204: Allow must list methods, not the one refused, and every documented one', async (t) => {
  let allow: string | undefined = 'GET, HEAD'
  const url = await serve(t, (req, res) => {
    const headers: Record<string, string> = allow === undefined ? {} : { allow }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, headers)
      return res.end()
    }
    envelope(res, 405, 'req_1', {}, headers)
  })
  t.match(await one(url, 'EE03', { path: '/w' }), { status: 'pass', request: { method: 'DELETE', path: '/w' } })
  t.match(await one(url, 'EE04', { path: '/w' }), { status: 'pass' })
  allow = undefined
  t.match(await one(url, 'EE03', { path: '/w' }), { status: 'fail', reason: 'DELETE /w: no Allow header' })
  t.match(await one(url, 'EE04', { path: '/w' }), { status: 'fail', reason: 'no Allow header' })
  allow = 'GET; HEAD'
  t.match(await one(url, 'EE03', { path: '/w' }), { status: 'fail', reason: 'DELETE /w: Allow is not a list of methods: GET; HEAD' })
  allow = 'GET, DELETE'
  t.match(await one(url, 'EE03', { path: '/w' }), { status: 'fail', reason: 'DELETE /w: Allow lists DELETE, the method refused: GET, DELETE' })
  allow = 'GET'
  const openapi = { paths: { '/w/{id}': { get: {}, delete: {} } } }
  t.match(await one(url, 'EE03', { openapi }), { status: 'fail', request: { method: 'PATCH', path: '/w/example' }, reason: 'PATCH /w/example: Allow (GET) lacks DELETE, which the OpenAPI document gives /w/example' })
  const every = { paths: { '/w': { get: {}, delete: {}, patch: {}, put: {}, post: {} } } }
  t.match(await one(url, 'EE03', { openapi: every }), { status: 'skip', reason: '/w serves DELETE, PATCH, PUT and POST: no wrong method to send' })
})

t.test('204: a body or another status fails, and 501 is expected for PROPFIND', async (t) => {
  const empty = await serveRaw(t, 'HTTP/1.1 204 No Content\r\nallow: GET\r\n\r\n')
  t.match(await one(empty, 'EE04', { path: '/w' }), { status: 'pass' })
  const withBody = await serveRaw(t, 'HTTP/1.1 204 No Content\r\nallow: GET\r\n\r\n{}')
  t.match(await one(withBody, 'EE04', { path: '/w' }), { status: 'fail', reason: 'the 204 has a body: 2 bytes' })
  const url = await serve(t, (req, res) => envelope(res, 404))
  t.match(await one(url, 'EE04', { path: '/w' }), { status: 'fail', reason: '404 application/json; charset=utf-8, expected 204 with Allow' })
  t.match(await one(url, 'EE05'), { status: 'fail', request: { method: 'PROPFIND', path: '/' }, reason: 'PROPFIND /: 404 application/json; charset=utf-8, expected 501' })
})

t.test('several invalid fields: each must be named, as it is or at the end of a path', async (t) => {
  let fields = [{ field: 'body.name', message: 'must be string' }, { field: '/count', message: 'must be integer' }]
  const url = await serve(t, (req, res) => envelope(res, 422, 'req_1', { details: fields }))
  const openapi = {
    paths: {
      '/w': { get: {} },
      '/things/{id}': {
        put: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }
        }
      }
    },
    components: { schemas: { Thing: { type: 'object', properties: { name: { type: 'string' }, count: { $ref: '#/components/schemas/Count' }, free: {}, other: { $ref: 'other.json#/x' } } }, Count: { type: 'integer' } } }
  }
  t.match(await one(url, 'EE09', { openapi }), { status: 'pass', request: { method: 'PUT', path: '/things/example' } })
  fields = [{ field: 'name', message: 'must be string' }]
  t.match(await one(url, 'EE09', { openapi }), { status: 'fail', reason: 'sent name, count wrong; the details name name, not count' })
  const bare = await serve(t, (req, res) => envelope(res, 400))
  t.match(await one(bare, 'EE09', { openapi }), { status: 'fail', reason: 'sent name, count wrong; the details name no field, not name, count' })
  t.match(await one(bare, 'EE06', { bodyPath: 'put /things' }), { status: 'pass', request: { method: 'PUT', path: '/things', headers: { 'content-type': 'application/json' } } })
  t.match(await one(bare, 'EE07', { bodyPath: 'put /things' }), { status: 'fail', reason: 'PUT /things: 400 application/json; charset=utf-8, expected 415' })
  t.match(await one(bare, 'EE09', { openapi: { paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: { properties: { any: {} } } } } } } } } } }), { status: 'skip' })
  const notFound = await serve(t, (req, res) => envelope(res, 404))
  t.match(await one(notFound, 'EE09', { openapi }), { status: 'fail', reason: 'PUT /things/example: 404 application/json; charset=utf-8, expected 400 or 422' })
})

t.test('request ids: the valid one must come back, each hostile one must not', async (t) => {
  let mode = 'echo'
  const url = await serve(t, (req, res) => {
    const given = String(req.headers['x-request-id'] ?? 'none')
    if (mode === 'hang') return given.startsWith('check-') ? envelope(res, 404, given) : req.socket.destroy()
    const valid = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/.test(given)
    if (mode === 'drop' && !valid) return envelope(res, 404, 'fresh')
    envelope(res, 404, mode === 'echo' || valid ? (mode === 'replace' ? 'other' : given) : 'x')
  })
  t.match(await one(url, 'EE10'), { status: 'fail', reason: 'X-Request-Id "aaaaaaaaaaaaaaaaaaaa… (10240 characters)" answered with X-Request-Id "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", expected a fresh valid id' })
  mode = 'drop'
  t.match(await one(url, 'EE10'), { status: 'pass' })
  mode = 'replace'
  t.match(await one(url, 'EE10'), { status: 'fail', reason: /^sent X-Request-Id check-\w+; got other and request_id other$/ })
  mode = 'hang'
  t.match(await one(url, 'EE10'), { status: 'fail', reason: 'X-Request-Id "aaaaaaaaaaaaaaaaaaaa… (10240 characters)": the server reset the connection' })
  const html = await serve(t, (req, res) => { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<h1>no</h1>') })
  t.match(await one(html, 'EE10'), { status: 'fail', reason: 'the body is not JSON: <h1>no</h1>' })
})

t.test('every answer: the id, the content type and the body', async (t) => {
  let headers: Record<string, string> = {}
  let id = 'req_1'
  const url = await serve(t, (req, res) => envelope(res, 404, id, {}, headers))
  t.match(await one(url, 'EE12'), { status: 'pass', reason: '1 error answer(s) looked at' })
  headers = { 'content-type': 'application/json' }
  t.match(await one(url, 'EE12'), { status: 'fail', reason: /: Content-Type application\/json has no charset=utf-8$/ })
  headers = { 'x-request-id': 'req_2' }
  t.match(await one(url, 'EE11'), { status: 'fail', reason: /: request_id req_1 but X-Request-Id req_2$/ })
  headers = {}
  id = 'req_3'
  t.match(await one(url, 'EE11'), { status: 'pass' })
  const text = await serve(t, (req, res) => { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('Cannot GET') })
  t.match(await one(text, 'EE11'), { status: 'fail', reason: /: the body is not JSON: Cannot GET$/ })
  t.match(await one(text, 'EE13'), { status: 'pass' })
  const gone = await serveRaw(t, '')
  t.match(await one(gone, 'EE13'), { status: 'skip', reason: 'no error answer to look at' })
})

t.test('problem details: read with their own content type, errors and type link', async (t) => {
  let type = 'about:blank'
  const url = await serve(t, (req, res) => {
    if (req.url === '/docs/errors') return res.end('ok')
    if (req.url === '/docs/broken') { res.writeHead(500); return res.end() }
    res.writeHead(req.url === '/w' ? 422 : 404, { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'req_1' })
    res.end(JSON.stringify({ type, title: 'Not Found', status: 404, detail: 'No route', code: 'not_found', request_id: 'req_1', errors: [{ detail: 'bad', pointer: '#/name', field: 'name' }] }))
  })
  t.match(await one(url, 'EE12'), { status: 'pass' })
  t.match(await one(url, 'EE14'), { status: 'pass', reason: 'negotiates: answered problem details' })
  t.match(await one(url, 'EE17'), { status: 'skip' })
  type = '/docs/errors#not_found'
  t.match(await one(url, 'EE17'), { status: 'pass', reason: '1 link(s) resolved' })
  type = '/docs/broken#not_found'
  t.match(await one(url, 'EE17'), { status: 'fail', reason: /^doc_url http:\/\/127\.0\.0\.1:\d+\/docs\/broken: 500 without Content-Type, expected 2xx$/ })
  type = 'mailto:errors@example.com'
  t.match(await one(url, 'EE17'), { status: 'skip' })
  t.match(await one(url, 'EE09', { openapi: { paths: { '/w': { post: { requestBody: { content: { 'application/json': { schema: { properties: { name: { type: 'string' } } } } } } } } } } }), { status: 'pass' })
})

t.test('a link on another server is fetched without the API\'s headers', async (t) => {
  let seen: string | undefined = 'unset'
  const docs = await serve(t, (req, res) => { seen = req.headers.authorization; res.end('docs') })
  const url = await serve(t, (req, res) => envelope(res, 404, 'req_1', { doc_url: `${docs}/errors#not_found` }))
  t.match(await one(url, 'EE17', { headers: { authorization: 'Bearer secret' } }), { status: 'pass' })
  t.equal(seen, undefined)
})

t.test('rate limits: 429 needs Retry-After, a rate-limit header and a contract body', async (t) => {
  let headers: Record<string, string> = { 'retry-after': '30', 'ratelimit-limit': '3' }
  let count = 0
  const url = await serve(t, (req, res) => {
    count++
    if (count % 3 !== 0) return res.end('ok')
    envelope(res, 429, 'req_1', {}, headers)
  })
  t.match(await one(url, 'EE15', { rateLimitPath: '/s' }), { status: 'pass', response: { status: 429 } })
  headers = { 'retry-after': 'soon', 'x-ratelimit-limit': '3' }
  t.match(await one(url, 'EE15', { rateLimitPath: '/s' }), { status: 'fail', reason: 'Retry-After is "soon", expected seconds or a date' })
  headers = { 'x-ratelimit-limit': '3' }
  t.match(await one(url, 'EE15', { rateLimitPath: '/s' }), { status: 'fail', reason: 'Retry-After is missing, expected seconds or a date' })
  headers = { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }
  t.match(await one(url, 'EE15', { rateLimitPath: '/s' }), { status: 'fail', reason: 'no RateLimit, RateLimit-Limit or X-RateLimit-Limit header' })
  headers = { 'retry-after': '1', ratelimit: '"default";r=0;t=1', 'content-type': 'text/plain' }
  t.match(await one(url, 'EE15', { rateLimitPath: '/s' }), { status: 'pass' })
  const never = await serve(t, (req, res) => res.end('ok'))
  t.match(await one(never, 'EE15', { rateLimitPath: '/s', rateLimitTries: 2 }), { status: 'fail', reason: 'GET /s answered no 429 in 2 requests' })
})

t.test('a 500 that shows a stack or a source path is not masked', async (t) => {
  let message = 'Internal server error'
  const url = await serve(t, (req, res) => envelope(res, 500, 'req_1', { message }))
  t.match(await one(url, 'EE16', { crashPath: '/c' }), { status: 'pass' })
  message = 'TypeError: x is undefined\n    at handler (file:///srv/app/routes.mjs:12:5)'
  t.match(await one(url, 'EE16', { crashPath: '/c' }), { status: 'fail', reason: 'the 500 is not masked: a stack frame: at handler (file:///srv/app/routes.mjs:12:5)' })
  message = 'failed in /srv/app/db.js'
  t.match(await one(url, 'EE16', { crashPath: '/c' }), { status: 'fail', reason: 'the 500 is not masked: a source file path: /srv/app/db.js' })
})

t.test('the 413 body is one byte over the limit', async (t) => {
  let length = 0
  const sized = await serve(t, (req, res, body) => { length = body.length; envelope(res, 413) })
  t.match(await one(sized, 'EE08', { bodyPath: '/w', maxBody: 100 }), { status: 'pass' })
  t.equal(length, 101)
})

t.test('a JSON body of neither contract, and answers without the headers', async (t) => {
  const url = await serve(t, (req, res) => {
    if (req.url === '/json') {
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end('{"message":"Not Found"}')
    }
    res.writeHead(404)
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'No route', type: 'invalid_request_error', request_id: 'req_1' } }))
  })
  t.match(await one(url, 'EE11'), { status: 'fail', reason: /: request_id req_1 but X-Request-Id missing$/ })
  t.match(await one(url, 'EE12'), { status: 'fail', reason: /: Content-Type missing, expected application\/json$/ })
  t.match(await one(url, 'EE10'), { status: 'fail', reason: /^sent X-Request-Id check-\w+; got no header and request_id req_1$/ })
  t.match(await one(url, 'EE16', { crashPath: '/json' }), { status: 'fail', reason: /^GET \/json: 404 application\/json, expected 500$/ })
  t.match(await one(url, 'EE15', { rateLimitPath: '/json', rateLimitTries: 1 }), { status: 'fail', reason: 'GET /json answered no 429 in 1 requests' })
  t.match(await one(`${url}/json-prefix`, 'EE01'), { status: 'pass' })
  const bad = await serve(t, (req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"message":"Not Found"}') })
  t.match(await one(bad, 'EE01'), { status: 'fail', reason: /^the body satisfies neither contract \(envelope: .*; problem: .*\): \{"message":"Not Found"\}$/ })
})

t.test('more ways to be wrong: an empty body, a dead doc link, a bad one, a 429 in HTML, a hostile id answered without an id', async (t) => {
  const empty = await serve(t, (req, res) => { res.writeHead(404); res.end() })
  t.match(await one(empty, 'EE01'), { status: 'fail', reason: 'the body is not JSON: (empty)' })
  let link = 'http://127.0.0.1:1/errors#not_found'
  const linked = await serve(t, (req, res) => envelope(res, 404, 'req_1', { doc_url: link }))
  t.match(await one(linked, 'EE17'), { status: 'fail', reason: 'doc_url http://127.0.0.1:1/errors: connection refused, expected 2xx' })
  link = 'http://a:99999/errors'
  t.match(await one(linked, 'EE17'), { status: 'fail', reason: 'doc_url "http://a:99999/errors" is not a URL' })
  const html429 = await serve(t, (req, res) => { res.writeHead(429, { 'retry-after': '1', 'ratelimit-limit': '1', 'content-type': 'text/html' }); res.end('<p>slow down</p>') })
  t.match(await one(html429, 'EE15', { rateLimitPath: '/s' }), { status: 'fail', reason: 'the body is not JSON: <p>slow down</p>' })
  const noId = await serve(t, (req, res) => {
    const given = String(req.headers['x-request-id'])
    if (given.startsWith('check-')) return envelope(res, 404, given)
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    res.end('{}')
  })
  t.match(await one(noId, 'EE10'), { status: 'fail', reason: /answered without X-Request-Id, expected a fresh valid id$/ })
})

t.test('a silent server is not an unreachable one: its checks fail on the timeout', async (t) => {
  const url = await serve(t, () => {})
  t.match(await check(url, { only: ['EE01'], timeout: 200 }), { ok: false, results: [{ id: 'EE01', status: 'fail', reason: 'no answer within 200 ms, expected 404' }] })
  t.throws(() => checkSync(123), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_OPTION', message: 'error-envelope option "url" must be an http or https URL, instead got 123' })
  t.throws(() => checkSync(url, { bodyPath: 5 }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_OPTION', message: /^error-envelope option "bodyPath" must be a path starting with \/, after a method if not POST/ })
})

t.test('a reason names where the body breaks the contract', async (t) => {
  const url = await serve(t, (req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":{"code":1,"message":"x","type":"t","request_id":"r"}}') })
  t.match(await one(url, 'EE01'), { status: 'fail', reason: /^the body satisfies neither contract \(envelope: \/error\/code must be string; problem: body must have required property 'type', / })
})
