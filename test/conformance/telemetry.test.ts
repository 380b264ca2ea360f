import t, { type Test } from 'tap'
import { SpanStatusCode } from '@opentelemetry/api'
import { ApiError, badRequest, defineErrors } from '../../index.js'
import { loadTelemetry } from '../../lib/core/telemetry.js'
import { contractErrors } from '../helper.js'
import { answerPathEnvelopeAdapters, type Adapter, type Route, type RunningApp } from './adapters.js'
import { finishedSpans, freshMetrics, pointsOf, registerTracing, spanPerRequest } from '../fixtures/otel.js'

// With a span active for the request (here the app's own, started around
// the framework's request listener), every error answer marks it as the
// HTTP semantic conventions ask, counts on error_envelope.errors, and puts
// the trace ids on its log line: the same on both adapters.

registerTracing()

const errors = defineErrors({
  out_of_stock: { status: 409, message: 'Widget {id} is out of stock' }
})

class DatabaseError extends Error {
  code = 'ECONNREFUSED'
}

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', handler: () => { throw badRequest('Widget id is too short', { param: 'id' }) } },
  { method: 'GET', path: '/stock/:id', handler: () => { throw errors.out_of_stock({ id: 'w_1' }) } },
  { method: 'GET', path: '/made-up', handler: () => { throw new ApiError(409, 'Made up', { code: 'made_up_code' }) } },
  { method: 'GET', path: '/crash', handler: () => { throw new DatabaseError('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2') } },
  { method: 'POST', path: '/users', schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }, handler: () => ({ ok: true }) }
]

interface Case {
  name: string
  method?: string
  path: string
  body?: string
  status: number
  error: { code: string, message: string, type: string, param?: string, details?: unknown[], doc_url?: string }
  errorType: string
  /** The route template the metric carries, by adapter; none for a request no route matched. */
  route?: string | { fastify?: string, express?: string, koa?: string }
  /** The real message of what was thrown, for a 5xx's exception event. */
  thrown?: string
}

const json = { 'content-type': 'application/json' }

const cases: Case[] = [
  { name: 'a thrown 4xx helper', path: '/widgets/w', status: 400, error: { code: 'bad_request', message: 'Widget id is too short', type: 'invalid_request_error', param: 'id' }, errorType: 'bad_request', route: '/widgets/:id' },
  { name: 'a catalog code', path: '/stock/w_1', status: 409, error: { code: 'out_of_stock', message: 'Widget w_1 is out of stock', type: 'invalid_request_error' }, errorType: 'out_of_stock', route: '/stock/:id' },
  { name: 'a code outside the table and the catalog', path: '/made-up', status: 409, error: { code: 'made_up_code', message: 'Made up', type: 'invalid_request_error' }, errorType: '_OTHER', route: '/made-up' },
  { name: 'a thrown Error, masked', path: '/crash', status: 500, error: { code: 'internal_error', message: 'Internal server error', type: 'api_error' }, errorType: 'internal_error', route: '/crash', thrown: 'connect ECONNREFUSED 10.0.0.7:5432 password=hunter2' },
  { name: 'a schema failure', method: 'POST', path: '/users', body: '{}', status: 422, error: { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] }, errorType: 'validation_failed', route: '/users' },
  // The body parsers of Express and Koa run before any route matched.
  { name: 'malformed JSON', method: 'POST', path: '/users', body: '{"name":', status: 400, error: { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }, errorType: 'invalid_json', route: { fastify: '/users' } },
  { name: 'an unmatched path', path: '/nothing/here', status: 404, error: { code: 'not_found', message: 'No route for GET /nothing/here', type: 'invalid_request_error' }, errorType: 'not_found' },
  { name: 'another method on a routed path', method: 'DELETE', path: '/made-up', status: 405, error: { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /made-up', type: 'invalid_request_error' }, errorType: 'method_not_allowed' },
  { name: 'an unknown method', method: 'PROPFIND', path: '/made-up', status: 501, error: { code: 'not_implemented', message: 'Method PROPFIND is not implemented', type: 'api_error' }, errorType: 'not_implemented' }
]

// The Koa port validates nothing: its /users takes any body.
function routesOf (adapter: Adapter): Route[] {
  return adapter.name === 'koa' ? routes.map(({ schema: _schema, ...route }) => route) : routes
}

function casesOf (adapter: Adapter): Case[] {
  return adapter.name === 'koa' ? cases.filter((c) => c.name !== 'a schema failure') : cases
}

async function start (t: Test, adapter: Adapter, telemetry?: false): Promise<RunningApp> {
  const app = await adapter.start(t, routesOf(adapter), { catalog: errors, ...(telemetry === false ? { telemetry } : {}) })
  // The adapter loads @opentelemetry/api at setup; this waits for the same load.
  await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
  spanPerRequest(app.server)
  finishedSpans()
  return app
}

function routeOf (c: Case, adapter: string): string | undefined {
  return typeof c.route === 'object' ? c.route[adapter as 'fastify' | 'express' | 'koa'] : c.route
}

async function waitFor<T> (find: () => T | undefined): Promise<T | undefined> {
  for (let i = 0; i < 100; i++) {
    const found = find()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return undefined
}

for (const adapter of answerPathEnvelopeAdapters) {
  t.test(`${adapter.name}: each failure marks the request's span, counts once and logs its trace ids`, async (t) => {
    const reader = freshMetrics(t)
    const app = await start(t, adapter)
    for (const c of casesOf(adapter)) {
      const response = await fetch(app.base + c.path, { method: c.method ?? 'GET', headers: c.body === undefined ? undefined : json, body: c.body })
      const body = await response.json()
      t.equal(response.status, c.status, `${c.name}: status`)
      t.same(contractErrors(body), [], `${c.name}: the body keeps the contract`)
      const expected = { error: { ...c.error, request_id: body.error.request_id } }
      t.same(body, expected, `${c.name}: the whole body`)
      t.match(body.error.request_id, /^req_/)

      const span = await waitFor(() => finishedSpans()[0])
      if (span === undefined) { t.fail(`${c.name}: no span`); continue }
      t.same(span.attributes, { 'error.type': c.errorType, 'http.response.status_code': c.status }, `${c.name}: span attributes`)
      if (c.status >= 500) {
        t.same(span.status, { code: SpanStatusCode.ERROR, message: c.errorType }, `${c.name}: a 5xx sets Error with the code`)
      } else {
        t.same(span.status, { code: SpanStatusCode.UNSET }, `${c.name}: a 4xx leaves the status unset`)
      }
      if (c.thrown === undefined) {
        t.same(span.events, [], `${c.name}: no exception event`)
      } else {
        t.equal(span.events.length, 1, `${c.name}: one exception event`)
        t.equal(span.events[0].name, 'exception')
        t.match(span.events[0].attributes, { 'exception.type': 'DatabaseError', 'exception.message': c.thrown }, `${c.name}: the real message stays in the event`)
        t.match(span.events[0].attributes?.['exception.stacktrace'], /connect ECONNREFUSED[^]*\n +at /)
      }

      const { traceId, spanId } = span.spanContext()
      const line = await waitFor(() => app.logs.find((entry) => entry.request_id === body.error.request_id && entry.code === c.error.code))
      t.match(line, { statusCode: c.status, code: c.error.code, trace_id: traceId, span_id: spanId }, `${c.name}: the log line carries the trace ids`)
    }

    const points = await pointsOf(reader, 'error_envelope.errors')
    const expectedPoints = casesOf(adapter).map((c) => {
      const attributes: Record<string, string | number> = {
        'error.type': c.errorType,
        'http.response.status_code': c.status,
        'http.request.method': c.method === 'PROPFIND' ? '_OTHER' : c.method ?? 'GET'
      }
      const route = routeOf(c, adapter.name)
      if (route !== undefined) attributes['http.route'] = route
      return { attributes, value: 1 }
    })
    const order = (point: { attributes: Record<string, unknown> }): string => JSON.stringify(point.attributes)
    t.same(points.map(order).sort(), expectedPoints.map(order).sort(), 'one series per failure, with its attributes')
    t.ok(points.every((point) => point.value === 1), 'each counted once')
  })

  t.test(`${adapter.name}: telemetry: false leaves spans, metrics and log lines as they were`, async (t) => {
    const reader = freshMetrics(t)
    const app = await start(t, adapter, false)
    const response = await fetch(app.base + '/crash')
    const body = await response.json()
    t.same(body, { error: { code: 'internal_error', message: 'Internal server error', type: 'api_error', request_id: body.error.request_id } })
    t.same(contractErrors(body), [])
    const span = await waitFor(() => finishedSpans()[0])
    t.same(span?.attributes, {})
    t.same(span?.status, { code: SpanStatusCode.UNSET })
    t.same(span?.events, [])
    t.same(await pointsOf(reader, 'error_envelope.errors'), [])
    const line = await waitFor(() => app.logs.find((entry) => entry.request_id === body.error.request_id && entry.code === 'internal_error'))
    t.equal(line?.trace_id, undefined)
    t.equal(line?.span_id, undefined)
  })

  t.test(`${adapter.name}: with no span active, the metric still counts and the log line has no trace ids`, async (t) => {
    const reader = freshMetrics(t)
    const app = await adapter.start(t, routesOf(adapter), { catalog: errors })
    await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
    const response = await fetch(app.base + '/widgets/w')
    const body = await response.json()
    t.same(body, { error: { code: 'bad_request', message: 'Widget id is too short', type: 'invalid_request_error', param: 'id', request_id: body.error.request_id } })
    t.same(contractErrors(body), [])
    const line = await waitFor(() => app.logs.find((entry) => entry.request_id === body.error.request_id && entry.code === 'bad_request'))
    t.ok(line !== undefined && !('trace_id' in line) && !('span_id' in line), 'no trace ids without a span')
    t.same(await pointsOf(reader, 'error_envelope.errors'), [{ attributes: { 'error.type': 'bad_request', 'http.response.status_code': 400, 'http.request.method': 'GET', 'http.route': '/widgets/:id' }, value: 1 }])
  })
}
