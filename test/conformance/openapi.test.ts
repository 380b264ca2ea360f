import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { codeFor, unauthorized } from '../../index.js'
import { contractErrors } from '../helper.js'
import { errors } from '../fixtures/catalog.js'
import { adapters, type Route } from './adapters.js'

// The OpenAPI document of an app lists, on each operation, the error
// responses the app really gives, in the media types of the format option,
// and the same ones on both adapters: @fastify/swagger's document on
// Fastify, the app's own document through envelope.openApi() on Express.

// `?fail` makes any route fail as a server fault would.
function failing (query: unknown): void {
  if ((query as Record<string, unknown>).fail !== undefined) throw new Error('db down')
}

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^w_[0-9]+$' } } } }, errors: ['widget_not_found'], handler: ({ params, query }) => { failing(query); throw errors.widget_not_found({ id: (params as { id: string }).id }, { param: 'id' }) } },
  { method: 'POST', path: '/widgets', schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }, errors: ['card_declined'], handler: ({ query }) => { failing(query); throw errors.card_declined() } },
  { method: 'GET', path: '/me', errors: ['unauthorized'], handler: ({ query }) => { failing(query); throw unauthorized('Invalid API key') } },
  { method: 'GET', path: '/health', handler: () => { throw new Error('db down') } }
]

const listed: Record<string, string[]> = {
  '/widgets/{id} get': ['400', '404', '405', '429', '500'],
  '/widgets post': ['400', '402', '405', '413', '422', '429', '500'],
  '/me get': ['401', '405', '429', '500'],
  '/health get': ['405', '429', '500']
}

const json = { 'content-type': 'application/json' }
const tooMany = { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' }
// What each request gets, and the operation that lists it.
const sends: Array<[string, string, RequestInit, number, { code: string, message: string, type: string, param?: string, details?: object[] }]> = [
  ['/widgets/{id} get', '/widgets/w_9', {}, 404, { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id' }],
  ['/widgets/{id} get', '/widgets/nope', {}, 400, { code: 'invalid_parameter', message: 'Invalid field id: must match pattern "^w_[0-9]+$"', type: 'invalid_request_error', param: 'id', details: [{ field: 'id', message: 'must match pattern "^w_[0-9]+$"' }] }],
  ['/widgets/{id} get', '/widgets/w_1?fail', {}, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
  ['/widgets/{id} get', '/widgets/w_1', { method: 'DELETE' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/w_1', type: 'invalid_request_error' }],
  ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{}' }, 422, { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] }],
  ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{"name":' }, 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }],
  ['/widgets post', '/widgets', { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(2000) }) }, 413, { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' }],
  ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{"name":"Gear"}' }, 402, { code: 'card_declined', message: 'The card was declined', type: 'card_error' }],
  ['/widgets post', '/widgets?fail', { method: 'POST', headers: json, body: '{"name":"Gear"}' }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
  ['/widgets post', '/widgets', { method: 'PUT' }, 405, { code: 'method_not_allowed', message: 'Method PUT is not allowed for /widgets', type: 'invalid_request_error' }],
  ['/me get', '/me', {}, 401, { code: 'unauthorized', message: 'Invalid API key', type: 'authentication_error' }],
  ['/me get', '/me?fail', {}, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
  ['/me get', '/me', { method: 'DELETE' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /me', type: 'invalid_request_error' }],
  ['/health get', '/health', {}, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
  ['/health get', '/health', { method: 'DELETE' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /health', type: 'invalid_request_error' }]
]

for (const adapter of adapters) {
  const format = adapter.name.includes('negotiated') ? 'negotiate' : adapter.name.includes('problem') ? 'problem' : 'envelope'
  t.test(`${adapter.name}: the document lists every error response each operation gives, and each one it lists is given`, async (t) => {
    const app = await adapter.start(t, routes, { catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' }, rateLimit: { max: 100, timeWindow: 60_000 } })
    const document = app.openApi()
    const result = await new Validator().validate(document)
    t.same(result.errors, undefined, 'a valid OpenAPI document')
    const responsesOf = (operation: string): Record<string, { $ref?: string }> => {
      const [path, method] = operation.split(' ')
      return document.paths[path][method].responses
    }
    for (const [operation, statuses] of Object.entries(listed)) {
      t.same(Object.keys(responsesOf(operation)).filter((status) => status !== '200').sort(), statuses, `${operation} lists ${statuses.join(', ')}`)
      for (const status of statuses) {
        const shared = document.components.responses[responsesOf(operation)[status].$ref?.split('/').pop() as string]
        const mediaTypes = { envelope: ['application/json'], problem: ['application/problem+json'], negotiate: ['application/json', 'application/problem+json'] }[format]
        t.same(Object.keys(shared.content), mediaTypes, `${operation} ${status}: the media types of the ${format} format`)
      }
    }

    const sent = new Set<string>()
    const check = async (operation: string, response: Response, status: number, expected: object): Promise<void> => {
      t.equal(response.status, status, `${operation}: status`)
      const body = await response.json()
      t.same(contractErrors(body), [], `${operation} ${status}: the contract`)
      const code = (expected as { code: string }).code
      // Problem details carry the page as their type, which the envelope they are read back as has no member for.
      const docUrl = format === 'envelope' ? { doc_url: `https://api.example.com/errors#${code}` } : {}
      t.same(body, { error: { ...expected, request_id: response.headers.get('x-request-id'), ...docUrl } }, `${operation} ${status}: whole envelope`)
      t.ok(String(status) in responsesOf(operation), `${operation} lists ${status}`)
      sent.add(`${operation} ${status}`)
    }
    for (const [operation, path, init, status, expected] of sends) {
      // Read back from problem details, an answer's type is the table's for its status: a catalog code's own type has no member there.
      const type = format === 'envelope' ? expected.type : codeFor(status).type
      await check(operation, await fetch(app.base + path, init), status, { ...expected, type })
    }
    // The global limit: once the client used it up, every operation answers 429.
    let limited: Response | undefined
    for (let i = 0; i < 120 && limited?.status !== 429; i++) limited = await fetch(app.base + '/health')
    await check('/health get', limited as Response, 429, tooMany)
    await check('/widgets/{id} get', await fetch(app.base + '/widgets/w_1'), 429, tooMany)
    await check('/widgets post', await fetch(app.base + '/widgets', { method: 'POST', headers: json, body: '{}' }), 429, tooMany)
    await check('/me get', await fetch(app.base + '/me'), 429, tooMany)
    for (const [operation, statuses] of Object.entries(listed)) {
      t.same(statuses.filter((status) => !sent.has(`${operation} ${status}`)), [], `every error response of ${operation} was given`)
    }
  })
}
