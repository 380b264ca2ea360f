import t from 'tap'
import createHttpError from 'http-errors'
import createFastifyError from '@fastify/error'
import { httpErrors } from '@fastify/sensible'
import { ApiError, badRequest, defaultErrorHeaders, notFound, normalizeError, unprocessable } from '../../index.js'

const internal = { status: 500, code: 'internal_error', type: 'api_error', message: 'Internal server error' }

t.test('normalizes an ApiError to its status, code, type, message, param, details and headers', async (t) => {
  t.same(normalizeError(notFound('Widget w_1 not found', { param: 'id', headers: { Location: '/widgets' } })), {
    status: 404,
    code: 'not_found',
    type: 'invalid_request_error',
    message: 'Widget w_1 not found',
    param: 'id',
    headers: { location: '/widgets' }
  })
  t.same(normalizeError(badRequest('Secret detail', { expose: false })),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'Bad request' })
})

t.test('falls back to defaults for an ApiError whose fields were changed after it was made', async (t) => {
  const renamed = notFound('Gone')
  Object.assign(renamed, { code: 'Not Found"}', type: 42 })
  t.same(normalizeError(renamed), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Gone' })
  const moved = notFound('Gone')
  Object.assign(moved, { status: 200 })
  t.same(normalizeError(moved), internal)
  const forged = { [Symbol.for('error-envelope.ApiError')]: true, status: 409, code: 'x y', message: 7, expose: true }
  t.same(normalizeError(forged), { status: 409, code: 'conflict', type: 'invalid_request_error', message: 'Conflict' })
})

t.test('answers 500 for an ApiError one of whose fields throws when read', async (t) => {
  const hostile = notFound('Gone')
  Object.defineProperty(hostile, 'message', { get () { throw new Error('getter') } })
  t.same(normalizeError(hostile), internal)
  const forged = { [Symbol.for('error-envelope.ApiError')]: true, status: 404, get code (): string { throw new Error('getter') } }
  t.same(normalizeError(forged), internal)
})

t.test('normalizes an http-errors 4xx with its message and a 5xx with the generic phrase', async (t) => {
  t.same(normalizeError(createHttpError(409, 'x')), { status: 409, code: 'conflict', type: 'invalid_request_error', message: 'x' })
  t.same(normalizeError(createHttpError(503, 'db-7 refused the connection')),
    { status: 503, code: 'service_unavailable', type: 'api_error', message: 'Service unavailable' })
  t.same(normalizeError(createHttpError(400, 'hidden', { expose: false })),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'Bad request' })
  t.same(normalizeError(createHttpError(503, 'db-7 refused the connection'), { exposeServerErrors: true }),
    { status: 503, code: 'service_unavailable', type: 'api_error', message: 'db-7 refused the connection' })
})

t.test('keeps the allowlisted headers of an http-errors error and drops Set-Cookie and unsafe values', async (t) => {
  const error = createHttpError(429, 'Slow down', {
    headers: {
      'Retry-After': 30,
      'Set-Cookie': 'session=1',
      Location: '/a\r\nX-Injected: 1',
      Link: '</a>\n',
      Vary: ['Accept', 'Origin'],
      'Cache-Control': ['no-store', { toString () { throw new Error('never called') } }],
      'Content-Language': { value: 'en' },
      'X-Custom': 'kept only when allowed'
    }
  })
  t.same(normalizeError(error), {
    status: 429,
    code: 'rate_limit_exceeded',
    type: 'rate_limit_error',
    message: 'Slow down',
    headers: { 'retry-after': '30', vary: 'Accept, Origin' }
  })
  t.same(normalizeError(error, { errorHeaders: new Set([...defaultErrorHeaders, 'x-custom']) }).headers,
    { 'retry-after': '30', vary: 'Accept, Origin', 'x-custom': 'kept only when allowed' })
  t.notOk(defaultErrorHeaders.has('set-cookie'))
})

t.test('never copies headers from an error that is not an ApiError or http-errors error', async (t) => {
  const driver = Object.assign(new Error('upstream'), { statusCode: 429, headers: { 'retry-after': '5', authorization: 'Bearer x' } })
  t.same(normalizeError(driver), { status: 429, code: 'rate_limit_exceeded', type: 'rate_limit_error', message: 'upstream' })
  const plain = { status: 404, message: 'gone', headers: { location: '/elsewhere' } }
  t.same(normalizeError(plain), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'gone' })
})

t.test('normalizes @fastify/sensible and @fastify/error errors by their status', async (t) => {
  t.same(normalizeError(httpErrors.notFound()), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not Found' })
  t.same(normalizeError(httpErrors.badGateway('upstream 10.0.0.7 down')), { status: 502, code: 'bad_gateway', type: 'api_error', message: 'Bad gateway' })
  const Teapot = createFastifyError('MY_CODE', 'msg', 418)
  t.same(normalizeError(new Teapot()), { status: 418, code: 'im_a_teapot', type: 'invalid_request_error', message: 'msg' })
  const Broken = createFastifyError('MY_BROKEN', 'pool %s exhausted', 500)
  t.same(normalizeError(new Broken('db')), internal)
})

t.test('normalizes a Boom-shaped error by output.statusCode, masking a 5xx', async (t) => {
  const boom = (statusCode: unknown, message: unknown, extra = {}) =>
    Object.assign(new Error('raw'), { isBoom: true, output: { statusCode, payload: { message }, headers: { location: '/x' } } }, extra)
  t.same(normalizeError(boom(404, 'Widget missing')), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Widget missing' })
  t.same(normalizeError({ isBoom: true, output: { statusCode: 404, payload: { message: 'Plain object' } } }),
    { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Plain object' })
  t.same(normalizeError(boom(500, 'An internal server error occurred')), internal)
  t.same(normalizeError(boom(503, 'pool exhausted'), { exposeServerErrors: true }),
    { status: 503, code: 'service_unavailable', type: 'api_error', message: 'pool exhausted' })
  t.same(normalizeError(boom(200, 'ok')), internal)
  t.same(normalizeError(boom(404, 42)), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' })
  t.same(normalizeError({ isBoom: true }), internal)
  t.same(normalizeError({ isBoom: true, output: { statusCode: 409 } }), { status: 409, code: 'conflict', type: 'invalid_request_error', message: 'Conflict' })
})

t.test('answers a plain Error with a masked 500 unless exposeServerErrors is on', async (t) => {
  const error = new Error('password authentication failed for user "app"', { cause: new Error('secret') })
  t.same(normalizeError(error), internal)
  t.same(normalizeError(error, { exposeServerErrors: true }),
    { status: 500, code: 'internal_error', type: 'api_error', message: 'password authentication failed for user "app"' })
  t.same(normalizeError(new TypeError(''), { exposeServerErrors: true }), internal, 'an empty message reads as the phrase')
  t.same(normalizeError(Object.assign(new Error('Widget is locked'), { statusCode: 423 })),
    { status: 423, code: 'locked', type: 'invalid_request_error', message: 'Widget is locked' })
})

t.test('answers a masked 500 for a thrown string, null, undefined, number, BigInt, symbol or function', async (t) => {
  for (const thrown of ['db down', '', null, undefined, 404, Number.NaN, 10n, Symbol('x'), () => 404, true]) {
    t.same(normalizeError(thrown, { exposeServerErrors: true }), internal, typeof thrown)
  }
})

t.test('reads a plain object by statusCode, then status, and answers 500 otherwise', async (t) => {
  t.same(normalizeError({}), internal)
  t.same(normalizeError({ message: 'db down' }), internal)
  t.same(normalizeError({ statusCode: 404, message: 'gone' }), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'gone' })
  t.same(normalizeError({ status: 409 }), { status: 409, code: 'conflict', type: 'invalid_request_error', message: 'Conflict' })
  t.same(normalizeError({ statusCode: 'abc', status: 410, message: 'moved away' }),
    { status: 410, code: 'gone', type: 'invalid_request_error', message: 'moved away' })
  t.same(normalizeError({ statusCode: 404, message: { text: 'an object' } }),
    { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' })
})

t.test('answers 500 for a status below 400, above 599, NaN, fractional or a string', async (t) => {
  for (const status of [200, 302, 399, 600, 999, Number.NaN, 404.5, '404', Infinity]) {
    t.same(normalizeError({ statusCode: status, message: 'x' }), internal, `statusCode ${String(status)}`)
    t.same(normalizeError(Object.assign(new Error('x'), { status })), internal, `status ${String(status)}`)
  }
})

t.test('survives getters and Proxy traps that throw', async (t) => {
  const getter = {
    get statusCode (): number { throw new Error('getter') },
    status: 404,
    message: 'found by status'
  }
  t.same(normalizeError(getter), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'found by status' })
  const allGetters = Object.defineProperties(new Error('x'), {
    statusCode: { get () { throw new Error('getter') } },
    message: { get () { throw new Error('getter') } },
    code: { get () { throw new Error('getter') } }
  })
  t.same(normalizeError(allGetters), internal)
  const trap = () => { throw new Error('trap') }
  const proxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap })
  t.same(normalizeError(proxy), internal)
  const apiProxy = new Proxy(notFound('Behind a proxy'), { getPrototypeOf: trap })
  t.same(normalizeError(apiProxy), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Behind a proxy' })
  const hostileHeaders = badRequest('Hostile headers', { headers: new Proxy({}, { ownKeys: trap }) })
  t.same(normalizeError(hostileHeaders), internal, 'a failure anywhere answers the fixed 500')
})

t.test('survives circular, BigInt-bearing and null-prototype objects', async (t) => {
  const circular: Record<string, unknown> = { statusCode: 400, message: 'loop' }
  circular.self = circular
  circular.cause = circular
  t.same(normalizeError(circular), { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'loop' })
  t.same(normalizeError({ statusCode: 404, message: 'big', size: 10n }),
    { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'big' })
  t.same(normalizeError({ statusCode: 404n, message: 'big status' }), internal)
  const bare = Object.assign(Object.create(null), { statusCode: 404, message: 'no prototype' })
  t.same(normalizeError(bare), { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'no prototype' })
  t.same(normalizeError(Object.create(null)), internal)
  t.same(normalizeError({ statusCode: 404, message: Symbol('m'), [Symbol('k')]: 1 }),
    { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' })
})

t.test('caps a message at 1024 characters without splitting a surrogate pair', async (t) => {
  const exact = 'a'.repeat(1024)
  t.equal(normalizeError(badRequest(exact)).message, exact, '1024 characters are kept')
  t.equal(normalizeError(badRequest('a'.repeat(5000))).message, 'a'.repeat(1023) + '…')
  const splitPair = 'a'.repeat(1022) + '😀' + 'b'.repeat(10)
  t.equal(normalizeError(badRequest(splitPair)).message, 'a'.repeat(1022) + '…', 'a pair across the cut is dropped whole')
  const wholePair = 'a'.repeat(1021) + '😀' + 'b'.repeat(10)
  t.equal(normalizeError(badRequest(wholePair)).message, 'a'.repeat(1021) + '😀…', 'a pair before the cut is kept whole')
  t.equal(normalizeError({ statusCode: 400, message: 'x'.repeat(2000) }).message.length, 1024)
})

t.test('caps details at 100 and drops the ones that are not a field and a message', async (t) => {
  const many = Array.from({ length: 150 }, (_, i) => ({ field: `items.${i}`, message: 'is wrong' }))
  const capped = normalizeError(unprocessable('Many', { details: many })).details
  t.equal(capped?.length, 100)
  t.same(capped?.[99], { field: 'items.99', message: 'is wrong' })

  const mixed = [
    null, 'text', 1, { field: '', message: 'empty field' }, { field: 'a' }, { field: 'a', message: 1 },
    { field: 'b', message: '' }, { field: 'ok', message: 'fine', extra: 'dropped' },
    { get field () { throw new Error('getter') }, message: 'x' },
    { field: 'f'.repeat(300), message: 'm'.repeat(2000) }
  ]
  t.same(normalizeError(unprocessable('Mixed', { details: mixed as never })).details, [
    { field: 'ok', message: 'fine' },
    { field: 'f'.repeat(255) + '…', message: 'm'.repeat(1023) + '…' }
  ])
  t.same(normalizeError(unprocessable('None', { details: [null, { field: 'a' }] as never })),
    { status: 422, code: 'unprocessable_entity', type: 'validation_error', message: 'None' }, 'no valid detail, no details')
  t.same(normalizeError(unprocessable('Not a list', { details: { field: 'a', message: 'b' } as never })),
    { status: 422, code: 'unprocessable_entity', type: 'validation_error', message: 'Not a list' })
  t.same(normalizeError({ statusCode: 422, message: 'Own details', details: [{ field: 'a', message: 'b' }] }),
    { status: 422, code: 'unprocessable_entity', type: 'validation_error', message: 'Own details' }, 'only an ApiError brings details')
})

t.test('caps param at 256 characters and drops an empty or non-string param', async (t) => {
  t.equal(normalizeError(badRequest('x', { param: 'p'.repeat(256) })).param, 'p'.repeat(256))
  t.equal(normalizeError(badRequest('x', { param: 'p'.repeat(300) })).param, 'p'.repeat(255) + '…')
  t.notOk('param' in normalizeError(badRequest('x', { param: '' })))
  t.notOk('param' in normalizeError(badRequest('x', { param: 5 as unknown as string })))
})

t.test('hands a schema failure to fromValidation with the context, and reads it as usual when that declines', async (t) => {
  const failure = Object.assign(new Error('body must have property name'), { statusCode: 400, validation: [{ keyword: 'required' }] })
  const seen: unknown[] = []
  const answer = { status: 422, code: 'validation_failed', type: 'validation_error', message: 'Validation failed' }
  const settings = {
    fromValidation (error: object, context?: unknown) {
      seen.push(error, context)
      return answer
    }
  }
  t.equal(normalizeError(failure, settings, 'the request'), answer)
  t.same(seen, [failure, 'the request'])
  t.same(normalizeError(failure, { fromValidation: () => undefined }),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'body must have property name' })
  t.same(normalizeError(failure),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'body must have property name' }, 'no hook, no special reading')
  t.same(normalizeError({ statusCode: 400, validation: 'not a list' }, settings),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'Bad request' }, 'only a list is a schema failure')
})

t.test('answers a fresh object each time, never a shared table entry', async (t) => {
  const first = normalizeError('x')
  first.message = 'changed'
  t.same(normalizeError('x'), internal)
  t.ok(new ApiError(404) instanceof Error)
})
