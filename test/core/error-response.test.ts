import t from 'tap'
import Fastify from 'fastify'
import errorEnvelope, { methodNotAllowed, normalizeError, notFound, tooManyRequests } from '../../index.js'
import { errorResponse } from '../../lib/core/error-response.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'
import { contractErrors, problemErrors } from '../helper.js'
import { errors } from '../fixtures/catalog.js'

// The one rule of an error response's head and body.

const ID = 'req_abcdefghijklmnopqrstu'

t.test('the answer\'s headers, the id header, the content type and length, and the body', async (t) => {
  const settings = normalizeCommonOptions({})
  const response = errorResponse(normalizeError(tooManyRequests('Slow down', { retryAfter: 30 })), ID, settings, { accept: undefined })
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(response, {
    status: 429,
    headers: { 'retry-after': '30', 'x-request-id': ID, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(response.body)) },
    body: JSON.stringify({ error: { code: 'rate_limit_exceeded', message: 'Slow down', type: 'rate_limit_error', request_id: ID } })
  })
})

t.test('no id header when it is off; problem details with Vary: Accept when negotiated, merged with the Vary there is', async (t) => {
  const off = errorResponse(normalizeError(notFound('No widget')), ID, normalizeCommonOptions({ requestId: { header: false } }), { accept: undefined })
  t.same(Object.keys(off.headers), ['content-type', 'content-length'])

  const negotiate = normalizeCommonOptions({ format: 'negotiate' })
  const problem = errorResponse(normalizeError(methodNotAllowed('Use GET', { allow: ['GET'] })), ID, negotiate, { accept: 'application/problem+json', vary: 'Origin' })
  t.same(problemErrors(JSON.parse(problem.body)), [])
  t.same(problem.headers, { allow: 'GET', 'x-request-id': ID, vary: 'Origin, Accept', 'content-type': 'application/problem+json; charset=utf-8', 'content-length': String(Buffer.byteLength(problem.body)) })
  t.same(JSON.parse(problem.body), { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: 'Use GET', instance: `urn:request:${ID}`, code: 'method_not_allowed', request_id: ID })
  const envelope = errorResponse(normalizeError(notFound('No widget')), ID, negotiate, { accept: undefined })
  t.equal(envelope.headers.vary, 'Accept', 'the envelope of a negotiated answer varies too')
  t.equal(envelope.headers['content-type'], 'application/json; charset=utf-8')
})

t.test('a catalog code carries its doc_url', async (t) => {
  const settings = normalizeCommonOptions({ catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' } })
  const response = errorResponse(normalizeError(errors.widget_not_found({ id: 'w_9' })), ID, settings, { accept: undefined })
  t.same(JSON.parse(response.body), { error: { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', request_id: ID, doc_url: 'https://api.example.com/errors#widget_not_found' } })
})

t.test('the Fastify plugin\'s envelope, made from a kept head, is the same bytes and headers', async (t) => {
  const options = { catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' } }
  const settings = normalizeCommonOptions(options)
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  await app.register(errorEnvelope, options)
  const thrown = [tooManyRequests('Slow down', { retryAfter: 30 }), errors.widget_not_found({ id: 'w_9' }), notFound('No widget')]
  app.get('/fail/:n', async (request) => { throw thrown[Number((request.params as { n: string }).n)] })
  for (let n = 0; n < thrown.length; n++) {
    const reply = await app.inject({ url: `/fail/${n}`, headers: { 'x-request-id': ID } })
    const expected = errorResponse(normalizeError(thrown[n]), ID, settings, { accept: undefined })
    t.equal(reply.statusCode, expected.status)
    t.equal(reply.body, expected.body, `answer ${n}: the body`)
    const { date, connection, ...headers } = reply.headers
    t.same(headers, expected.headers, `answer ${n}: the headers`)
  }
})
