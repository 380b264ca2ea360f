import t from 'tap'
import { traceIdOf } from '../../index.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'
import { requestIdFromHeaders } from '../../lib/core/traceparent.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const VALID = `00-${TRACE}-00f067aa0ba902b7-01`

t.test('reads the trace id of a valid W3C traceparent', async (t) => {
  t.equal(traceIdOf(VALID), TRACE)
  t.equal(traceIdOf(` ${VALID} `), TRACE, 'around spaces are trimmed')
  t.equal(traceIdOf(`01-${TRACE}-00f067aa0ba902b7-01-future`), TRACE, 'a later version may carry more fields')
})

t.test('refuses every traceparent the specification refuses', async (t) => {
  const refused: unknown[] = [
    undefined,
    ['a', 'b'],
    '',
    `ff-${TRACE}-00f067aa0ba902b7-01`,
    `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`,
    `00-${TRACE}-00f067aa0ba902b7-01-extra`,
    `00-${TRACE.slice(1)}-00f067aa0ba902b7-01`,
    `00-${TRACE}-00f067aa0ba902b7`,
    `${VALID}${'x'.repeat(600)}`
  ]
  for (const header of refused) t.equal(traceIdOf(header), undefined, JSON.stringify(header))
})

t.test('the request id: a trusted valid incoming id, else the traceparent\'s trace id with fromTraceparent, else a new one', async (t) => {
  const on = normalizeCommonOptions({ requestId: { fromTraceparent: true } })
  t.equal(requestIdFromHeaders({ 'x-request-id': 'abc-1', traceparent: VALID }, on), 'abc-1', 'a valid X-Request-Id comes first')
  t.equal(requestIdFromHeaders({ 'x-request-id': 'bad id', traceparent: VALID }, on), TRACE, 'an invalid one gives way to the trace id')
  t.equal(requestIdFromHeaders({ traceparent: VALID }, on), TRACE)
  t.match(requestIdFromHeaders({ traceparent: 'garbage' }, on), /^req_[A-Za-z0-9_-]{20}$/)

  const untrusted = normalizeCommonOptions({ requestId: { fromTraceparent: true, trustIncoming: false } })
  t.equal(requestIdFromHeaders({ 'x-request-id': 'abc-1', traceparent: VALID }, untrusted), TRACE, 'trustIncoming: false ignores X-Request-Id, not traceparent')
  const noHeader = normalizeCommonOptions({ requestId: { fromTraceparent: true, header: false } })
  t.equal(requestIdFromHeaders({ 'x-request-id': 'abc-1', traceparent: VALID }, noHeader), TRACE)
  const own = normalizeCommonOptions({ requestId: { fromTraceparent: true, header: 'x-correlation-id', generate: () => 'own-1' } })
  t.equal(requestIdFromHeaders({ 'x-correlation-id': 'corr-1', traceparent: VALID }, own), 'corr-1')
  t.equal(requestIdFromHeaders({ 'x-request-id': 'abc-1' }, own), 'own-1', 'the generator makes the id when neither arrives')

  const off = normalizeCommonOptions({})
  t.match(requestIdFromHeaders({ traceparent: VALID }, off), /^req_/, 'off by default')
})
