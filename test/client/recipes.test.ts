import t, { type Test } from 'tap'
import Fastify from 'fastify'
import ky, { HTTPError } from 'ky'
import { FetchError, ofetch } from 'ofetch'
import axios from 'axios'
import createClient from 'openapi-fetch'
import errorEnvelope, { defineErrors, tooManyRequests, type ErrorCodeOf } from '../../index.js'
import { isClientError, parseError, readError, retryDelay, type ClientError } from '../../client.js'
import { contractErrors } from '../helper.js'

// The recipes of docs/consuming-errors.md, run against the real clients and a
// real server: each one gives the same ClientError as readError() on fetch.

const errors = defineErrors({
  order_already_shipped: { status: 409, message: 'Order {id} has shipped', title: 'Order already shipped' }
})
type ApiErrorCode = ErrorCodeOf<typeof errors>

// The paths openapi-typescript writes for the two operations used here.
interface paths {
  '/orders/{id}': { patch: { parameters: { path: { id: string } }, responses: { 200: { content: { 'application/json': { id: string } } }, 409: { content: { 'application/json': unknown } } } } }
}

async function start (t: Test): Promise<{ base: string, hits: Map<string, number[]> }> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope, { catalog: errors })
  const hits = new Map<string, number[]>()
  app.patch<{ Params: { id: string } }>('/orders/:id', async (request) => { throw errors.order_already_shipped({ id: request.params.id }, { param: 'id' }) })
  app.post('/orders', { schema: { body: { type: 'object', required: ['qty'], properties: { qty: { type: 'integer', minimum: 1 } } } } }, async () => ({ ok: true }))
  // Busy on its first request for each key, then fine: Retry-After 1.
  app.get<{ Querystring: { key: string } }>('/busy', async (request) => {
    const times = hits.get(request.query.key) ?? []
    times.push(Date.now())
    hits.set(request.query.key, times)
    if (times.length === 1) throw tooManyRequests('Slow down', { retryAfter: 1 })
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  return { base: `http://127.0.0.1:${address.port}`, hits }
}

// What every recipe must agree on, the request id aside.
function sameFailure (err: ClientError): Record<string, unknown> {
  return { status: err.status, code: err.code, type: err.type, message: err.message, param: err.param, details: err.details, fieldErrors: { ...err.fieldErrors }, docUrl: err.docUrl, retryable: err.retryable, format: err.format, body: { error: { ...(err.body as any).error, request_id: 'x' } } }
}

const shipped = {
  status: 409,
  code: 'order_already_shipped',
  type: 'invalid_request_error',
  message: 'Order o_1 has shipped',
  param: 'id',
  details: [],
  fieldErrors: {},
  docUrl: undefined,
  retryable: false,
  format: 'envelope',
  body: { error: { code: 'order_already_shipped', message: 'Order o_1 has shipped', type: 'invalid_request_error', param: 'id', request_id: 'x' } }
}

t.test('fetch: readError on a failed response', async (t) => {
  const { base } = await start(t)
  const res = await fetch(`${base}/orders/o_1`, { method: 'PATCH' })
  t.notOk(res.ok)
  const err = await readError<ApiErrorCode>(res)
  t.same(contractErrors(err.body), [])
  t.same(sameFailure(err), shipped)
  t.equal(err.requestId, res.headers.get('x-request-id'))
  const invalid = await readError<ApiErrorCode>(await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"qty":0}' }))
  t.same(contractErrors(invalid.body), [])
  t.same([invalid.code, invalid.param, invalid.details, { ...invalid.fieldErrors }], ['validation_failed', 'qty', [{ field: 'qty', message: 'must be at least 1' }], { qty: ['must be at least 1'] }])
})

t.test('ky: parseError on HTTPError.data, and ky\'s own Retry-After handling kept', async (t) => {
  const { base, hits } = await start(t)
  let caught: unknown
  try {
    await ky.patch(`${base}/orders/o_1`).json()
  } catch (error) {
    // ky 2 has read the body into `data`: the response's body is used.
    caught = error instanceof HTTPError ? parseError<ApiErrorCode>(error.response.status, error.response.headers, error.data) : error
  }
  t.ok(isClientError(caught))
  t.same(sameFailure(caught as ClientError), shipped)
  const started = Date.now()
  t.same(await ky.get(`${base}/busy`, { searchParams: { key: 'ky' } }).json(), { ok: true })
  const [first, second] = hits.get('ky') ?? []
  t.ok(second - first >= 950, `ky waited ${second - first} ms for Retry-After: 1`)
  t.ok(Date.now() - started < 10_000)
})

t.test('ofetch: parseError on FetchError.data, and retryDelay() makes its retry wait for Retry-After', async (t) => {
  const { base, hits } = await start(t)
  let caught: unknown
  try {
    await ofetch(`${base}/orders/o_1`, { method: 'PATCH' })
  } catch (error) {
    caught = error instanceof FetchError && error.response !== undefined ? parseError<ApiErrorCode>(error.response.status, error.response.headers, error.data) : error
  }
  t.ok(isClientError(caught))
  t.same(sameFailure(caught as ClientError), shipped)
  t.match((caught as ClientError).requestId, /^req_/)

  t.same(await ofetch(`${base}/busy`, { query: { key: 'plain' }, retry: 1 }), { ok: true })
  const [plainFirst, plainSecond] = hits.get('plain') ?? []
  t.ok(plainSecond - plainFirst < 900, `on its own, ofetch retried after ${plainSecond - plainFirst} ms despite Retry-After: 1`)

  const api = ofetch.create({ retry: 1, retryDelay: retryDelay({ maxMs: 5000 }) })
  t.same(await api(`${base}/busy`, { query: { key: 'helped' } }), { ok: true })
  const [first, second] = hits.get('helped') ?? []
  t.ok(second - first >= 950, `with retryDelay(), ofetch waited ${second - first} ms`)
})

t.test('axios: parseError on error.response', async (t) => {
  const { base } = await start(t)
  let caught: unknown
  try {
    await axios.patch(`${base}/orders/o_1`, { status: 'cancelled' })
  } catch (error) {
    caught = axios.isAxiosError(error) && error.response !== undefined ? parseError<ApiErrorCode>(error.response.status, error.response.headers, error.response.data) : error
  }
  t.ok(isClientError(caught))
  t.same(sameFailure(caught as ClientError), shipped)
  t.match((caught as ClientError).requestId, /^req_/, 'the request id read through AxiosHeaders')
})

t.test('openapi-fetch: parseError on the error it returns', async (t) => {
  const { base } = await start(t)
  const client = createClient<paths>({ baseUrl: base })
  const { data, error, response } = await client.PATCH('/orders/{id}', { params: { path: { id: 'o_1' } } })
  t.equal(data, undefined)
  const err = parseError<ApiErrorCode>(response.status, response.headers, error)
  t.same(sameFailure(err), shipped)
  t.equal(err.requestId, response.headers.get('x-request-id'))
})
