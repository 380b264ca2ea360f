import t from 'tap'
import type { Test } from 'tap'
import { assertEnvelope, build, type ExpectedError } from '../helper.js'
import { MisuseError } from '../../lib/core/misuse.js'
import {
  ApiError,
  badGateway,
  badRequest,
  conflict,
  forbidden,
  gatewayTimeout,
  internalError,
  isApiError,
  methodNotAllowed,
  notFound,
  notImplemented,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessable,
  type ErrorEnvelopeOptions
} from '../../index.js'

/** Answers GET / with whatever `make` throws, in a fresh app. */
async function answerThrown (t: Test, make: () => unknown, plugin: ErrorEnvelopeOptions = {}) {
  const { app } = await build(t, {
    plugin,
    routes (app) {
      app.get('/', async () => { throw make() })
    }
  })
  return app.inject('/')
}

interface HelperCase {
  name: string
  make: () => ApiError
  status: number
  expected: ExpectedError
  headers?: Record<string, string>
}

const cases: HelperCase[] = [
  {
    name: 'badRequest() with a param',
    make: () => badRequest('Cursor is malformed', { param: 'cursor' }),
    status: 400,
    expected: { code: 'bad_request', message: 'Cursor is malformed', type: 'invalid_request_error', param: 'cursor' }
  },
  {
    name: 'badRequest() without a message',
    make: () => badRequest(),
    status: 400,
    expected: { code: 'bad_request', message: 'Bad request', type: 'invalid_request_error' }
  },
  {
    name: 'unauthorized()',
    make: () => unauthorized('Invalid API key'),
    status: 401,
    expected: { code: 'unauthorized', message: 'Invalid API key', type: 'authentication_error' },
    headers: { 'www-authenticate': 'Bearer' }
  },
  {
    name: 'unauthorized() with its own challenge',
    make: () => unauthorized('Token expired', { challenge: 'Bearer error="invalid_token"' }),
    status: 401,
    expected: { code: 'unauthorized', message: 'Token expired', type: 'authentication_error' },
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' }
  },
  {
    name: 'forbidden()',
    make: () => forbidden('This key cannot write invoices'),
    status: 403,
    expected: { code: 'forbidden', message: 'This key cannot write invoices', type: 'permission_error' }
  },
  {
    name: 'notFound()',
    make: () => notFound('Widget w_1 not found', { param: 'id' }),
    status: 404,
    expected: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id' }
  },
  {
    name: 'methodNotAllowed() with allow',
    make: () => methodNotAllowed('Invoices cannot be deleted', { allow: ['GET', 'HEAD'] }),
    status: 405,
    expected: { code: 'method_not_allowed', message: 'Invoices cannot be deleted', type: 'invalid_request_error' },
    headers: { allow: 'GET, HEAD' }
  },
  {
    name: 'methodNotAllowed() without allow',
    make: () => methodNotAllowed(),
    status: 405,
    expected: { code: 'method_not_allowed', message: 'Method not allowed', type: 'invalid_request_error' }
  },
  {
    name: 'conflict()',
    make: () => conflict('Email already registered', { param: 'email', code: 'email_taken' }),
    status: 409,
    expected: { code: 'email_taken', message: 'Email already registered', type: 'invalid_request_error', param: 'email' }
  },
  {
    name: 'unprocessable() with details',
    make: () => unprocessable('Email already registered', {
      details: [{ field: 'email', message: 'is already taken' }, { field: 'name', message: 'is too short' }]
    }),
    status: 422,
    expected: {
      code: 'validation_failed',
      message: 'Email already registered',
      type: 'validation_error',
      param: 'email',
      details: [{ field: 'email', message: 'is already taken' }, { field: 'name', message: 'is too short' }]
    }
  },
  {
    name: 'tooManyRequests() with retryAfter',
    make: () => tooManyRequests('Daily export quota used up', { retryAfter: 3600 }),
    status: 429,
    expected: { code: 'rate_limit_exceeded', message: 'Daily export quota used up', type: 'rate_limit_error' },
    headers: { 'retry-after': '3600' }
  },
  {
    name: 'internalError()',
    make: () => internalError('Export failed, retry later', { cause: new Error('disk full on /var/db') }),
    status: 500,
    expected: { code: 'internal_error', message: 'Export failed, retry later', type: 'api_error' }
  },
  {
    name: 'internalError() with expose: false',
    make: () => internalError('Shard 7 of the ledger is corrupt', { expose: false }),
    status: 500,
    expected: { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
  },
  {
    name: 'notImplemented()',
    make: () => notImplemented('Bulk delete is not available yet'),
    status: 501,
    expected: { code: 'not_implemented', message: 'Bulk delete is not available yet', type: 'api_error' }
  },
  {
    name: 'badGateway()',
    make: () => badGateway('The payment provider answered an error'),
    status: 502,
    expected: { code: 'bad_gateway', message: 'The payment provider answered an error', type: 'api_error' }
  },
  {
    name: 'serviceUnavailable() with retryAfter',
    make: () => serviceUnavailable('Down for maintenance', { retryAfter: 120 }),
    status: 503,
    expected: { code: 'service_unavailable', message: 'Down for maintenance', type: 'api_error' },
    headers: { 'retry-after': '120' }
  },
  {
    name: 'gatewayTimeout()',
    make: () => gatewayTimeout(),
    status: 504,
    expected: { code: 'gateway_timeout', message: 'Gateway timeout', type: 'api_error' }
  }
]

for (const c of cases) {
  const headerText = c.headers === undefined ? '' : ` and ${Object.keys(c.headers).join(', ')}`
  t.test(`answers a thrown ${c.name} with ${c.status} ${c.expected.code}${headerText}`, async (t) => {
    const response = await answerThrown(t, c.make)
    assertEnvelope(t, response, c.status, c.expected)
    for (const name of ['www-authenticate', 'allow', 'retry-after']) {
      t.equal(response.headers[name], c.headers?.[name], `${name} header`)
    }
  })
}

t.test('rounds retryAfter up to whole seconds and never sends 0', async (t) => {
  const header = (retryAfter: number) => tooManyRequests(undefined, { retryAfter }).headers
  t.same(header(1.2), { 'retry-after': '2' })
  t.same(header(0.001), { 'retry-after': '1' })
  t.same(header(0), { 'retry-after': '1' })
  t.same(header(Number.MAX_SAFE_INTEGER), { 'retry-after': String(Number.MAX_SAFE_INTEGER) })
  t.same(serviceUnavailable().headers, undefined, 'no Retry-After unless asked')
})

t.test('refuses a retryAfter that is not a number of seconds, naming it and the value', async (t) => {
  const wrong: Array<[unknown, string]> = [
    [-1, '-1'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['30', '"30"'], [1e21, '1e+21'], [null, 'null']
  ]
  for (const [value, shown] of wrong) {
    const message = `error-envelope: option "retryAfter" must be a number of seconds, instead got ${shown}`
    t.throws(() => tooManyRequests('x', { retryAfter: value as number }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', message))
    t.throws(() => serviceUnavailable('x', { retryAfter: value as number }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', message))
  }
})

t.test('refuses an allow that is not an array of method names, naming it and the value', async (t) => {
  t.throws(() => methodNotAllowed('x', { allow: 'GET' as unknown as string[] }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR',
    'error-envelope: methodNotAllowed option "allow" must be an array of method names, instead got "GET"'))
  t.throws(() => methodNotAllowed('x', { allow: ['GET', 1] as unknown as string[] }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR',
    'error-envelope: methodNotAllowed option "allow" must be an array of method names, instead got an array'))
})

t.test('refuses a challenge that is not a non-empty string, naming it and the value', async (t) => {
  t.throws(() => unauthorized('x', { challenge: '' }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR',
    'error-envelope: unauthorized option "challenge" must be a non-empty string, instead got ""'))
  t.throws(() => unauthorized('x', { challenge: 42 as unknown as string }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR',
    'error-envelope: unauthorized option "challenge" must be a non-empty string, instead got 42'))
})

t.test('merges the headers option with the header a helper sets, the option winning', async (t) => {
  const response = await answerThrown(t, () => tooManyRequests('Slow down', {
    retryAfter: 5,
    headers: { 'X-RateLimit-Limit': 10, vary: ['Accept', 'Origin'] }
  }))
  assertEnvelope(t, response, 429, { code: 'rate_limit_exceeded', message: 'Slow down', type: 'rate_limit_error' })
  t.equal(response.headers['retry-after'], '5')
  t.equal(response.headers['x-ratelimit-limit'], '10')
  t.equal(response.headers.vary, 'Accept, Origin')

  t.same(unauthorized('x', { headers: { 'www-authenticate': 'Basic realm="api"' } }).headers,
    { 'www-authenticate': 'Basic realm="api"' })
  t.same(methodNotAllowed('x', { allow: ['GET'], headers: { 'cache-control': 'no-store' } }).headers,
    { allow: 'GET', 'cache-control': 'no-store' })
})

t.test('sends only allowlisted headers of an ApiError, plus the errorHeaders option', async (t) => {
  const make = () => badRequest('Quota header', {
    headers: { 'x-quota': '5', 'set-cookie': 'session=1', location: '/next', 'x-other': '1' }
  })
  const plain = await answerThrown(t, make)
  assertEnvelope(t, plain, 400, { code: 'bad_request', message: 'Quota header', type: 'invalid_request_error' })
  t.equal(plain.headers.location, '/next')
  t.equal(plain.headers['x-quota'], undefined)
  t.equal(plain.headers['x-other'], undefined)
  t.equal(plain.headers['set-cookie'], undefined)

  const extra = await answerThrown(t, make, { errorHeaders: ['X-Quota'] })
  assertEnvelope(t, extra, 400, { code: 'bad_request', message: 'Quota header', type: 'invalid_request_error' })
  t.equal(extra.headers['x-quota'], '5')
  t.equal(extra.headers['x-other'], undefined)
  t.equal(extra.headers['set-cookie'], undefined)
})

t.test('answers a thrown new ApiError() with any 4xx or 5xx status and its own code and type', async (t) => {
  const teapot = await answerThrown(t, () => new ApiError(418, 'I only brew tea'))
  assertEnvelope(t, teapot, 418, { code: 'im_a_teapot', message: 'I only brew tea', type: 'invalid_request_error' })
  const custom = await answerThrown(t, () => new ApiError(409, 'Seat taken', { code: 'seat_taken', type: 'booking_error' }))
  assertEnvelope(t, custom, 409, { code: 'seat_taken', message: 'Seat taken', type: 'booking_error' })
})

t.test('makes an ApiError whose status and statusCode agree and that keeps its cause', async (t) => {
  const cause = new Error('connection reset')
  const error = new ApiError(502, 'Upstream failed', { cause, param: 'provider' })
  t.ok(error instanceof Error)
  t.ok(error instanceof ApiError)
  t.equal(error.name, 'ApiError')
  t.equal(error.status, 502)
  t.equal(error.statusCode, 502)
  t.equal(error.code, 'bad_gateway')
  t.equal(error.type, 'api_error')
  t.equal(error.param, 'provider')
  t.equal(error.cause, cause)
  t.equal(error.expose, true)
  t.equal(notFound().message, 'Not found')
  t.notOk('cause' in notFound(), 'no cause unless given')
})

t.test('tells an ApiError from anything else with isApiError', async (t) => {
  t.equal(isApiError(notFound()), true)
  t.equal(isApiError(new ApiError(400)), true)
  t.equal(isApiError(new Error('x')), false)
  t.equal(isApiError({ status: 404, code: 'not_found' }), false)
  t.equal(isApiError(null), false)
  t.equal(isApiError('not_found'), false)
  t.equal(isApiError(undefined), false)
  const hostile = new Proxy({}, { get () { throw new Error('trap') } })
  t.equal(isApiError(hostile), false, 'a Proxy whose get trap throws is not an ApiError')
})

t.test('captures no stack trace for a 4xx unless asked, and always one for a 5xx', async (t) => {
  const limit = Error.stackTraceLimit
  const hasFrames = (error: Error) => /\n\s+at /.test(error.stack ?? '')
  t.equal(hasFrames(notFound('x')), false, 'a 4xx has no frames')
  t.equal(hasFrames(unauthorized()), false)
  t.equal(Error.stackTraceLimit, limit, 'the stack trace limit is restored')
  t.equal(hasFrames(notFound('x', { captureStack: true })), true, 'captureStack: true asks for one')
  t.equal(hasFrames(internalError('x')), true, 'a 5xx has frames')
  t.equal(hasFrames(serviceUnavailable()), true)
  t.equal(hasFrames(internalError('x', { captureStack: false })), false, 'captureStack: false declines one')
  t.equal(hasFrames(new Error('plain')), true, 'other errors are untouched')
})

t.test('refuses a status outside 400-599 with a TypeError naming what was given', async (t) => {
  const limit = Error.stackTraceLimit
  const wrong: Array<[unknown, string]> = [[200, '200'], [600, '600'], [404.5, '404.5'], [Number.NaN, 'NaN'], ['404', '"404"'], [undefined, 'undefined']]
  for (const [status, shown] of wrong) {
    t.throws(() => new ApiError(status as number, 'x'), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError expects a status from 400 to 599, instead got ${shown}`))
  }
  t.equal(Error.stackTraceLimit, limit, 'the stack trace limit is restored')
})

t.test('refuses a code or type that is not a lower-case identifier, naming the option', async (t) => {
  const pattern = '/^[a-z][a-z0-9_]{0,63}$/'
  t.throws(() => notFound('x', { code: 'Not-Found' }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "code" must match ${pattern}, instead got "Not-Found"`))
  t.throws(() => notFound('x', { code: 'a'.repeat(65) }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "code" must match ${pattern}, instead got "${'a'.repeat(64)}…"`))
  t.throws(() => conflict('x', { type: 'Conflict Error' }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "type" must match ${pattern}, instead got "Conflict Error"`))
  t.throws(() => conflict('x', { type: 7 as unknown as string }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "type" must match ${pattern}, instead got 7`))
  const shown: Array<[unknown, string]> = [
    [10n, '10n'], [Symbol('s'), 'a symbol'], [() => 'x', 'a function'], [['a'], 'an array'], [{ a: 1 }, 'an object']
  ]
  for (const [code, text] of shown) {
    t.throws(() => notFound('x', { code: code as string }), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: ApiError option "code" must match ${pattern}, instead got ${text}`))
  }
})
