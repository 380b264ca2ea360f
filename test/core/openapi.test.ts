import t from 'tap'
import { defineErrors, envelopeSchema, problemSchema } from '../../index.js'
import { withErrorResponses, type OpenApiSettings, type OperationFacts } from '../../lib/core/openapi.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'
import { contractErrors } from '../helper.js'
import { MisuseError } from '../../lib/core/misuse.js'

// The framework-free part of the OpenAPI output, on documents neither
// adapter's own input gives it.

t.test('gives a document without components or paths the contract as a component, and no responses', async (t) => {
  const document = withErrorResponses({ openapi: '3.1.0' }, () => { t.fail('no operation to ask about'); return undefined }, settingsOf({}))
  t.same(Object.keys(document.components?.schemas ?? {}), ['ErrorEnvelope'])
  t.same(document.components?.responses, {})
  t.notOk('paths' in document, 'no paths are made up')
})

t.test('leaves an operation the adapter knows nothing of as it is', async (t) => {
  const operation = { responses: { 200: { description: 'OK' } } }
  const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: operation } } }, () => undefined, settingsOf({}))
  t.same(document.paths?.['/x'], { get: { responses: { 200: { description: 'OK' } } } })
  t.same(document.components?.responses, {})
})

function settingsOf (options: Record<string, unknown>, extra: Partial<Pick<OpenApiSettings, 'rateLimit' | 'underPressure'>> = {}): OpenApiSettings {
  return { ...normalizeCommonOptions(options), rateLimit: false, underPressure: false, ...extra }
}

const anyOperation = (): OperationFacts => ({ parts: new Set(), rateLimited: true, errors: [] })

t.test('documents the rate-limit headers of the rateLimit.headers option on 429, and Retry-After on 429 and 503', async (t) => {
  const legacy = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']
  const draft = ['RateLimit-Policy', 'RateLimit']
  for (const [mode, names] of [['legacy', legacy], ['draft', draft], ['both', [...legacy, ...draft]]] as const) {
    const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, anyOperation, settingsOf({}, { rateLimit: { max: 100, timeWindow: 60_000, headers: mode } }))
    const responses = document.components?.responses as Record<string, { headers: Record<string, unknown> }>
    t.same(Object.keys(responses.Error429_rate_limit_exceeded.headers), ['X-Request-Id', 'Retry-After', ...names], `${mode}: the 429's headers`)
    t.same(Object.keys(responses.Error503_shutting_down.headers), ['X-Request-Id', 'Retry-After'], `${mode}: the 503's headers`)
    t.same(Object.keys(responses.Error500_internal_error.headers), ['X-Request-Id'], `${mode}: the 500's headers`)
  }
})

t.test('documents the request id header under its configured name, and none when requestId.header is false', async (t) => {
  const named = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, anyOperation, settingsOf({ requestId: { header: 'x-correlation-id' } }))
  t.same(Object.keys((named.components?.responses as Record<string, { headers: object }>).Error500_internal_error.headers), ['X-Correlation-Id'])
  const none = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, anyOperation, settingsOf({ requestId: { header: false } }))
  t.same((none.components?.responses as Record<string, { headers: object }>).Error500_internal_error.headers, {})
})

t.test('gives the 503 of every operation an example of a request shed under overload with the underPressure option', async (t) => {
  const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, anyOperation, settingsOf({}, { underPressure: { retryAfter: 10 } }))
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
  t.same(paths['/x'].get.responses['503'], { $ref: '#/components/responses/Error503_overloaded_shutting_down' })
  const shed = (document.components?.responses as Record<string, any>).Error503_overloaded_shutting_down.content['application/json']
  t.same(shed.schema.allOf[1].properties.error.properties.code.enum, ['service_unavailable'], 'one code, two examples')
  t.same(shed.examples, {
    shutting_down: { summary: 'The server is shutting down; retry later', value: { error: { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3' } } },
    overloaded: { summary: 'The server is overloaded; retry later', value: { error: { code: 'service_unavailable', message: 'The server is overloaded; retry later', type: 'api_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3' } } }
  })
  for (const example of Object.values(shed.examples) as Array<{ value: unknown }>) t.same(contractErrors(example.value), [])
})

t.test('fills the placeholders of a catalog message in its example', async (t) => {
  const errors = defineErrors({ quota_exceeded: { status: 429, message: 'Quota of {limit} exports a day used up, {name}', type: 'rate_limit_error' } })
  const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, () => ({ parts: new Set(), rateLimited: false, errors: ['quota_exceeded'] }), settingsOf({ catalog: errors }))
  const quota = (document.components?.responses as Record<string, any>).Error429_quota_exceeded.content['application/json'].examples.quota_exceeded
  t.same(quota, { summary: 'Quota of example-limit exports a day used up, example-name', value: { error: { code: 'quota_exceeded', message: 'Quota of example-limit exports a day used up, example-name', type: 'rate_limit_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3' } } })
  t.same(contractErrors(quota.value), [])
})

t.test('merges a component equal to a contract into the contract\'s name, and points its references there', async (t) => {
  const { $schema: _draft, $id: _id, ...envelope } = envelopeSchema
  const { $schema: _problemDraft, $id: _problemId, ...problem } = problemSchema
  const shared = { $ref: '#/components/schemas/Problem' }
  const document = withErrorResponses({
    openapi: '3.1.0',
    components: { schemas: { 'def-0': structuredClone(envelope), Problem: structuredClone(problem), Widget: { type: 'object' } } },
    paths: { '/x': { get: { responses: { 409: { description: 'Conflict', content: { 'application/json': { schema: { $ref: '#/components/schemas/def-0' } }, 'application/problem+json': { schema: shared } } }, 410: { description: 'Gone', content: { 'application/problem+json': { schema: shared } } } } } } }
  }, () => undefined, settingsOf({ format: 'negotiate' }))
  t.same(Object.keys(document.components?.schemas ?? {}), ['Widget', 'ErrorEnvelope', 'ProblemDetails'])
  t.same(document.paths?.['/x'], { get: { responses: { 409: { description: 'Conflict', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } }, 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } }, 410: { description: 'Gone', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } } } } })
  const kept = withErrorResponses({ openapi: '3.1.0', components: { schemas: { Problem: structuredClone(problem) } } }, () => undefined, settingsOf({}))
  t.same(Object.keys(kept.components?.schemas ?? {}), ['Problem', 'ErrorEnvelope'], 'problem details stay the document\'s own when the format sends none')
})

t.test('lists the reference page\'s routes among the paths only with docs.openapi', async (t) => {
  const errors = defineErrors({})
  const hidden = withErrorResponses({ openapi: '3.1.0', paths: {} }, anyOperation, settingsOf({ catalog: errors, docs: {} }))
  t.same(hidden.paths, {})
  const listed = withErrorResponses({ openapi: '3.1.0', paths: {} }, anyOperation, settingsOf({ catalog: errors, docs: { path: '/api-errors', openapi: true } }))
  t.same(listed.paths, {
    '/api-errors': { get: { summary: 'The reference page of the API\'s error codes', responses: { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } } } },
    '/api-errors.json': { get: { summary: 'The API\'s error codes as JSON', responses: { 200: { description: 'The codes', content: { 'application/json': { schema: { type: 'object' } } } } } } }
  })
  t.throws(() => settingsOf({ catalog: errors, docs: { openapi: 'yes' } }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.openapi" must be a boolean, instead got "yes"'))
})

t.test('words the 429 example as the limiter words the answer to a client that used up a window of the rateLimit option', async (t) => {
  const example = (rateLimit: OpenApiSettings['rateLimit']): unknown => {
    const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: { responses: {} } } } }, anyOperation, settingsOf({}, { rateLimit }))
    return (document.components?.responses as Record<string, any>).Error429_rate_limit_exceeded.content['application/json'].examples.rate_limit_exceeded
  }
  const body = (message: string): object => ({ summary: message, value: { error: { code: 'rate_limit_exceeded', message, type: 'rate_limit_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3' } } })
  t.same(example({ max: 100, timeWindow: 60_000, headers: 'legacy' }), body('Rate limit exceeded, retry in 60 seconds'))
  t.same(example({ max: 5, timeWindow: 1000, headers: 'draft' }), body('Rate limit exceeded, retry in 1 second'))
  t.same(example(false), body('Too many requests'), 'the table\'s entry for an operation counted by a limit of its own only')
})

t.test('gives operations whose failures read differently responses of their own, never one shared response that shows another\'s examples', async (t) => {
  const facts: Record<string, OperationFacts> = {
    '/a': { parts: new Set(['body']), rateLimited: false, errors: [] },
    '/b': { parts: new Set(['querystring']), rateLimited: false, errors: [] },
    '/c': { parts: new Set(['params', 'querystring']), rateLimited: false, errors: [] }
  }
  const operation = { get: { responses: {} } }
  const document = withErrorResponses({ openapi: '3.1.0', paths: { '/a': operation, '/b': operation, '/c': operation } }, (path) => facts[path], settingsOf({ validation: { status: 422 } }))
  const responses = document.components?.responses as Record<string, any>
  const examplesOf = (path: string): Record<string, { value: { error: { message: string } } }> => {
    const ref = (document.paths?.[path] as Record<string, { responses: Record<string, { $ref: string }> }>).get.responses['422'].$ref
    return responses[ref.split('/').pop() as string].content['application/json'].examples
  }
  const messages = (path: string): Record<string, string> => Object.fromEntries(Object.entries(examplesOf(path)).map(([name, example]) => [name, example.value.error.message]))
  t.same(messages('/a'), { validation_failed: 'Missing required field: name' })
  t.same(messages('/b'), { validation_failed_in_querystring: 'Invalid field limit: must be an integer' })
  t.same(messages('/c'), { validation_failed_in_params: 'Invalid field id: must be a string', validation_failed_in_querystring: 'Invalid field limit: must be an integer' })
})
