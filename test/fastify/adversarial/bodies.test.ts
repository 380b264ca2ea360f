import t from 'tap'
import type { Test } from 'tap'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build, errorLines } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { assertRawEnvelope } from '../../fixtures/adversarial.js'
import { serverOptions } from '../../../index.js'

const INVALID_JSON = { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }
const EMPTY_JSON = { code: 'invalid_json', message: 'Request body is empty but Content-Type is application/json', type: 'invalid_request_error' }
const TOO_LARGE = { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' }
const UNSUPPORTED = { code: 'unsupported_media_type', message: 'Unsupported media type', type: 'invalid_request_error' }
const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

// 100,000 levels of arrays: deeper than any recursive walker survives.
const DEPTH = 100_000
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH)

function echoRoutes (app: FastifyInstance): void {
  app.post('/echo', async (request) => ({ body: request.body }))
}

async function echoApp (t: Test, bodyLimit = 1024) {
  return build(t, { server: { bodyLimit, ...serverOptions() }, routes: echoRoutes })
}

function postJson (app: FastifyInstance, payload: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', ...headers }, payload })
}

t.test('answers truncated JSON with 400 invalid_json', async (t) => {
  const { app } = await echoApp(t)
  for (const payload of ['{"a":', '{"a":1', '[1,2', '"abc', '{"a":tru}', 'nul']) {
    assertEnvelope(t, await postJson(app, payload), 400, INVALID_JSON)
  }
})

t.test('answers an empty JSON body with 400 invalid_json saying the body is empty', async (t) => {
  const { app } = await echoApp(t)
  assertEnvelope(t, await postJson(app, ''), 400, EMPTY_JSON)
})

t.test('answers __proto__ and constructor.prototype keys with 400 invalid_json and leaves Object.prototype untouched', async (t) => {
  const { app } = await echoApp(t)
  const payloads = [
    '{"__proto__":{"polluted":true}}',
    '{"a":{"b":{"__proto__":{"polluted":true}}}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '[{"constructor":{"prototype":{"polluted":true}}}]',
    '{"\\u005f\\u005fproto__":{"polluted":true}}'
  ]
  for (const payload of payloads) {
    assertEnvelope(t, await postJson(app, payload), 400, INVALID_JSON)
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'a new object has no polluted key')
  t.notOk(Object.hasOwn(Object.prototype, 'polluted'), 'Object.prototype has no own polluted key')
  const ok = await postJson(app, '{"constructor":"c","prototype":"p"}')
  t.equal(ok.statusCode, 200, 'keys named constructor or prototype alone are data')
  t.same(ok.json(), { body: { constructor: 'c', prototype: 'p' } })
})

t.test('answers a body over bodyLimit with 413 payload_too_large, with Content-Length', async (t) => {
  const { app } = await echoApp(t, 64)
  assertEnvelope(t, await postJson(app, JSON.stringify({ a: 'x'.repeat(100) })), 413, TOO_LARGE)
})

t.test('answers a Content-Length over bodyLimit with 413 on a real socket before the body arrives, and closes', async (t) => {
  const { app } = await echoApp(t, 64)
  const port = await listen(app)
  const response = await rawRequest(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"a":"')
  assertRawEnvelope(t, response, 413, TOO_LARGE)
  t.equal(response.headers.connection, 'close')
  t.ok(response.closed, 'the connection is closed')
})

t.test('answers a chunked body that grows past bodyLimit with 413 on a real socket, and closes', async (t) => {
  const { app } = await echoApp(t, 64)
  const port = await listen(app)
  const chunk = '40\r\n' + 'x'.repeat(64) + '\r\n'
  const response = await rawRequest(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' + chunk.repeat(4))
  assertRawEnvelope(t, response, 413, TOO_LARGE)
  t.equal(response.headers.connection, 'close')
  t.ok(response.closed, 'the connection is closed')
})

t.test('parses JSON whatever the case, surrounding whitespace, tabs and parameters of its content type', async (t) => {
  const { app } = await echoApp(t)
  const types = ['APPLICATION/JSON', 'Application/Json', ' application/json', 'application/json ', 'application/json\t',
    'application/json;charset=utf-8', 'application/json ; charset=utf-8', 'application/json;\tcharset=utf-8', 'application/json; charset="utf-8"']
  for (const type of types) {
    const response = await postJson(app, '{"a":1}', { 'content-type': type })
    t.equal(response.statusCode, 200, JSON.stringify(type))
    t.same(response.json(), { body: { a: 1 } })
  }
})

t.test('answers application/jsonx, +json suffixes, lists, empty and missing content types with 415 unsupported_media_type', async (t) => {
  const { app } = await echoApp(t)
  const types = ['application/jsonx', 'application/json-patch+json', 'application/vnd.api+json', 'text/json',
    'application/json, text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']
  for (const type of types) {
    t.test(JSON.stringify(type), async (t) => {
      assertEnvelope(t, await postJson(app, '{"a":1}', { 'content-type': type }), 415, UNSUPPORTED)
    })
  }
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/echo', payload: '{"a":1}' }), 415, UNSUPPORTED)
})

t.test('answers a gzip-encoded JSON body with 400 invalid_json, since the parser does not decode content codings', async (t) => {
  const { app } = await echoApp(t)
  assertEnvelope(t, await postJson(app, gzipSync('{"a":1}'), { 'content-encoding': 'gzip' }), 400, INVALID_JSON)
  const port = await listen(app)
  const body = gzipSync('{"a":1}')
  const head = `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`
  assertRawEnvelope(t, await rawRequest(port, Buffer.concat([Buffer.from(head, 'latin1'), body])), 400, INVALID_JSON)
})

t.test('answers a gzip bomb label on a body over bodyLimit with 413, without inflating it', async (t) => {
  const { app } = await echoApp(t, 64)
  const bomb = gzipSync(Buffer.alloc(10_000_000))
  t.ok(bomb.length > 64, 'the compressed body alone is over the limit')
  assertEnvelope(t, await postJson(app, bomb, { 'content-encoding': 'gzip' }), 413, TOO_LARGE)
})

t.test('accepts 100,000 levels of nested arrays on a route without a schema', async (t) => {
  const { app } = await build(t, {
    routes (app) { app.post('/deep', async () => ({ ok: true })) }
  })
  const response = await app.inject({ method: 'POST', url: '/deep', headers: { 'content-type': 'application/json' }, payload: deepArray })
  t.equal(response.statusCode, 200)
})

t.test('answers 100,000 levels of nested arrays against a nested schema with one 422 detail, without overflowing', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/deep', {
        schema: { body: { type: 'array', items: { type: 'array', items: { type: 'array', items: { type: 'string' } } } } }
      }, async () => ({ ok: true }))
    }
  })
  const response = await app.inject({ method: 'POST', url: '/deep', headers: { 'content-type': 'application/json' }, payload: deepArray })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'Invalid field [0][0][0]: must be a string',
    type: 'validation_error',
    param: '[0][0][0]',
    details: [{ field: '[0][0][0]', message: 'must be a string' }]
  })
})

t.test('answers a 500 whose cause is 100,000 levels of nested arrays masked, with one bounded log line', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.post('/deep', async (request) => {
        throw new Error('could not store', { cause: request.body })
      })
    }
  })
  const response = await app.inject({ method: 'POST', url: '/deep', headers: { 'content-type': 'application/json' }, payload: deepArray })
  const body = assertEnvelope(t, response, 500, MASKED)
  const lines = errorLines(logs, body.error.request_id)
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0].err, { type: 'Error', message: /^could not store/ })
  t.ok(JSON.stringify(lines[0]).length < 20_000, 'the line stays small')
})

t.test('answers a thrown plain object carrying 100,000 levels of nested arrays in every field with a masked 500', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.post('/deep', async (request) => {
        const deep = request.body
        // eslint-disable-next-line no-throw-literal
        throw { message: deep, cause: deep, details: deep, headers: deep, errors: deep, code: deep }
      })
    }
  })
  const response = await app.inject({ method: 'POST', url: '/deep', headers: { 'content-type': 'application/json' }, payload: deepArray })
  const body = assertEnvelope(t, response, 500, MASKED)
  t.equal(errorLines(logs, body.error.request_id).length, 1, 'one line')
})
