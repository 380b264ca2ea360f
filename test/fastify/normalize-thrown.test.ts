import t from 'tap'
import type { Test } from 'tap'
import createHttpError from 'http-errors'
import createFastifyError from '@fastify/error'
import sensible from '@fastify/sensible'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { assertEnvelope, build, type ExpectedError } from '../helper.js'
import { notFound, serverOptions, type ErrorEnvelopeOptions } from '../../index.js'

const internal: ExpectedError = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

/** Answers GET / with whatever `make` throws, from an async handler and from a sync one. */
async function answersOf (t: Test, make: () => unknown, plugin: ErrorEnvelopeOptions = {}) {
  const { app } = await build(t, {
    plugin,
    routes (app) {
      app.get('/async', async () => { throw make() })
      app.get('/sync', () => { throw make() })
    }
  })
  return [await app.inject('/async'), await app.inject('/sync')]
}

/** A POST /echo route in a fresh app, and one request to it. */
async function post (t: Test, options: Omit<InjectOptions, 'method' | 'url'>, setup: (app: FastifyInstance) => void = () => {}) {
  const { app } = await build(t, {
    server: { bodyLimit: 32 },
    routes (app) {
      setup(app)
      app.post('/echo', async (request) => ({ body: request.body }))
    }
  })
  return app.inject({ method: 'POST', url: '/echo', ...options })
}

t.test('answers a thrown ApiError with its own envelope', async (t) => {
  for (const response of await answersOf(t, () => notFound('Widget w_1 not found', { param: 'id' }))) {
    assertEnvelope(t, response, 404, { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id' })
  }
})

t.test('answers a thrown http-errors 4xx with its message', async (t) => {
  for (const response of await answersOf(t, () => createHttpError(409, 'x'))) {
    assertEnvelope(t, response, 409, { code: 'conflict', message: 'x', type: 'invalid_request_error' })
  }
})

t.test('answers a thrown http-errors 5xx masked, keeping allowlisted headers and dropping the rest', async (t) => {
  const make = () => createHttpError(503, 'replica db-3 lagging 40s', {
    headers: { 'Retry-After': '30', 'Set-Cookie': 'session=evil', Location: '/a\r\nX-Injected: 1', 'X-Debug': 'db-3' }
  })
  for (const response of await answersOf(t, make)) {
    assertEnvelope(t, response, 503, { code: 'service_unavailable', message: 'Service unavailable', type: 'api_error' })
    t.equal(response.headers['retry-after'], '30')
    t.equal(response.headers['set-cookie'], undefined)
    t.equal(response.headers.location, undefined)
    t.equal(response.headers['x-injected'], undefined)
    t.equal(response.headers['x-debug'], undefined)
  }
})

t.test('answers @fastify/sensible errors, thrown or sent with reply helpers', async (t) => {
  const { app } = await build(t, {
    async routes (app) {
      await app.register(sensible)
      app.get('/thrown', async () => { throw app.httpErrors.notFound() })
      app.get('/reply', async (_request, reply) => reply.conflict('Seat already booked'))
      app.get('/server', async () => { throw app.httpErrors.internalServerError('pool exhausted on db-1') })
    }
  })
  assertEnvelope(t, await app.inject('/thrown'), 404, { code: 'not_found', message: 'Not Found', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/reply'), 409, { code: 'conflict', message: 'Seat already booked', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/server'), 500, internal)
})

t.test('answers a thrown @fastify/error error by its status', async (t) => {
  const Teapot = createFastifyError('MY_CODE', 'msg', 418)
  for (const response of await answersOf(t, () => new Teapot())) {
    assertEnvelope(t, response, 418, { code: 'im_a_teapot', message: 'msg', type: 'invalid_request_error' })
  }
})

t.test('answers a thrown Boom-shaped object by output.statusCode', async (t) => {
  const make = () => ({ isBoom: true, output: { statusCode: 404, payload: { message: 'Widget missing' }, headers: { 'set-cookie': 'a=b' } } })
  for (const response of await answersOf(t, make)) {
    assertEnvelope(t, response, 404, { code: 'not_found', message: 'Widget missing', type: 'invalid_request_error' })
    t.equal(response.headers['set-cookie'], undefined)
  }
})

t.test('answers 400 invalid_json for a malformed JSON body', async (t) => {
  const response = await post(t, { headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  assertEnvelope(t, response, 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' })
})

t.test('answers 400 invalid_json for an empty JSON body', async (t) => {
  const response = await post(t, { headers: { 'content-type': 'application/json' }, payload: '' })
  assertEnvelope(t, response, 400, {
    code: 'invalid_json',
    message: 'Request body is empty but Content-Type is application/json',
    type: 'invalid_request_error'
  })
})

t.test('answers 413 payload_too_large for a body over bodyLimit', async (t) => {
  const response = await post(t, { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(64) }) })
  assertEnvelope(t, response, 413, { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' })
})

t.test('answers 415 unsupported_media_type without echoing the content type', async (t) => {
  const response = await post(t, { headers: { 'content-type': 'application/x-evil<script>' }, payload: '<a/>' })
  assertEnvelope(t, response, 415, { code: 'unsupported_media_type', message: 'Unsupported media type', type: 'invalid_request_error' })
})

t.test('answers 400 when the body does not match its Content-Length', async (t) => {
  const response = await post(t, { headers: { 'content-type': 'application/json', 'content-length': '4' }, payload: '{"a":1}' })
  assertEnvelope(t, response, 400, { code: 'bad_request', message: 'Request body size did not match Content-Length', type: 'invalid_request_error' })
})

t.test('answers 400 for a malformed URL with serverOptions()', async (t) => {
  const { app } = await build(t, {
    server: serverOptions(),
    routes (app) {
      app.get('/items/:id', async () => 'never')
    }
  })
  const response = await app.inject('/items/%zz')
  assertEnvelope(t, response, 400, { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error' })
})

t.test('answers a masked 500 when the response does not match its schema', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      const response = { 200: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }
      app.get('/widget', { schema: { response } }, async () => ({ secret: 'internal row' }))
    }
  })
  const response = await app.inject('/widget')
  assertEnvelope(t, response, 500, internal)
  t.notMatch(response.body, /name|required|secret/)
})

t.test('answers a plain Error with a masked 500, its message, stack and cause unseen', async (t) => {
  const make = () => new Error('password authentication failed for user "app"', { cause: new Error('10.0.0.7:5432') })
  for (const response of await answersOf(t, make)) {
    assertEnvelope(t, response, 500, internal)
    t.notMatch(response.body, /password|10\.0\.0\.7|at /)
  }
})

t.test('shows the message of a plain Error when exposeServerErrors is on', async (t) => {
  const make = () => new Error('password authentication failed for user "app"')
  for (const response of await answersOf(t, make, { exposeServerErrors: true })) {
    assertEnvelope(t, response, 500, { code: 'internal_error', message: 'password authentication failed for user "app"', type: 'api_error' })
  }
})

const nonErrors: Array<[string, () => unknown]> = [
  ['a string', () => 'db down'],
  ['null', () => null],
  ['undefined', () => undefined],
  ['a number', () => 404],
  ['a BigInt', () => 10n],
  ['a symbol', () => Symbol('boom')],
  ['a function', () => function statusCode () { return 404 }],
  ['a plain object without a status', () => ({ message: 'db down' })],
  ['an object whose status is below 400', () => ({ statusCode: 302, message: 'x' })],
  ['an object whose status is above 599', () => ({ statusCode: 600, message: 'x' })],
  ['an object whose status is NaN', () => ({ statusCode: Number.NaN, message: 'x' })],
  ['an object whose status is a string', () => ({ statusCode: '404', message: 'x' })],
  ['an object whose statusCode getter throws', () => ({ get statusCode (): number { throw new Error('getter') } })],
  ['a Proxy whose traps throw', () => {
    const trap = () => { throw new Error('trap') }
    return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap })
  }],
  ['a circular object', () => {
    const circular: Record<string, unknown> = { message: 'loop' }
    circular.self = circular
    return circular
  }],
  ['an object carrying a BigInt', () => ({ message: 'big', size: 10n })],
  ['a null-prototype object', () => Object.assign(Object.create(null), { message: 'bare' })]
]

for (const [name, make] of nonErrors) {
  t.test(`answers a masked 500 when a route throws ${name}`, async (t) => {
    for (const response of await answersOf(t, make)) {
      assertEnvelope(t, response, 500, internal)
    }
  })
}

t.test('answers the status of a circular, BigInt-bearing or null-prototype object that has one', async (t) => {
  const circular: Record<string, unknown> = { statusCode: 400, message: 'loop' }
  circular.self = circular
  for (const response of await answersOf(t, () => circular)) {
    assertEnvelope(t, response, 400, { code: 'bad_request', message: 'loop', type: 'invalid_request_error' })
  }
  for (const response of await answersOf(t, () => ({ statusCode: 409, message: 'big', size: 10n }))) {
    assertEnvelope(t, response, 409, { code: 'conflict', message: 'big', type: 'invalid_request_error' })
  }
  for (const response of await answersOf(t, () => Object.assign(Object.create(null), { status: 410, message: 'bare' }))) {
    assertEnvelope(t, response, 410, { code: 'gone', message: 'bare', type: 'invalid_request_error' })
  }
})

t.test('caps a thrown message at 1024 characters in the answer', async (t) => {
  for (const response of await answersOf(t, () => ({ statusCode: 400, message: '😀'.repeat(600) }))) {
    assertEnvelope(t, response, 400, { code: 'bad_request', message: '😀'.repeat(511) + '…', type: 'invalid_request_error' })
  }
})
