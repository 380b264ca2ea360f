import t from 'tap'
import type { IncomingMessage } from 'node:http'
import { notFound, serverOptions } from '../../index.js'
import { contractErrors } from '../helper.js'
import { answerPathEnvelopeAdapters, type Route } from './adapters.js'

// requestId: { fromTraceparent: true }: the trace id of a valid W3C
// traceparent is the request id when no valid X-Request-Id arrives, in the
// header, the body and the log line, so the id a customer quotes finds the
// trace.

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`
const routes: Route[] = [{ method: 'GET', path: '/widgets/:id', handler: () => { throw notFound('Widget w_1 not found') } }]
const NOT_FOUND = { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' }

for (const adapter of answerPathEnvelopeAdapters) {
  t.test(`${adapter.name}: the traceparent's trace id is the request id, after a valid X-Request-Id`, async (t) => {
    const app = await adapter.start(t, routes, { requestId: { fromTraceparent: true } })
    const cases: Array<[Record<string, string>, string | RegExp]> = [
      [{ traceparent: TRACEPARENT }, TRACE],
      [{ traceparent: TRACEPARENT, 'x-request-id': 'order-42' }, 'order-42'],
      [{ traceparent: TRACEPARENT, 'x-request-id': 'not valid' }, TRACE],
      [{ traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }, /^req_[A-Za-z0-9_-]{20}$/],
      [{ traceparent: `ff-${TRACE}-00f067aa0ba902b7-01` }, /^req_[A-Za-z0-9_-]{20}$/],
      [{}, /^req_[A-Za-z0-9_-]{20}$/]
    ]
    for (const [headers, id] of cases) {
      const response = await fetch(app.base + '/widgets/w_1', { headers })
      const body = await response.json()
      t.equal(response.status, 404)
      t.same(contractErrors(body), [])
      t.same(body, { error: { ...NOT_FOUND, request_id: body.error.request_id } })
      t.match(body.error.request_id, id, JSON.stringify(headers))
      t.equal(response.headers.get('x-request-id'), body.error.request_id, 'the header is the same id')
      for (let i = 0; i < 100 && !app.logs.some((line) => line.request_id === body.error.request_id); i++) await new Promise((resolve) => setTimeout(resolve, 10))
      t.ok(app.logs.some((line) => line.request_id === body.error.request_id && line.code === 'not_found'), 'the log line carries it')
    }
  })

  t.test(`${adapter.name}: without the option, a traceparent is not the id`, async (t) => {
    const app = await adapter.start(t, routes)
    const response = await fetch(app.base + '/widgets/w_1', { headers: { traceparent: TRACEPARENT } })
    const body = await response.json()
    t.same(body, { error: { ...NOT_FOUND, request_id: body.error.request_id } })
    t.match(body.error.request_id, /^req_/)
  })
}

t.test('serverOptions() gives Fastify the same rule', async (t) => {
  const { genReqId } = serverOptions({ requestId: { fromTraceparent: true } })
  t.equal(genReqId({ headers: { traceparent: TRACEPARENT } } as unknown as IncomingMessage), TRACE)
  t.equal(genReqId({ headers: { traceparent: TRACEPARENT, 'x-request-id': 'order-42' } } as unknown as IncomingMessage), 'order-42')
  t.match(serverOptions().genReqId({ headers: { traceparent: TRACEPARENT } } as unknown as IncomingMessage), /^req_/)
})
