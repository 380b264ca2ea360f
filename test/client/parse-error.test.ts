import t from 'tap'
import { ClientError, isClientError, parseError } from '../../client.js'
import { contractErrors, problemErrors } from '../helper.js'

// Every field of a ClientError, own and enumerable, to compare whole.
function fieldsOf (error: ClientError): Record<string, unknown> {
  return { ...error, message: error.message, fieldErrors: { ...error.fieldErrors } }
}

const validation = {
  error: {
    code: 'validation_failed',
    message: 'Validation failed: items[2].qty must be >= 1',
    type: 'validation_error',
    param: 'items[2].qty',
    details: [
      { field: 'items[2].qty', message: 'must be >= 1' },
      { field: 'items[2].qty', message: 'must be an integer' },
      { field: 'email', message: 'must match format "email"' }
    ],
    request_id: 'req_body',
    doc_url: 'https://api.example.com/errors#validation_failed'
  }
}

t.test('reads an envelope field by field, with details per field for a form', async (t) => {
  t.same(contractErrors(validation), [])
  const err = parseError(422, { 'X-Request-Id': 'req_header' }, validation)
  t.ok(err instanceof ClientError && err instanceof Error && isClientError(err))
  t.equal(err.name, 'ClientError')
  t.same(fieldsOf(err), {
    message: 'Validation failed: items[2].qty must be >= 1',
    status: 422,
    code: 'validation_failed',
    type: 'validation_error',
    param: 'items[2].qty',
    details: validation.error.details,
    fieldErrors: { 'items[2].qty': ['must be >= 1', 'must be an integer'], email: ['must match format "email"'] },
    requestId: 'req_body',
    docUrl: 'https://api.example.com/errors#validation_failed',
    retryAfterMs: undefined,
    retryable: false,
    format: 'envelope',
    body: validation,
    name: 'ClientError'
  })
})

t.test('reads problem details back to the same fields, the type from the table of codes', async (t) => {
  const problem = {
    type: 'urn:error-envelope:code:validation_failed',
    title: 'Validation failed',
    status: 422,
    detail: 'Validation failed: items[2].qty must be >= 1',
    instance: 'urn:request:req_1',
    code: 'validation_failed',
    request_id: 'req_1',
    param: 'items[2].qty',
    errors: [{ detail: 'must be >= 1', pointer: '#/items/2/qty', field: 'items[2].qty', in: 'body' }]
  }
  t.same(problemErrors(problem), [])
  const err = parseError(422, new Headers({ 'content-type': 'application/problem+json; charset=utf-8' }), problem)
  t.same(fieldsOf(err), {
    message: problem.detail,
    status: 422,
    code: 'validation_failed',
    type: 'validation_error',
    param: 'items[2].qty',
    details: [{ field: 'items[2].qty', message: 'must be >= 1' }],
    fieldErrors: { 'items[2].qty': ['must be >= 1'] },
    requestId: 'req_1',
    docUrl: undefined,
    retryAfterMs: undefined,
    retryable: false,
    format: 'problem',
    body: problem,
    name: 'ClientError'
  })
  const linked = parseError(402, {}, { type: 'https://api.example.com/errors#card_declined', title: 'Card declined', status: 402, detail: 'The card was declined', code: 'card_declined', request_id: 'req_2' })
  t.same([linked.format, linked.code, linked.type, linked.docUrl, linked.message], ['problem', 'card_declined', 'invalid_request_error', 'https://api.example.com/errors#card_declined', 'The card was declined'])
  const plain = parseError(404, { 'content-type': 'application/problem+json' }, { type: 'about:blank', title: 'Not Found' })
  t.same([plain.format, plain.code, plain.message, plain.docUrl, plain.details], ['problem', 'not_found', 'Not Found', undefined, []])
  const pointerOnly = parseError(400, { 'content-type': 'application/problem+json' }, { errors: [{ pointer: '#/a', detail: 'bad' }, { detail: 'no field' }, 'x'] })
  t.same(pointerOnly.details, [{ field: '#/a', message: 'bad' }])
})

t.test('derives the code, type and message of a body that is not an envelope from the status, as the server does', async (t) => {
  const cases: Array<[number, unknown, string, string, string]> = [
    [502, '<html><body>Bad Gateway</body></html>', 'bad_gateway', 'api_error', 'Bad gateway'],
    [503, undefined, 'service_unavailable', 'api_error', 'Service unavailable'],
    [401, { message: 'nope' }, 'unauthorized', 'authentication_error', 'Unauthorized'],
    [404, '{"error":"not here"}', 'not_found', 'invalid_request_error', 'Not found'],
    [418, '', 'http_418', 'invalid_request_error', 'HTTP 418'],
    [599, null, 'http_599', 'api_error', 'HTTP 599'],
    [200, 'ok', 'internal_error', 'api_error', 'Internal server error'],
    [Number.NaN, [], 'internal_error', 'api_error', 'Internal server error']
  ]
  for (const [status, body, code, type, message] of cases) {
    const err = parseError(status, undefined, body)
    t.same([err.format, err.code, err.type, err.message, err.details, err.requestId], ['unknown', code, type, message, [], undefined], `${status} ${JSON.stringify(body)}`)
  }
  t.same(parseError(404, {}, '{"error":"not here"}').body, { error: 'not here' }, 'JSON text is parsed')
  t.equal(parseError(502, {}, '<html>').body, '<html>', 'other text is kept as text')
})

t.test('reads the request id from the header when the body has none, and only a valid one', async (t) => {
  t.equal(parseError(502, { 'x-request-id': 'req_h' }, 'proxy').requestId, 'req_h')
  t.equal(parseError(502, { 'X-Request-ID': ['req_a', 'req_b'] }, 'proxy').requestId, undefined, 'two ids joined are not one id')
  t.equal(parseError(502, { 'x-request-id': 'bad id' }, 'proxy').requestId, undefined)
  t.equal(parseError(404, { 'x-request-id': 'req_h' }, { error: { code: 'not_found', request_id: '<script>' } }).requestId, 'req_h')
  t.equal(parseError(502, { get () { throw new Error('broken') } }, 'proxy').requestId, undefined, 'a headers object that throws')
  t.equal(parseError(502, { get: () => 7 }, 'proxy').requestId, '7', 'a number is text')
  t.equal(parseError(502, { get: () => ({}) }, 'proxy').requestId, undefined, 'an object is not')
})

t.test('marks 408, 429, 502, 503 and 504 retryable, and every other status not', async (t) => {
  const retryable = []
  for (let status = 400; status <= 599; status++) if (parseError(status, {}, undefined).retryable) retryable.push(status)
  t.same(retryable, [408, 429, 502, 503, 504])
})

t.test('keeps a hostile body bounded and well typed', async (t) => {
  const many = Array.from({ length: 10_000 }, (_, i) => ({ field: `f${i}`, message: 'bad' }))
  const huge = 'x'.repeat(1024 * 1024)
  const body = JSON.parse(JSON.stringify({
    error: { code: 'Not A Code', type: 42, message: huge, param: huge, details: [{ field: '__proto__', message: 'polluted' }, { field: 'constructor', message: 'c' }, ...many], request_id: 'req_1', doc_url: huge }
  }))
  const err = parseError(422, {}, body)
  t.equal(err.code, 'unprocessable_entity', 'an invalid code gives the status\'s')
  t.equal(err.type, 'validation_error', 'a type that is not a string gives the code\'s')
  t.equal(err.message.length, 1024)
  t.equal(err.param?.length, 256)
  t.equal(err.docUrl?.length, 2048)
  t.equal(err.details.length, 100)
  t.same(Object.getOwnPropertyDescriptor(err.fieldErrors, '__proto__')?.value, ['polluted'], 'a field named __proto__ is a key')
  t.same(err.fieldErrors.constructor, ['c'])
  t.equal(Object.getPrototypeOf(err.fieldErrors), null)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  const inherited = Object.create({ error: { code: 'inherited' } })
  t.equal(parseError(404, {}, inherited).format, 'unknown', 'only own properties are read')
  const getter = { get error () { throw new Error('boom') } }
  t.same([parseError(500, {}, getter).code, parseError(500, {}, getter).format], ['internal_error', 'unknown'], 'a getter that throws')
  t.equal(parseError(400, {}, 'x'.repeat((1 << 20) + 1)).format, 'unknown', 'text over 1 MiB is not parsed')
})

t.test('isClientError recognises a ClientError made elsewhere and nothing else', async (t) => {
  t.ok(isClientError(parseError(404, {}, undefined)))
  t.notOk(isClientError(new Error('x')))
  t.notOk(isClientError(null))
  t.notOk(isClientError({ status: 404, code: 'not_found' }))
})
