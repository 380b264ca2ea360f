import t from 'tap'
import { readError, type ClientError } from '../../client.js'
import { contractErrors, problemErrors } from '../helper.js'
import { envelopeAdapters, type Route } from '../conformance/adapters.js'
import { cases, routes, type Case } from '../conformance/failures.js'
import { errors } from '../fixtures/catalog.js'

// Every failure of the conformance suite's API, and two more that carry
// details from a schema and the rate-limit headers, read back with
// readError() from the real response of each adapter in each format.

const extraRoutes: Route[] = [
  { method: 'POST', path: '/orders', schema: { body: { type: 'object', required: ['qty'], properties: { qty: { type: 'integer', minimum: 1 } } } }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/limited', rateLimit: { max: 1, timeWindow: 60_000 }, handler: () => ({ ok: true }) }
]
const extraCases: Case[] = [
  { name: 'a schema failure', method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"qty":0}', status: 422 },
  { name: 'a rate limit (the first request passes)', path: '/limited', status: 200 },
  { name: 'a rate limit', path: '/limited', status: 429 }
]

// What a ClientError should hold for an envelope the server wrote, and the
// response's headers.
function expectedOf (status: number, headers: Headers, envelope: { error: Record<string, any> }): Record<string, unknown> {
  const error = envelope.error
  const details = error.details ?? []
  const fieldErrors: Record<string, string[]> = {}
  for (const { field, message } of details) (fieldErrors[field] ??= []).push(message)
  const retryAfter = headers.get('retry-after')
  const reset = /;t=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1]
  return {
    status,
    code: error.code,
    type: error.type,
    message: error.message,
    param: error.param,
    details,
    fieldErrors,
    requestId: error.request_id,
    docUrl: error.doc_url,
    retryAfterMs: retryAfter !== null ? Number(retryAfter) * 1000 : status === 429 && reset !== undefined ? Number(reset) * 1000 : undefined,
    retryable: [408, 429, 502, 503, 504].includes(status)
  }
}

function fieldsOf (err: ClientError): Record<string, unknown> {
  return { status: err.status, code: err.code, type: err.type, message: err.message, param: err.param, details: err.details, fieldErrors: { ...err.fieldErrors }, requestId: err.requestId, docUrl: err.docUrl, retryAfterMs: err.retryAfterMs, retryable: err.retryable }
}

async function send (base: string, c: Case): Promise<Response> {
  return await fetch(base + c.path, { method: c.method ?? 'GET', headers: c.headers, body: c.body })
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: readError gives every failure's envelope field by field, and its problem details read back to the same fields`, async (t) => {
    const envelopeApp = await adapter.start(t, [...routes, ...extraRoutes], { rateLimit: { global: false } })
    const problemApp = await adapter.start(t, [...routes, ...extraRoutes], { format: 'problem', rateLimit: { global: false } })
    let read = 0
    for (const c of [...cases, ...extraCases]) {
      const response = await send(envelopeApp.base, c)
      const problemResponse = await send(problemApp.base, c)
      t.equal(response.status, c.status, `${c.name}: status`)
      t.equal(problemResponse.status, c.status, `${c.name}: status of problem details`)
      if (response.status < 400) {
        await Promise.all([response.arrayBuffer(), problemResponse.arrayBuffer()])
        continue
      }
      const err = await readError(response)
      const envelope = await response.json()
      t.same(contractErrors(envelope), [], `${c.name}: the contract`)
      t.equal(err.format, 'envelope', c.name)
      t.same(err.body, envelope, `${c.name}: the body read`)
      t.same(fieldsOf(err), expectedOf(response.status, response.headers, envelope), `${c.name}: envelope`)

      const fromProblem = await readError(problemResponse)
      const problem = await problemResponse.json()
      t.same(problemErrors(problem), [], `${c.name}: the problem contract`)
      t.equal(fromProblem.format, 'problem', c.name)
      const id = problemResponse.headers.get('x-request-id')
      t.equal(problem.request_id, id)
      // The same failure, its own request id.
      t.same(fieldsOf(fromProblem), expectedOf(problemResponse.status, problemResponse.headers, { error: { ...envelope.error, request_id: id } }), `${c.name}: problem details`)
      read++
    }
    t.equal(read, cases.filter((c) => c.error !== undefined).length + 2, 'every failure was read')
  })
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: a catalog code reads back with its doc_url, from the envelope and from problem details`, async (t) => {
    const catalogRoutes: Route[] = [{ method: 'GET', path: '/widgets/:id', handler: ({ params }) => { throw errors.widget_not_found({ id: (params as { id: string }).id }, { param: 'id' }) } }]
    const docs = { path: '/errors', publicUrl: 'https://api.example.com/errors' }
    const envelopeApp = await adapter.start(t, catalogRoutes, { catalog: errors, docs })
    const problemApp = await adapter.start(t, catalogRoutes, { catalog: errors, docs, format: 'problem' })
    const response = await fetch(`${envelopeApp.base}/widgets/w_9`)
    const err = await readError(response)
    const envelope = await response.json()
    t.same(contractErrors(envelope), [])
    t.equal(envelope.error.doc_url, 'https://api.example.com/errors#widget_not_found')
    t.same(fieldsOf(err), expectedOf(404, response.headers, envelope))
    const problemResponse = await fetch(`${problemApp.base}/widgets/w_9`)
    const fromProblem = await readError(problemResponse)
    const problem = await problemResponse.json()
    t.same(problemErrors(problem), [])
    t.same(fieldsOf(fromProblem), expectedOf(404, problemResponse.headers, { error: { ...envelope.error, request_id: problem.request_id } }))
  })
}
