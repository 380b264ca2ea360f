import t, { type Test } from 'tap'
import { connect } from 'node:net'
import type { FastifyServerOptions } from 'fastify'
import { assertEnvelope, build, contractErrors, linesOf, problemErrors } from '../helper.js'
import { errors } from '../fixtures/catalog.js'
import { listen, rawRequest, type RawResponse } from '../fixtures/raw-http.js'
import { serverOptions } from '../../index.js'
import { logControllerClass, OLD_FASTIFY } from '../../lib/fastify/server-options.js'
import { serverSettings } from '../../lib/fastify/server-settings.js'
import { normalizeOptions } from '../../lib/fastify/options.js'

const GENERATED = /^req_[A-Za-z0-9_-]{20}$/
const ok = async (): Promise<{ ok: true }> => ({ ok: true })

function routes (app: import('fastify').FastifyInstance): void {
  app.get('/widgets/:id', ok)
  app.post('/slow', ok)
}

function assertRawEnvelope (t: Test, response: RawResponse, status: number, expected: object): void {
  t.equal(response.status, status, 'status')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(response.headers.connection, 'close')
  t.match(response.headers['x-request-id'], GENERATED)
  t.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)))
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { ...expected, request_id: response.headers['x-request-id'] } })
}

const HUGE_HEADER = 'X-Padding: ' + 'a'.repeat(20_000) + '\r\n'

t.test('answers a malformed request line with a 400 envelope and a request id header', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), routes })
  const response = await rawRequest(await listen(app), 'NOT A REQUEST\r\n\r\n')
  assertRawEnvelope(t, response, 400, { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error' })
  t.ok(response.closed)
  const [line] = linesOf(logs, response.headers['x-request-id'])
  t.same([line.level, line.statusCode, line.code, line.err.type, line.err.code], [30, 400, 'bad_request', 'Error', 'HPE_INVALID_METHOD'])
})

t.test('answers headers larger than the limit with a 431 envelope', async (t) => {
  const { app } = await build(t, { server: serverOptions(), routes })
  const response = await rawRequest(await listen(app), 'GET /widgets/1 HTTP/1.1\r\nHost: x\r\n' + HUGE_HEADER + '\r\n')
  assertRawEnvelope(t, response, 431, { code: 'request_header_fields_too_large', message: 'Request headers are too large', type: 'invalid_request_error' })
})

t.test('answers a request that takes longer than requestTimeout with a 408 envelope', async (t) => {
  const server = { ...serverOptions(), requestTimeout: 100, http: { connectionsCheckingInterval: 20 } } as unknown as FastifyServerOptions
  const { app } = await build(t, { server, routes })
  const response = await rawRequest(await listen(app), 'POST /slow HTTP/1.1\r\nHost: x\r\n', 2000)
  assertRawEnvelope(t, response, 408, { code: 'request_timeout', message: 'The request took too long to arrive', type: 'invalid_request_error' })
})

t.test('answers bad percent-encoding in a path with a 400 envelope', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), routes })
  const response = await app.inject({ url: '/widgets/%zz', headers: { 'x-request-id': 'client-1' } })
  const body = assertEnvelope(t, response, 400, { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error' })
  t.equal(body.error.request_id, 'client-1')
  t.ok(linesOf(logs, 'client-1').some((line) => line.statusCode === 400 && line.code === 'bad_request'))
})

t.test('answers an over-long path parameter with a 414 envelope', async (t) => {
  const { app } = await build(t, { server: { ...serverOptions(), routerOptions: { maxParamLength: 10 } }, routes })
  const response = await app.inject('/widgets/' + 'a'.repeat(11))
  assertEnvelope(t, response, 414, { code: 'uri_too_long', message: 'A path parameter is too long', type: 'invalid_request_error' })
})

t.test('logs a parser error at the logLevels.clientError given to serverOptions()', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions({ logLevels: { clientError: 'warn' } }), routes })
  const response = await rawRequest(await listen(app), 'NOT A REQUEST\r\n\r\n')
  t.same(linesOf(logs, response.headers['x-request-id']).map((line) => line.level), [40])
})

t.test('writes nothing to a client that reset its connection mid-request', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), routes })
  const port = await listen(app)
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', () => {
        setTimeout(() => { socket.resetAndDestroy(); setTimeout(resolve, 100) }, 50)
      })
    })
  })
  t.same(logs.filter((line) => line.code !== undefined && line.err?.code === 'ECONNRESET'), [], 'a reset is not answered nor logged as an error response')
})

t.test('uses the requestId options given to serverOptions()', async (t) => {
  const { app } = await build(t, { server: serverOptions({ requestId: { header: 'x-correlation-id' } }), plugin: { requestId: { header: 'x-correlation-id' } }, routes })
  const response = await rawRequest(await listen(app), 'NOT A REQUEST\r\n\r\n')
  t.equal(response.status, 400)
  t.match(response.headers['x-correlation-id'], GENERATED)
  t.equal(response.headers['x-request-id'], undefined)
  const none = await build(t, { server: serverOptions({ requestId: { header: false } }), plugin: { requestId: { header: false } }, routes })
  const silent = await rawRequest(await listen(none.app), 'NOT A REQUEST\r\n\r\n')
  t.equal(silent.status, 400)
  t.equal(silent.headers['x-request-id'], undefined)
  t.match(JSON.parse(silent.body).error.request_id, GENERATED)
})

t.test('answers with Fastify\'s own shapes without serverOptions()', async (t) => {
  const { app } = await build(t, { server: { routerOptions: { maxParamLength: 10 } }, routes })
  const port = await listen(app)
  const malformed = await rawRequest(port, 'NOT A REQUEST\r\n\r\n')
  t.equal(malformed.status, 400)
  t.same(JSON.parse(malformed.body), { error: 'Bad Request', message: 'Client Error', statusCode: 400 })
  t.equal(malformed.headers['x-request-id'], undefined)
  const huge = await rawRequest(port, 'GET /widgets/1 HTTP/1.1\r\nHost: x\r\n' + HUGE_HEADER + '\r\n')
  t.equal(huge.status, 431)
  t.same(JSON.parse(huge.body), { error: 'Request Header Fields Too Large', message: 'Exceeded maximum allowed HTTP header size', statusCode: 431 })
  const badUrl = await app.inject('/widgets/%zz')
  t.equal(badUrl.statusCode, 400)
  t.same(badUrl.json(), { error: 'Bad Request', code: 'FST_ERR_BAD_URL', message: "'/widgets/%zz' is not a valid url component", statusCode: 400 })
  t.equal(badUrl.headers['x-request-id'], undefined)
  const long = await app.inject('/widgets/' + 'a'.repeat(11))
  t.equal(long.statusCode, 414)
  t.same(long.json(), { error: 'Bad Request', code: 'FST_ERR_MAX_PARAM_LENGTH', message: `'/widgets/${'a'.repeat(11)}' is exceeding the max param length`, statusCode: 414 })
})

t.test('says which Fastify release it needs when Fastify has no LogController', async (t) => {
  t.throws(() => logControllerClass({}), { code: 'ERR_ENVELOPE_PEER_UNSUPPORTED', message: 'error-envelope needs fastify 5.12.1 or later (npm install fastify@^5.12.1)' })
  t.equal(OLD_FASTIFY, 'error-envelope needs fastify 5.12.1 or later (npm install fastify@^5.12.1)')
  t.equal(typeof logControllerClass(), 'function', 'the installed Fastify has one')
})

t.test('answers through serverOptions() with the settings of the plugin registered on the server', async (t) => {
  const docs = { path: '/errors', publicUrl: 'https://api.example.com/errors' }
  let generated = 0
  const server = serverOptions({ requestId: { generate: () => `gen_${String(++generated).padStart(20, '0')}` } })
  const { app } = await build(t, { server, plugin: { catalog: errors, docs, requestId: { generate: () => `gen_${String(++generated).padStart(20, '0')}` } }, routes })
  const port = await listen(app)

  // A request Node cannot parse: the plugin's doc_url, and the id from requestId.generate.
  const malformed = await rawRequest(port, 'NOT A REQUEST\r\n\r\n')
  t.equal(malformed.status, 400)
  t.match(malformed.headers['x-request-id'], /^gen_\d{20}$/, 'the id comes from requestId.generate')
  const malformedBody = JSON.parse(malformed.body)
  t.same(contractErrors(malformedBody), [])
  t.same(malformedBody, { error: { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error', request_id: malformed.headers['x-request-id'], doc_url: 'https://api.example.com/errors#bad_request' } })

  // A URL Fastify cannot decode, answered through frameworkErrors: the plugin's doc_url too.
  const badUrl = await app.inject({ method: 'GET', url: '/widgets/%E0%A4%A' })
  assertEnvelope(t, badUrl, 400, { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error', doc_url: 'https://api.example.com/errors#bad_request' })
})

t.test('keeps the logLevels given to serverOptions() beside the plugin\'s other settings', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions({ logLevels: { clientError: 'warn' } }), plugin: { catalog: errors, docs: { path: '/errors' } }, routes })
  const response = await rawRequest(await listen(app), 'NOT A REQUEST\r\n\r\n')
  t.same(linesOf(logs, response.headers['x-request-id']).map((line) => line.level), [40])
  t.equal(JSON.parse(response.body).error.doc_url, '/errors#bad_request', 'the plugin\'s doc_url')
})

t.test('applies the plugin\'s mapError and format to the answers of serverOptions()', async (t) => {
  const mapped: unknown[] = []
  const { app } = await build(t, {
    server: serverOptions(),
    plugin: { format: 'problem', mapError: (thrown) => { mapped.push(thrown); return thrown } },
    routes
  })
  const response = await app.inject({ method: 'GET', url: '/widgets/%E0%A4%A' })
  t.equal(response.statusCode, 400)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  const body = response.json()
  t.same(problemErrors(body), [])
  const id = response.headers['x-request-id'] as string
  t.same(body, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Request URL is malformed', instance: `urn:request:${id}`, code: 'bad_request', request_id: id })
  t.equal(mapped.length, 1, 'mapError saw the framework\'s error')
})

t.test('answers with its own options on a server no plugin is registered on', async (t) => {
  const own = normalizeOptions({ format: 'problem' })
  const settingsOf = serverSettings(own, ['format'])
  t.equal(settingsOf(undefined), own)
  t.equal(settingsOf('not a server'), own)
  t.equal(settingsOf({}), own)
})
