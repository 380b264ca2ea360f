import t from 'tap'
import fc from 'fast-check'
import { assertEnvelope, build } from '../helper.js'
import { conflict, notFound, unauthorized, type NormalizedError } from '../../index.js'
import { envelopeHead } from '../../lib/core/envelope.js'
import { flatString } from '../../lib/core/flat-string.js'
import { createHeadCache } from '../../lib/core/head-cache.js'

const seed = Number(process.env.PROPERTY_SEED ?? 20240611)
const numRuns = Number(process.env.PROPERTY_RUNS ?? 250)

const widget: NormalizedError = { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Widget w_1 not found', param: 'id' }

// A build that counts its calls, so that a test sees which heads are kept.
function countingBuild (): { build: (answer: NormalizedError) => string, calls: () => number } {
  let calls = 0
  return {
    build: function countedHead (answer) {
      calls++
      return envelopeHead(answer)
    },
    calls: () => calls
  }
}

t.test('builds the head of an answer once and keeps it for the same answer', async (t) => {
  const counted = countingBuild()
  const headOf = createHeadCache(counted.build)
  for (let i = 0; i < 5; i++) t.equal(headOf({ ...widget }), envelopeHead(widget))
  t.equal(counted.calls(), 1)
})

t.test('builds again when code, type or param differ from the kept head, with the same message', async (t) => {
  const counted = countingBuild()
  const headOf = createHeadCache(counted.build)
  const variants: NormalizedError[] = [
    widget,
    { ...widget, code: 'widget_missing' },
    { ...widget, type: 'api_error' },
    { ...widget, param: 'widget_id' },
    { ...widget, param: undefined }
  ]
  for (const answer of variants) t.equal(headOf(answer), envelopeHead(answer), JSON.stringify(answer))
  t.equal(counted.calls(), variants.length, 'no head was taken for another answer')
})

t.test('gives messages of the same length one slot: each replaces the other, each head stays right', async (t) => {
  const counted = countingBuild()
  const headOf = createHeadCache(counted.build)
  const first = { ...widget, message: 'Widget w_1 not found' }
  const second = { ...widget, message: 'Widget w_2 not found' }
  for (let i = 0; i < 3; i++) {
    t.equal(headOf(first), envelopeHead(first))
    t.equal(headOf(second), envelopeHead(second))
  }
  t.equal(counted.calls(), 6)
})

t.test('keeps messages of other lengths side by side', async (t) => {
  const counted = countingBuild()
  const headOf = createHeadCache(counted.build)
  const answers = ['Invalid API key', 'Widget w_1 not found', 'Email already registered'].map((message) => ({ ...widget, message }))
  for (let i = 0; i < 3; i++) for (const answer of answers) t.equal(headOf(answer), envelopeHead(answer))
  t.equal(counted.calls(), answers.length)
})

t.test('builds an answer with details every time', async (t) => {
  const counted = countingBuild()
  const headOf = createHeadCache(counted.build)
  const answer: NormalizedError = { ...widget, status: 422, details: [{ field: 'name', message: 'is required' }] }
  t.equal(headOf(answer), envelopeHead(answer))
  const changed: NormalizedError = { ...answer, details: [{ field: 'email', message: 'is required' }] }
  t.equal(headOf(changed), envelopeHead(changed))
  t.equal(counted.calls(), 2)
})

t.test('returns what envelopeHead returns, for any sequence of answers', async (t) => {
  const text = fc.oneof(fc.constantFrom('Not found', 'Gone', 'a"b', 'x\ny', '\u00e9t\u00e9', '\ud83d\ude00'), fc.string({ maxLength: 40 }))
  const answer = fc.record({
    status: fc.constantFrom(401, 404, 409, 500),
    code: fc.constantFrom('not_found', 'conflict', 'widget_missing'),
    type: fc.constantFrom('invalid_request_error', 'api_error'),
    message: text.filter((message) => message.length > 0),
    param: fc.option(text, { nil: undefined })
  }, { requiredKeys: ['status', 'code', 'type', 'message'] })
  fc.assert(fc.property(fc.array(answer, { minLength: 1, maxLength: 60 }), (answers) => {
    const headOf = createHeadCache()
    // Each answer twice, the second time possibly kept.
    for (const one of [...answers, ...answers]) {
      if (headOf(one) !== envelopeHead(one)) return false
    }
    return true
  }), { seed, numRuns })
  t.pass(`${numRuns} sequences matched envelopeHead()`)
})

t.test('the plugin answers one message under two codes, one after the other, each with its own envelope', async (t) => {
  const { app } = await build(t, {
    routes: (app) => {
      app.get('/missing', async () => { throw notFound('Gone') })
      app.get('/taken', async () => { throw conflict('Gone', { param: 'email' }) })
      app.get('/key', async () => { throw unauthorized('Gone') })
    }
  })
  for (let i = 0; i < 3; i++) {
    assertEnvelope(t, await app.inject('/missing'), 404, { code: 'not_found', message: 'Gone', type: 'invalid_request_error' })
    assertEnvelope(t, await app.inject('/taken'), 409, { code: 'conflict', message: 'Gone', type: 'invalid_request_error', param: 'email' })
    assertEnvelope(t, await app.inject('/key'), 401, { code: 'unauthorized', message: 'Gone', type: 'authentication_error' })
  }
})

t.test('flatString() returns its text unchanged, rope or not', async (t) => {
  const rope = envelopeHead({ ...widget, message: 'caf\u00e9 ' + String(Date.now()) })
  t.equal(flatString(rope), rope)
  t.equal(flatString(''), '')
  t.equal(flatString('\ud83d\ude00'), '\ud83d\ude00')
})
