import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertEnvelope, build, contractErrors, linesOf } from '../helper.js'
import { listen, rawRequest } from '../fixtures/raw-http.js'
import fc from 'fast-check'
import fp from 'fastify-plugin'
import { generateRequestId, isValidRequestId, notFound, REQUEST_ID_PATTERN } from '../../index.js'

const GENERATED = /^req_[A-Za-z0-9_-]{20}$/
const NOT_FOUND = { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' }

function widgets (app: import('fastify').FastifyInstance): void {
  app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found') })
  app.get('/ok', async (request) => {
    request.log.info('handling')
    return { id: request.id }
  })
}

function idOf (response: LightMyRequestResponse): string {
  return JSON.parse(response.body).error.request_id
}

t.test('generates ids of req_ and 20 characters of the base64url alphabet, unique over many', async (t) => {
  const seen = new Set<string>()
  for (let i = 0; i < 20_000; i++) {
    const id = generateRequestId()
    if (!GENERATED.test(id)) t.fail(`not a well-formed id: ${id}`)
    seen.add(id)
  }
  t.equal(seen.size, 20_000, 'no id repeats')
})

t.test('checks an id character by character exactly as REQUEST_ID_PATTERN does', async (t) => {
  // Every character of the first 256 code points, first and after a valid one.
  for (let code = 0; code < 256; code++) {
    const char = String.fromCharCode(code)
    for (const id of [char, 'a' + char, char + 'a']) {
      if (isValidRequestId(id) !== REQUEST_ID_PATTERN.test(id)) t.fail(`disagrees on ${JSON.stringify(id)}`)
    }
  }
  for (const id of ['', 'a'.repeat(127), 'a'.repeat(128), 'a'.repeat(129), 'req_\u00e9', 'req_\ud83d\ude00', '-a', 'a-']) {
    t.equal(isValidRequestId(id), REQUEST_ID_PATTERN.test(id), JSON.stringify(id))
  }
  t.equal(isValidRequestId(42), false)
  const alphabet = fc.constantFrom(...'aZ09._:=- \n\u00e9/'.split(''))
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 140 }).map((chars) => chars.join('')), (id) => isValidRequestId(id) === REQUEST_ID_PATTERN.test(id)), { seed: 20240611, numRuns: 2000 })
})

t.test('gives each request a fresh generated id when none comes in', async (t) => {
  const { app } = await build(t, { routes: widgets })
  const ids = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const response = await app.inject('/widgets/w_1')
    const body = assertEnvelope(t, response, 404, NOT_FOUND)
    t.match(body.error.request_id, GENERATED)
    ids.add(body.error.request_id)
  }
  t.equal(ids.size, 200)
})

t.test('uses a valid incoming X-Request-Id in the body, the header and every log line', async (t) => {
  const { app, logs } = await build(t, { routes: widgets })
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'Client-42.a:b=c_d' } })
  const body = assertEnvelope(t, response, 404, NOT_FOUND)
  t.equal(body.error.request_id, 'Client-42.a:b=c_d')
  t.equal(response.headers['x-request-id'], 'Client-42.a:b=c_d')
  const lines = linesOf(logs, 'Client-42.a:b=c_d')
  t.same(lines.map((line) => line.msg).sort(), ['Widget w_1 not found', 'incoming request', 'request completed'])
  t.equal(lines.length, logs.length, 'every line of the app is a line of this request')
})

t.test('accepts an incoming id of exactly 128 characters', async (t) => {
  const { app } = await build(t, { routes: widgets })
  const id = 'a'.repeat(128)
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': id } })
  t.equal(assertEnvelope(t, response, 404, NOT_FOUND).error.request_id, id)
})

const invalid: Array<[string, string]> = [
  ['an over-long id of 129 characters', 'a'.repeat(129)],
  ['an id with a tab', 'abc\tdef'],
  ['an id with a quote', 'abc"def'],
  ['an id with a backslash', 'abc\\def'],
  ['an id with a space', 'abc def'],
  ['an id with a slash', 'abc/def'],
  ['an id starting with a dash', '-abc'],
  ['an empty id', '']
]
for (const [name, value] of invalid) {
  t.test(`replaces ${name} with a generated id`, async (t) => {
    const { app, logs } = await build(t, { routes: widgets })
    const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': value } })
    const id = assertEnvelope(t, response, 404, NOT_FOUND).error.request_id
    t.match(id, GENERATED)
    t.equal(linesOf(logs, id).length, 3, 'the log lines carry the generated id')
    t.equal(logs.filter((line) => line.request_id === value).length, 0, 'the rejected value is not an id in any line')
  })
}

t.test('replaces an id of UTF-8 bytes sent over a socket with a generated id', async (t) => {
  const { app } = await build(t, { routes: widgets })
  const port = await listen(app)
  const request = Buffer.concat([
    Buffer.from('GET /widgets/w_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: caf'),
    Buffer.from('é', 'utf8'),
    Buffer.from('\r\n\r\n')
  ])
  const response = await rawRequest(port, request)
  t.equal(response.status, 404)
  t.match(response.headers['x-request-id'], GENERATED)
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { ...NOT_FOUND, request_id: response.headers['x-request-id'] } })
})

t.test('replaces a duplicated X-Request-Id header with a generated id', async (t) => {
  const { app } = await build(t, { routes: widgets })
  const port = await listen(app)
  const response = await rawRequest(port,
    'GET /widgets/w_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: first\r\nX-Request-Id: second\r\n\r\n')
  t.equal(response.status, 404)
  t.match(response.headers['x-request-id'], GENERATED)
  t.same(JSON.parse(response.body), { error: { ...NOT_FOUND, request_id: response.headers['x-request-id'] } })
})

t.test('reads and echoes the header named by requestId.header', async (t) => {
  const { app } = await build(t, { plugin: { requestId: { header: 'X-Correlation-Id' } }, routes: widgets })
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'other-1' } })
  t.equal(response.headers['x-correlation-id'], 'corr-1')
  t.equal(response.headers['x-request-id'], undefined, 'the default header is not echoed')
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { ...NOT_FOUND, request_id: 'corr-1' } })
  const ok = await app.inject({ url: '/ok', headers: { 'x-correlation-id': 'corr-2' } })
  t.equal(ok.headers['x-correlation-id'], 'corr-2')
  t.same(ok.json(), { id: 'corr-2' })
})

t.test('ignores an incoming id when trustIncoming is false', async (t) => {
  const { app } = await build(t, { plugin: { requestId: { trustIncoming: false } }, routes: widgets })
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'client-1' } })
  const id = assertEnvelope(t, response, 404, NOT_FOUND).error.request_id
  t.match(id, GENERATED)
})

t.test('echoes no header and reads none when requestId.header is false', async (t) => {
  const { app, logs } = await build(t, { plugin: { requestId: { header: false } }, routes: widgets })
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'client-1' } })
  t.equal(response.statusCode, 404)
  t.equal(response.headers['x-request-id'], undefined)
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.match(body.error.request_id, GENERATED)
  t.same(body, { error: { ...NOT_FOUND, request_id: body.error.request_id } })
  t.equal(linesOf(logs, body.error.request_id).length, 3)
  const missing = await app.inject('/nowhere')
  t.equal(missing.headers['x-request-id'], undefined)
  const ok = await app.inject('/ok')
  t.equal(ok.headers['x-request-id'], undefined)
})

t.test('uses the ids of a custom generate function', async (t) => {
  let n = 0
  const { app } = await build(t, { plugin: { requestId: { generate: () => `custom-${++n}` } }, routes: widgets })
  const first = await app.inject('/widgets/w_1')
  t.equal(assertEnvelope(t, first, 404, NOT_FOUND).error.request_id, 'custom-1')
  const second = await app.inject('/nowhere')
  t.equal(idOf(second), 'custom-2')
  const incoming = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'client-1' } })
  t.equal(idOf(incoming), 'client-1', 'a valid incoming id still wins')
})

const badGenerators: Array<[string, () => string]> = [
  ['returns an id outside the pattern', () => 'bad id'],
  ['returns a non-string', () => 42 as unknown as string],
  ['throws', () => { throw new Error('generator broke') }]
]
for (const [name, generate] of badGenerators) {
  t.test(`falls back to a generated id when the custom generate ${name}`, async (t) => {
    const { app } = await build(t, { plugin: { requestId: { generate } }, routes: widgets })
    const response = await app.inject('/widgets/w_1')
    t.match(assertEnvelope(t, response, 404, NOT_FOUND).error.request_id, GENERATED)
  })
}

t.test('echoes the id on a 2xx answer too', async (t) => {
  const { app } = await build(t, { routes: widgets })
  const generated = await app.inject('/ok')
  t.equal(generated.statusCode, 200)
  t.match(generated.headers['x-request-id'], GENERATED)
  t.same(generated.json(), { id: generated.headers['x-request-id'] })
  const incoming = await app.inject({ url: '/ok', headers: { 'x-request-id': 'client-7' } })
  t.equal(incoming.headers['x-request-id'], 'client-7')
})

t.test('echoes the id on a 2xx that another plugin\'s onRequest hook sends before any handler runs', async (t) => {
  // A cache answering from onRequest, registered after the plugin and, in a
  // second app, before it: the route's handler never runs.
  const cache = fp(async function cache (instance) {
    instance.addHook('onRequest', function answerFromCache (request, reply, done) {
      if (request.url === '/cached') {
        reply.header('content-type', 'application/json; charset=utf-8').send('{"cached":true}')
        return
      }
      done()
    })
  })
  const handled: string[] = []
  function cachedRoute (app: import('fastify').FastifyInstance): void {
    app.get('/cached', async () => { handled.push('handler'); return { cached: false } })
  }
  const after = await build(t, { routes: async (app) => { await app.register(cache); cachedRoute(app) } })
  const before = await build(t, { before: async (app) => { await app.register(cache) }, routes: cachedRoute })
  for (const { app } of [after, before]) {
    const generated = await app.inject('/cached')
    t.equal(generated.statusCode, 200)
    t.equal(generated.body, '{"cached":true}')
    t.match(generated.headers['x-request-id'], GENERATED)
    const incoming = await app.inject({ url: '/cached', headers: { 'x-request-id': 'client-7' } })
    t.equal(incoming.headers['x-request-id'], 'client-7')
  }
  t.same(handled, [], 'the cache answered every request')
})

t.test('writes the same id under request_id, never reqId, in every log line of the request', async (t) => {
  const { app, logs } = await build(t, { routes: widgets })
  const ok = await app.inject('/ok')
  const failed = await app.inject('/widgets/w_1')
  const missing = await app.inject({ method: 'DELETE', url: '/ok' })
  const requestLines = logs.filter((line) => line.req !== undefined || line.res !== undefined || line.msg === 'handling')
  t.ok(requestLines.length >= 7)
  for (const line of logs) t.notOk('reqId' in line, 'no reqId key')
  for (const response of [ok, failed, missing]) {
    const id = response.headers['x-request-id'] as string
    t.match(id, GENERATED)
    const lines = linesOf(logs, id)
    t.ok(lines.some((line) => line.msg === 'incoming request'))
    t.ok(lines.some((line) => line.msg === 'request completed'))
  }
  t.same(linesOf(logs, ok.headers['x-request-id'] as string).map((line) => line.msg), ['incoming request', 'handling', 'request completed'])
  t.equal(idOf(failed), failed.headers['x-request-id'])
  t.equal(idOf(missing), missing.headers['x-request-id'])
  t.equal(requestLines.filter((line) => typeof line.request_id !== 'string').length, 0)
})

t.test('answers with a generated id when a child plugin\'s own generator breaks the pattern', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setGenReqId(() => 'not a valid id')
        child.get('/child', async () => { throw notFound('Widget w_1 not found') })
      })
    }
  })
  const response = await app.inject('/child')
  const body = assertEnvelope(t, response, 404, NOT_FOUND)
  t.match(body.error.request_id, GENERATED, 'the envelope and its header carry a valid id')
  t.ok(logs.some((line) => line.request_id === 'not a valid id'), 'the logs carry the request\'s own id')
})
