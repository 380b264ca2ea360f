import { Validator } from '@seriousme/openapi-schema-validator'
import { connect } from 'node:net'
import t from 'tap'
import { codeFor, unauthorized } from '../../index.js'
import { contractErrors, problemErrors } from '../helper.js'
import { errors } from '../fixtures/catalog.js'
import { adapters, envelopeAdapters, type Route, type RunningApp } from './adapters.js'

// The OpenAPI document of an app lists, on each operation, the error
// responses the app really gives, in the media types of the format option,
// and the same ones on both adapters: @fastify/swagger's document on
// Fastify, the app's own document through envelope.openApi() on Express.

// `?fail` makes any route fail as a server fault would.
function failing (query: unknown): void {
  if ((query as Record<string, unknown>).fail !== undefined) throw new Error('db down')
}

// `?wait` keeps a request in flight a while, so that the server closes under it.
async function waiting (query: unknown): Promise<void> {
  if ((query as Record<string, unknown>).wait !== undefined) await new Promise((resolve) => setTimeout(resolve, 300))
}

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^w_[0-9]+$' } } } }, errors: ['widget_not_found'], handler: ({ params, query }) => { failing(query); throw errors.widget_not_found({ id: (params as { id: string }).id }, { param: 'id' }) } },
  { method: 'POST', path: '/widgets', schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }, errors: ['card_declined'], handler: ({ query }) => { failing(query); throw errors.card_declined() } },
  { method: 'GET', path: '/me', errors: ['unauthorized'], handler: async ({ query }) => { await waiting(query); failing(query); throw unauthorized('Invalid API key') } },
  { method: 'GET', path: '/health', handler: () => { throw new Error('db down') } }
]

// Every operation lists 503: a request that arrives while the server shuts down gets it.
const listed: Record<string, string[]> = {
  '/widgets/{id} get': ['400', '404', '405', '429', '500', '503'],
  '/widgets post': ['400', '402', '405', '413', '415', '422', '429', '500', '503'],
  '/me get': ['401', '405', '429', '500', '503'],
  '/health get': ['405', '429', '500', '503']
}

const json = { 'content-type': 'application/json' }
// The seconds left of the window vary with the time the test took: they are the Retry-After header's.
const tooMany = (response: Response | undefined): { code: string, message: string, type: string } => ({ code: 'rate_limit_exceeded', message: `Rate limit exceeded, retry in ${String(response?.headers.get('retry-after'))} seconds`, type: 'rate_limit_error' })
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

// A body a route's parser refuses with 415: Fastify has no parser for XML,
// express.json() knows no such Content-Encoding.
const unsupported: Record<string, [RequestInit, string]> = {
  fastify: [{ method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<widget/>' }, 'Unsupported media type'],
  express: [{ method: 'POST', headers: { ...json, 'content-encoding': 'br-unknown' }, body: '{}' }, 'Unsupported Content-Encoding']
}

// The requests that arrive while the server closes, one per operation.
const late: Array<[string, string]> = [
  ['/widgets/{id} get', 'GET /widgets/w_1 HTTP/1.1\r\nHost: x\r\n'],
  ['/widgets post', 'POST /widgets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n'],
  ['/me get', 'GET /me HTTP/1.1\r\nHost: x\r\n'],
  ['/health get', 'GET /health HTTP/1.1\r\nHost: x\r\n']
]

interface RawAnswer { status: number, headers: Headers, body: string }

// Sends a slow request on each of `count` kept-alive connections, closes the
// server while they run, then sends `requests[i]` on connection i; returns
// the answer each late request got.
async function closeUnder (app: RunningApp, requests: string[]): Promise<RawAnswer[]> {
  const port = Number(new URL(app.base).port)
  const sockets = await Promise.all(requests.map(async () => {
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    socket.on('data', (chunk) => { raw += chunk.toString() })
    const closed = new Promise<string>((resolve) => { socket.on('close', () => { resolve(raw) }) })
    await new Promise((resolve) => socket.once('connect', resolve))
    // Its own rate-limit key: the requests before used the client's up.
    socket.write('GET /me?wait HTTP/1.1\r\nHost: x\r\nX-Client: closing\r\n\r\n')
    return { socket, closed }
  }))
  await new Promise((resolve) => setTimeout(resolve, 50))
  const closing = app.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  requests.forEach((request, i) => { sockets[i].socket.write(request) })
  const raws = await Promise.all(sockets.map(async ({ closed }) => await closed))
  await closing
  return raws.map(function lateAnswer (raw) {
    // The answer after the one to the request in flight.
    const second = raw.indexOf('HTTP/1.1 ', 1)
    const head = raw.slice(second, raw.indexOf('\r\n\r\n', second))
    const [statusLine, ...lines] = head.split('\r\n')
    const headers = new Headers(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]))
    const start = second + head.length + 4
    return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(start, start + Number(headers.get('content-length'))) }
  })
}

const CLOSING = { code: 'service_unavailable', message: 'The server is shutting down; retry later', type: 'api_error' }

for (const adapter of adapters) {
  const format = adapter.name.includes('negotiated') ? 'negotiate' : adapter.name.includes('problem') ? 'problem' : 'envelope'
  const mediaTypes = { envelope: ['application/json'], problem: ['application/problem+json'], negotiate: ['application/json', 'application/problem+json'] }[format]
  t.test(`${adapter.name}: the document lists every error response each operation gives, with the codes and headers it gives, and each one it lists is given`, async (t) => {
    const app = await adapter.start(t, routes, {
      catalog: errors,
      docs: { publicUrl: 'https://api.example.com/errors' },
      rateLimit: { max: 100, timeWindow: 60_000, keyGenerator: (request) => request.headers['x-client'] as string | undefined }
    })
    const document = app.openApi()
    const result = await new Validator().validate(document)
    t.same(result.errors, undefined, 'a valid OpenAPI document')
    t.same(Object.keys(document.components.schemas), format === 'envelope' ? ['ErrorEnvelope'] : ['ErrorEnvelope', 'ProblemDetails'], 'each contract once')
    t.same(Object.keys(document.paths).sort(), ['/health', '/me', '/widgets', '/widgets/{id}'], 'the reference page\'s routes are not among the paths')
    const responsesOf = (operation: string): Record<string, { $ref?: string }> => {
      const [path, method] = operation.split(' ')
      return document.paths[path][method].responses
    }
    const sharedOf = (operation: string, status: number | string): Record<string, any> => document.components.responses[responsesOf(operation)[status].$ref?.split('/').pop() as string]
    for (const [operation, statuses] of Object.entries(listed)) {
      t.same(Object.keys(responsesOf(operation)).filter((status) => status !== '200').sort(), statuses, `${operation} lists ${statuses.join(', ')}`)
      for (const status of statuses) {
        const shared = sharedOf(operation, status)
        t.same(Object.keys(shared.content), mediaTypes, `${operation} ${status}: the media types of the ${format} format`)
        for (const [mediaType, content] of Object.entries(shared.content) as Array<[string, { schema: any, examples: Record<string, { value: any }> }]>) {
          const codes = enumOf(content.schema, mediaType)
          const examples = Object.values(content.examples).map((example) => example.value)
          t.same([...new Set(examples.map((value) => mediaType === 'application/json' ? value.error.code : value.code))].sort(), [...codes].sort(), `${operation} ${status} ${mediaType}: an example of each code of the enum`)
          for (const value of examples) {
            t.same(mediaType === 'application/json' ? contractErrors(value) : problemErrors(value), [], `${operation} ${status} ${mediaType}: each example satisfies the contract`)
            t.notMatch(JSON.stringify(value), /\{[A-Za-z_][A-Za-z0-9_]*\}/, `${operation} ${status}: no placeholder left in an example`)
          }
        }
      }
    }
    // The 422 of a body carries its param and details.
    const invalid = sharedOf('/widgets post', 422).content
    const example = { id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3', page: 'https://api.example.com/errors#validation_failed', message: 'Missing required field: name' }
    if (format !== 'problem') {
      t.same(invalid['application/json'].examples.validation_failed.value, {
        error: { code: 'validation_failed', message: example.message, type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }], request_id: example.id, doc_url: example.page }
      }, 'the 422 example has param and details')
    }
    if (format !== 'envelope') {
      t.same(invalid['application/problem+json'].examples.validation_failed.value, {
        type: example.page, title: 'Validation failed', status: 422, detail: example.message, instance: `urn:request:${example.id}`, code: 'validation_failed', request_id: example.id, param: 'name', errors: [{ detail: 'is required', pointer: '#/name', field: 'name', in: 'body' }]
      }, 'the 422 example has param and errors')
    }

    const sent = new Set<string>()
    // A given answer: its body whole, its code in the enum of the response
    // the operation lists for its status, and every header that response
    // documents on it.
    const checkListed = (operation: string, status: number, code: string, headers: Headers): void => {
      t.ok(String(status) in responsesOf(operation), `${operation} lists ${status}`)
      const shared = sharedOf(operation, status)
      for (const mediaType of mediaTypes) t.ok(enumOf(shared.content[mediaType].schema, mediaType).includes(code), `${operation} ${status}: ${code} is in the enum of ${mediaType}`)
      t.same(Object.keys(shared.headers).filter((name) => !headers.has(name)), [], `${operation} ${status}: every documented header is sent`)
      sent.add(`${operation} ${status}`)
    }
    const check = async (operation: string, response: Response, status: number, expected: { code: string }): Promise<void> => {
      t.equal(response.status, status, `${operation}: status`)
      const body = await response.json()
      t.same(contractErrors(body), [], `${operation} ${status}: the contract`)
      // Problem details carry the page as their type, which the envelope they are read back as has no member for.
      const docUrl = format === 'envelope' ? { doc_url: `https://api.example.com/errors#${expected.code}` } : {}
      t.same(body, { error: { ...expected, request_id: response.headers.get('x-request-id'), ...docUrl } }, `${operation} ${status}: whole envelope`)
      checkListed(operation, status, expected.code, response.headers)
    }
    const [init, message] = unsupported[adapter.name.split(',')[0]]
    for (const [operation, path, request, status, expected] of [...sends, ['/widgets post', '/widgets', init, 415, { code: 'unsupported_media_type', message, type: 'invalid_request_error' }] as const]) {
      // Read back from problem details, an answer's type is the table's for its status: a catalog code's own type has no member there.
      const type = format === 'envelope' ? expected.type : codeFor(status).type
      await check(operation, await fetch(app.base + path, request), status, { ...expected, type })
    }
    // The global limit: once the client used it up, every operation answers 429.
    let limited: Response | undefined
    for (let i = 0; i < 120 && limited?.status !== 429; i++) limited = await fetch(app.base + '/health')
    await check('/health get', limited as Response, 429, tooMany(limited))
    for (const [operation, path, init] of [['/widgets/{id} get', '/widgets/w_1', {}], ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{}' }], ['/me get', '/me', {}]] as const) {
      const response = await fetch(app.base + path, init)
      await check(operation, response, 429, tooMany(response))
    }
    // While the server closes, every operation answers 503.
    const accept = format === 'negotiate' ? 'Accept: application/problem+json\r\n' : ''
    const answers = await closeUnder(app, late.map(([, request]) => `${request}X-Request-Id: late-1\r\n${accept}\r\n${request.startsWith('POST') ? '{}' : ''}`))
    for (const [i, answer] of answers.entries()) {
      const operation = late[i][0]
      t.equal(answer.status, 503, `${operation}: 503 while the server closes`)
      const body = JSON.parse(answer.body)
      if (format === 'envelope') {
        t.same(contractErrors(body), [], `${operation} 503: the contract`)
        t.same(body, { error: { ...CLOSING, request_id: 'late-1', doc_url: 'https://api.example.com/errors#service_unavailable' } }, `${operation} 503: whole envelope`)
      } else {
        t.same(problemErrors(body), [], `${operation} 503: the problem contract`)
        t.same(body, { type: 'https://api.example.com/errors#service_unavailable', title: 'Service unavailable', status: 503, detail: CLOSING.message, instance: 'urn:request:late-1', code: 'service_unavailable', request_id: 'late-1' }, `${operation} 503: whole problem details`)
      }
      checkListed(operation, 503, 'service_unavailable', answer.headers)
    }
    for (const [operation, statuses] of Object.entries(listed)) {
      t.same(statuses.filter((status) => !sent.has(`${operation} ${status}`)), [], `every error response of ${operation} was given`)
    }
  })
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: lists the reference page's routes among the paths with docs.openapi, once, as they are served`, async (t) => {
    const app = await adapter.start(t, routes, { catalog: errors, docs: { path: '/api-errors', openapi: true } })
    const document = app.openApi()
    t.same(Object.keys(document.paths).sort(), ['/api-errors', '/api-errors.json', '/health', '/me', '/widgets', '/widgets/{id}'])
    t.same(Object.keys(document.paths['/api-errors']), ['get'])
    t.same(Object.keys(document.paths['/api-errors'].get.responses), ['200'], 'the page\'s routes have no error responses listed')
    for (const [path, type] of [['/api-errors', 'text/html; charset=utf-8'], ['/api-errors.json', 'application/json; charset=utf-8']]) {
      const response = await fetch(app.base + path)
      t.equal(response.status, 200, `${path} is served`)
      t.equal(response.headers.get('content-type'), type)
      t.same(Object.keys(document.paths[path].get.responses['200'].content), [type.split(';')[0]], `${path}: the media type it is served in`)
      await response.arrayBuffer()
    }
  })
}

// The codes a response's schema narrows `code` to.
function enumOf (schema: { allOf: any[] }, mediaType: string): string[] {
  const narrowing = schema.allOf[1]
  return mediaType === 'application/json' ? narrowing.properties.error.properties.code.enum : narrowing.properties.code.enum
}
