import t from 'tap'
import type { Test } from 'tap'
import createHttpError from 'http-errors'
import type { LightMyRequestResponse } from 'fastify'
import { assertEnvelope, build, errorLines } from '../../helper.js'
import { ApiError, conflict, serviceUnavailable } from '../../../index.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const SECRET = 'pg://admin:hunter2@10.0.0.7/prod'

/** A fresh app whose GET / throws what `make` returns, and one request to it. */
async function answerTo (t: Test, make: () => unknown) {
  const { app, logs } = await build(t, {
    routes (app) { app.get('/', async () => { throw make() }) }
  })
  const response = await app.inject('/')
  return { response, logs }
}

function leaks (response: LightMyRequestResponse, secret: string): boolean {
  return response.body.includes(secret) || JSON.stringify(response.headers).includes(secret)
}

t.test('caps a 100,000-character 4xx message at 1024 characters ending with an ellipsis', async (t) => {
  const huge = 'x'.repeat(100_000)
  for (const make of [() => conflict(huge), () => createHttpError(409, huge), () => ({ status: 409, message: huge })]) {
    const { response } = await answerTo(t, make)
    assertEnvelope(t, response, 409, { code: 'conflict', message: 'x'.repeat(1023) + '…', type: 'invalid_request_error' })
  }
})

t.test('caps a huge 4xx message of emoji without splitting a surrogate pair', async (t) => {
  const { response } = await answerTo(t, () => conflict('😀'.repeat(50_000)))
  const body = assertEnvelope(t, response, 409, { code: 'conflict', message: '😀'.repeat(511) + '…', type: 'invalid_request_error' })
  t.notMatch(body.error.message, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no lone high surrogate')
})

t.test('masks a 100,000-character 5xx message and logs it capped at 8192 characters', async (t) => {
  const { response, logs } = await answerTo(t, () => new Error('y'.repeat(100_000)))
  const body = assertEnvelope(t, response, 500, MASKED)
  const [line] = errorLines(logs, body.error.request_id)
  t.equal(line.err.message, 'y'.repeat(8192) + '…')
  t.equal(line.msg, 'y'.repeat(8192) + '…')
})

t.test('never sends a secret in a 5xx message, stack, cause chain or AggregateError member, and logs them at level 50', async (t) => {
  const makers = [
    () => new Error(`connect ${SECRET} refused`),
    () => new Error('query failed', { cause: new Error(`login ${SECRET}`) }),
    () => new Error('query failed', { cause: { code: 'ECONNREFUSED', message: `dial ${SECRET}` } }),
    () => new Error('outer', { cause: new Error('middle', { cause: SECRET }) }),
    () => new ApiError(500, `db ${SECRET}`, { expose: false }),
    () => serviceUnavailable('Try again later', { cause: new Error(SECRET) }),
    () => createHttpError(502, `upstream ${SECRET}`),
    () => Object.assign(new Error(`status-less ${SECRET}`), { status: 503, statusCode: 503, expose: false }),
    () => new AggregateError([new Error(SECRET), conflict('fine')], 'several failures')
  ]
  for (const make of makers) {
    const { response, logs } = await answerTo(t, make)
    t.ok(response.statusCode >= 500, `${response.statusCode} is a 5xx`)
    t.notOk(leaks(response, SECRET), 'no secret in the body or headers')
    const body = response.json()
    const lines = errorLines(logs, body.error.request_id)
    t.equal(lines.length, 1, 'one line')
    t.equal(lines[0].level, 50, 'at level 50')
    t.ok(JSON.stringify(lines[0]).includes(SECRET), 'the line keeps the detail for the operator')
  }
})

t.test('drops Set-Cookie from an error\'s headers, whatever its case, and keeps the allowlisted ones', async (t) => {
  const makers = [
    () => createHttpError(503, 'down', { headers: { 'Set-Cookie': 'session=attacker', 'Retry-After': '30' } }),
    () => new ApiError(503, 'Down for maintenance', { headers: { 'SET-COOKIE': ['a=1', 'b=2'], 'retry-after': 30 } }),
    () => Object.assign(createHttpError(503), { headers: { 'set-cookie': 'session=attacker', 'Retry-After': '30' } })
  ]
  for (const make of makers) {
    const { response } = await answerTo(t, make)
    t.equal(response.statusCode, 503)
    t.equal(response.headers['set-cookie'], undefined, 'no cookie')
    t.equal(response.headers['retry-after'], '30', 'Retry-After kept')
    t.notOk(response.body.includes('attacker'))
  }
})

t.test('drops an allowlisted header whose value carries a newline, so no header is injected', async (t) => {
  const makers = [
    () => createHttpError(401, 'Unauthorized', { headers: { 'WWW-Authenticate': 'Bearer\r\nSet-Cookie: session=attacker', Vary: 'Origin' } }),
    () => new ApiError(401, 'Token expired', { headers: { 'www-authenticate': 'Bearer\nX-Injected: 1', vary: 'Origin' } }),
    () => new ApiError(401, 'Token expired', { headers: { 'www-authenticate': ['Bearer', 'Basic\r\nX-Injected: 1'], vary: 'Origin' } }),
    () => new ApiError(401, 'Token expired', { headers: { 'www-authenticate': 'Bearer\u0000', vary: 'Origin' } })
  ]
  for (const make of makers) {
    const { response } = await answerTo(t, make)
    t.equal(response.statusCode, 401)
    t.equal(response.headers['www-authenticate'], undefined, 'the unsafe header is dropped')
    t.equal(response.headers.vary, 'Origin', 'the safe one is kept')
    t.equal(response.headers['set-cookie'], undefined)
    t.equal(response.headers['x-injected'], undefined)
  }
})

t.test('ignores the headers of a thrown object that is not an http error, cookies and allowlisted names alike', async (t) => {
  const make = () => ({ status: 503, headers: { 'set-cookie': 'session=attacker', 'retry-after': '5', location: 'https://evil.example' } })
  const { response } = await answerTo(t, make)
  assertEnvelope(t, response, 503, { code: 'service_unavailable', message: 'Service unavailable', type: 'api_error' })
  t.equal(response.headers['set-cookie'], undefined)
  t.equal(response.headers['retry-after'], undefined)
  t.equal(response.headers.location, undefined)
})

t.test('answers an AggregateError with a masked 500 and logs its first ten members', async (t) => {
  const members = Array.from({ length: 1000 }, (_, i) => new Error(`member ${i}`))
  const { response, logs } = await answerTo(t, () => new AggregateError(members, 'batch failed'))
  const body = assertEnvelope(t, response, 500, MASKED)
  const [line] = errorLines(logs, body.error.request_id)
  t.equal(line.err.errors.length, 10)
  t.same(line.err.errors.map((e: { message: string }) => e.message), members.slice(0, 10).map((e) => e.message))
})

t.test('answers an AggregateError that carries a 4xx status with that status and its message', async (t) => {
  const make = () => Object.assign(new AggregateError([conflict('a'), conflict('b')], 'Two widgets conflict'), { statusCode: 409 })
  const { response } = await answerTo(t, make)
  assertEnvelope(t, response, 409, { code: 'conflict', message: 'Two widgets conflict', type: 'invalid_request_error' })
})

t.test('answers an AggregateError whose errors list is a Proxy that throws with a masked 500, logged once', async (t) => {
  const make = () => {
    const error = new AggregateError([], 'batch failed')
    Object.defineProperty(error, 'errors', { value: new Proxy([], { get () { throw new Error(SECRET) } }) })
    return error
  }
  const { response, logs } = await answerTo(t, make)
  const body = assertEnvelope(t, response, 500, MASKED)
  t.equal(errorLines(logs, body.error.request_id).length, 1)
})
