import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { unauthorized, type OpenApiDocument } from '../../express.js'
import { errors, widgetNotFoundProblem } from '../fixtures/catalog.js'
import { problemErrors } from '../helper.js'
import { assertFetched, buildExpress } from './helper.js'
import { MisuseError } from '../../lib/core/misuse.js'

// envelope.openApi() adds to an Express app's own OpenAPI document the error
// responses each operation can really give, and the server gives them.

type Operation = { responses: Record<string, { $ref?: string }> }
type Documented = { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, unknown>, responses: Record<string, any> } }

function widgetsDocument (): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Widgets', version: '1.0.0' },
    components: { parameters: { WidgetId: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } } },
    paths: {
      '/widgets/{id}': {
        parameters: [{ $ref: '#/components/parameters/WidgetId' }],
        get: { 'x-errors': ['widget_not_found', 'unauthorized'], responses: { 200: { description: 'A widget' } } }
      },
      '/widgets': {
        post: {
          'x-errors': ['card_declined'],
          requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } } },
          responses: { 201: { description: 'Created' } }
        }
      },
      '/health': { get: { responses: { 200: { description: 'Up' } } } }
    }
  }
}

function widgetsApp (t: Parameters<typeof buildExpress>[0], format?: 'problem' | 'negotiate'): ReturnType<typeof buildExpress> {
  const built = buildExpress(t, { catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' }, rateLimit: { max: 100, timeWindow: 60_000 }, ...(format === undefined ? {} : { format }) })
  const { app, envelope } = built
  app.get('/widgets/:id', envelope.validate({ params: { type: 'object', properties: { id: { type: 'string', pattern: '^w_[0-9]+$' } } } }), (req) => {
    if (req.headers['x-fail'] !== undefined) throw new Error('db down')
    if (req.headers.authorization === undefined) throw unauthorized('Invalid API key')
    throw errors.widget_not_found({ id: req.params.id as string }, { param: 'id' })
  })
  app.post('/widgets', envelope.validate({ body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }), (req) => {
    if (req.headers['x-fail'] !== undefined) throw new Error('db down')
    throw errors.card_declined()
  })
  app.get('/health', () => { throw new Error('db down') })
  return built
}

t.test('adds the envelope schema and the error responses of each operation to a copy of the document, a valid OpenAPI 3.1 document', async (t) => {
  const { envelope } = widgetsApp(t)
  const given = widgetsDocument()
  const before = structuredClone(given)
  const document = envelope.openApi(given) as unknown as Documented
  t.not(document, given, 'a copy')
  t.same(given, before, 'the document given is left as it was')
  const result = await new Validator().validate(document as unknown as Record<string, unknown>)
  t.same(result.errors, undefined, 'no validation errors')
  t.equal(result.valid, true)
  const statuses = (path: string, method: string): string[] => Object.keys(document.paths[path][method].responses).sort()
  t.same(statuses('/widgets/{id}', 'get'), ['200', '400', '401', '404', '405', '429', '500', '503'])
  t.same(statuses('/widgets', 'post'), ['201', '400', '402', '405', '413', '415', '422', '429', '500', '503'])
  t.same(statuses('/health', 'get'), ['200', '405', '429', '500', '503'])
  t.same(document.paths['/widgets/{id}'].get.responses['200'], { description: 'A widget' }, 'the operation\'s own responses stay')
  t.same(document.paths['/widgets'].post.responses['400'], { $ref: '#/components/responses/Error400_invalid_json' })
  const notFoundResponse = document.components.responses[document.paths['/widgets/{id}'].get.responses['404'].$ref?.split('/').pop() as string]
  t.same(notFoundResponse, {
    description: '404 not_found, widget_not_found',
    headers: { 'X-Request-Id': { description: 'The request id, the request_id of the body and of every log line of the request.', required: true, schema: { type: 'string' } } },
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/ErrorEnvelope' },
            { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: ['not_found', 'widget_not_found'] } } } } }
          ]
        },
        examples: {
          not_found: { summary: 'Not found', value: { error: { code: 'not_found', message: 'Not found', type: 'invalid_request_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3', doc_url: 'https://api.example.com/errors#not_found' } } },
          widget_not_found: { summary: 'Widget example-id not found', value: { error: { code: 'widget_not_found', message: 'Widget example-id not found', type: 'invalid_request_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3', doc_url: 'https://api.example.com/errors#widget_not_found' } } }
        }
      }
    }
  })
  t.notOk('ProblemDetails' in document.components.schemas, 'no problem details component for the envelope format')
})

t.test('every error response the document lists is one the server really gives', async (t) => {
  const { envelope, listen } = widgetsApp(t)
  const base = await listen()
  const document = envelope.openApi(widgetsDocument()) as unknown as Documented
  const json = { 'content-type': 'application/json' }
  const sends: Array<[string, string, RequestInit, number, object]> = [
    ['/widgets/{id} get', '/widgets/w_1', {}, 401, { code: 'unauthorized', message: 'Invalid API key', type: 'authentication_error' }],
    ['/widgets/{id} get', '/widgets/w_9', { headers: { authorization: 'Bearer x' } }, 404, { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id' }],
    ['/widgets/{id} get', '/widgets/nope', { headers: { authorization: 'Bearer x' } }, 400, { code: 'invalid_parameter', message: 'Invalid field id: must match pattern "^w_[0-9]+$"', type: 'invalid_request_error', param: 'id', details: [{ field: 'id', message: 'must match pattern "^w_[0-9]+$"' }] }],
    ['/widgets/{id} get', '/widgets/w_1', { headers: { 'x-fail': '1' } }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
    ['/widgets/{id} get', '/widgets/w_1', { method: 'DELETE' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/w_1', type: 'invalid_request_error' }],
    ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{}' }, 422, { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] }],
    ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{"name":' }, 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }],
    ['/widgets post', '/widgets', { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(2000) }) }, 413, { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' }],
    ['/widgets post', '/widgets', { method: 'POST', headers: json, body: '{"name":"Gear"}' }, 402, { code: 'card_declined', message: 'The card was declined', type: 'card_error' }],
    ['/widgets post', '/widgets', { method: 'POST', headers: { ...json, 'x-fail': '1' }, body: '{"name":"Gear"}' }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
    ['/widgets post', '/widgets', { method: 'PUT' }, 405, { code: 'method_not_allowed', message: 'Method PUT is not allowed for /widgets', type: 'invalid_request_error' }],
    ['/widgets post', '/widgets', { method: 'POST', headers: { ...json, 'content-encoding': 'br-unknown' }, body: '{}' }, 415, { code: 'unsupported_media_type', message: 'Unsupported Content-Encoding', type: 'invalid_request_error' }],
    ['/health get', '/health', {}, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
    ['/health get', '/health', { method: 'DELETE' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /health', type: 'invalid_request_error' }]
  ]
  const sent = new Set<string>()
  for (const [operation, path, init, status, expected] of sends) {
    const code = (expected as { code: string }).code
    await assertFetched(t, await fetch(base + path, init), status, { ...expected, doc_url: `https://api.example.com/errors#${code}` } as never)
    const [documented, method] = operation.split(' ')
    t.ok(String(status) in document.paths[documented][method].responses, `${operation} lists ${status}`)
    sent.add(`${operation} ${status}`)
  }
  // The global limit: every operation answers 429 once the client used it up.
  let limited: Response | undefined
  for (let i = 0; i < 120 && limited?.status !== 429; i++) limited = await fetch(base + '/health')
  // The seconds left of the window vary with the time the test took: they are the Retry-After header's.
  const tooMany = (response: Response | undefined): never => ({ code: 'rate_limit_exceeded', message: `Rate limit exceeded, retry in ${String(response?.headers.get('retry-after'))} seconds`, type: 'rate_limit_error', doc_url: 'https://api.example.com/errors#rate_limit_exceeded' }) as never
  await assertFetched(t, limited as Response, 429, tooMany(limited))
  sent.add('/health get 429')
  const read = await fetch(base + '/widgets/w_1')
  await assertFetched(t, read, 429, tooMany(read))
  sent.add('/widgets/{id} get 429')
  const create = await fetch(base + '/widgets', { method: 'POST', headers: json, body: '{}' })
  await assertFetched(t, create, 429, tooMany(create))
  sent.add('/widgets post 429')
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method === 'parameters') continue
      // The 503 of a closing server is given in test/conformance/openapi.test.ts.
      const listed = Object.keys(operation.responses).filter((status) => Number(status) >= 400 && status !== '503')
      t.same(listed.filter((status) => !sent.has(`${path} ${method} ${status}`)), [], `every error response of ${method} ${path} was given`)
    }
  }
})

t.test('documents problem details for the format option, as the server sends them', async (t) => {
  for (const format of ['problem', 'negotiate'] as const) {
    const { envelope, listen } = widgetsApp(t, format)
    const base = await listen()
    const document = envelope.openApi(widgetsDocument()) as unknown as Documented
    const result = await new Validator().validate(document as unknown as Record<string, unknown>)
    t.same(result.errors, undefined, `${format}: no validation errors`)
    t.ok('ProblemDetails' in document.components.schemas, `${format}: the problem contract is a component`)
    const notFoundResponse = document.components.responses[document.paths['/widgets/{id}'].get.responses['404'].$ref?.split('/').pop() as string]
    t.same(Object.keys(notFoundResponse.content), format === 'problem' ? ['application/problem+json'] : ['application/json', 'application/problem+json'])
    const example = notFoundResponse.content['application/problem+json'].examples.widget_not_found.value
    t.same(problemErrors(example), [])
    t.same(example, widgetNotFoundProblem('Widget example-id not found', 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'))
    const response = await fetch(base + '/widgets/w_9', { headers: { authorization: 'Bearer x', accept: 'application/problem+json' } })
    t.equal(response.status, 404)
    t.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8')
    const body = await response.json()
    t.same(problemErrors(body), [])
    const id = response.headers.get('x-request-id')
    t.same(body, widgetNotFoundProblem('Widget w_9 not found', id as string, 'id'))
  }
})

t.test('lists 429 for a route\'s own limit where the operation declares it, and no 429 without a global limit', async (t) => {
  const { app, envelope, listen } = buildExpress(t, { rateLimit: { global: false, max: 100, timeWindow: 60_000 } })
  app.get('/search', envelope.rateLimit({ max: 1 }), (_req, res) => { res.json({ results: [] }) })
  app.get('/ok', (_req, res) => { res.json({ ok: true }) })
  const base = await listen()
  const document = envelope.openApi({
    openapi: '3.0.3',
    info: { title: 'Search', version: '1.0.0' },
    paths: {
      '/search': { get: { 'x-errors': ['rate_limit_exceeded'], parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'Results' } } } },
      '/ok': { get: { responses: { 200: { description: 'OK' } } } }
    }
  }) as unknown as Documented
  const result = await new Validator().validate(document as unknown as Record<string, unknown>)
  t.same(result.errors, undefined, 'no validation errors')
  t.same(Object.keys(document.paths['/search'].get.responses).sort(), ['200', '400', '405', '429', '500', '503'], 'its query parameter gives the 400 of validate()')
  t.same(Object.keys(document.paths['/ok'].get.responses).sort(), ['200', '405', '500', '503'])
  t.equal((await fetch(base + '/search')).status, 200)
  await assertFetched(t, await fetch(base + '/search'), 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' })
})

t.test('refuses an x-errors code of its own when no catalog was given, saying so', async (t) => {
  const { envelope } = buildExpress(t)
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: { '/x': { get: { 'x-errors': ['widget_missing'], responses: {} } } } }),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: x-errors of GET /x lists "widget_missing", but no catalog with codes of your own was given: pass the catalog made by defineErrors() as the catalog option ({ catalog: errors }), or list only built-in codes'))
})

t.test('refuses what is not an OpenAPI 3 document, and an x-errors code the catalog does not have, naming it', async (t) => {
  const { envelope } = buildExpress(t, { catalog: errors })
  const notADocument = 'error-envelope: openApi() takes an OpenAPI 3 document (an object with openapi "3.x" and paths), instead got'
  t.throws(() => envelope.openApi(undefined as never), new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', `${notADocument} undefined`))
  t.throws(() => envelope.openApi({ swagger: '2.0', paths: {} } as never), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_DOCUMENT', message: new RegExp(`^${notADocument.replace(/[()]/g, '\\$&')} `) })
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: [] } as never), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_DOCUMENT', message: new RegExp(`^${notADocument.replace(/[()]/g, '\\$&')} `) })
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: { '/x': { get: { 'x-errors': ['widget_missing'], responses: {} } } } }),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: x-errors of GET /x must list codes of the catalog (built-in ones included), instead got ["widget_missing"]'))
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: { '/x': { get: { 'x-errors': 'not_found', responses: {} } } } }),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: x-errors of GET /x must list codes of the catalog (built-in ones included), instead got "not_found"'))
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: {}, 'x-handler': () => 'x' }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_DOCUMENT', message: /^error-envelope: openApi\(\) takes an OpenAPI 3 document of plain data, and this one cannot be copied: / })
  const throwing = { openapi: '3.1.0', paths: {}, get 'x-late' () { throw 'not an error' } } // eslint-disable-line no-throw-literal
  t.throws(() => envelope.openApi(throwing), new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', 'error-envelope: openApi() takes an OpenAPI 3 document of plain data, and this one cannot be copied: not an error'))
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: new Map() }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_DOCUMENT', message: new RegExp(`^${notADocument.replace(/[()]/g, '\\$&')} `) })
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: {}, components: 'x' }), new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', 'error-envelope: openApi() takes an OpenAPI 3 document whose components is an object, instead got "x"'))
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: {}, components: [] }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_DOCUMENT', message: /^error-envelope: openApi\(\) takes an OpenAPI 3 document whose components is an object, instead got / })
  t.throws(() => envelope.openApi({ openapi: '3.1.0', paths: {}, components: { schemas: 'x' } }), new MisuseError('ERR_ENVELOPE_INVALID_DOCUMENT', 'error-envelope: openApi() takes an OpenAPI 3 document whose components.schemas is an object, instead got "x"'))
})

t.test('gives an operation without responses its error responses, and passes over what is not an operation', async (t) => {
  const { envelope } = buildExpress(t)
  const document = envelope.openApi({
    openapi: '3.1.0',
    info: { title: 'Odd', version: '1.0.0' },
    paths: {
      '/a': { summary: 'A path', post: { requestBody: { $ref: '#/components/requestBodies/A' } } as never, get: null as never },
      '/b/{id}': { parameters: [{ $ref: '#/components/parameters/Missing' }, { $ref: '#/other/place' }, { name: 'x-trace', in: 'header' }, { name: 's', in: 'cookie' }], get: { responses: {} } },
      '/c': null as never
    }
  }) as unknown as Documented
  t.same(Object.keys(document.paths['/a'].post.responses).sort(), ['400', '405', '413', '415', '422', '500', '503'])
  t.equal(document.paths['/a'].get, null)
  t.equal(document.paths['/a'].summary as unknown, 'A path')
  t.same(Object.keys(document.paths['/b/{id}'].get.responses).sort(), ['400', '404', '405', '500', '503'], 'the header parameter gives the 400 of validate(); a cookie or an unresolved $ref gives nothing')
  t.same(document.components.responses[document.paths['/b/{id}'].get.responses['400'].$ref?.split('/').pop() as string].description, '400 invalid_parameter')
  const shared = envelope.openApi({
    openapi: '3.1.0',
    info: { title: 'Shared', version: '1.0.0' },
    components: { parameters: { Limit: { name: 'limit', in: 'query' } } },
    paths: { '/c': { get: { parameters: [{ $ref: '#/components/parameters/Missing' }], responses: {} } } }
  }) as unknown as Documented
  t.same(Object.keys(shared.paths['/c'].get.responses).sort(), ['405', '500', '503'], 'a $ref to a parameter the components do not have gives nothing')
})

t.test('gives each operation its own responses when the document shares one object between operations or paths', async (t) => {
  const { envelope } = buildExpress(t)
  const ok = { 200: { description: 'OK' } }
  const read = { responses: ok }
  const item = { get: read }
  const document = envelope.openApi({
    openapi: '3.1.0',
    info: { title: 'Shared', version: '1.0.0' },
    paths: { '/widgets': { post: { requestBody: { content: {} }, responses: ok }, get: read }, '/health': { get: read }, '/widgets/{id}': item, '/gadgets/{id}': item }
  }) as unknown as Documented
  const statuses = (path: string, method: string): string[] => Object.keys(document.paths[path][method].responses).sort()
  t.same(statuses('/widgets', 'post'), ['200', '400', '405', '413', '415', '422', '500', '503'])
  t.same(statuses('/widgets', 'get'), ['200', '405', '500', '503'])
  t.same(statuses('/health', 'get'), ['200', '405', '500', '503'])
  t.same(statuses('/widgets/{id}', 'get'), ['200', '404', '405', '500', '503'])
  t.same(statuses('/gadgets/{id}', 'get'), ['200', '404', '405', '500', '503'])
  t.same(ok, { 200: { description: 'OK' } }, 'the shared object of the copy is not written to')
})

t.test('lists 405 only for a path that leaves GET, POST, PUT, PATCH or DELETE unserved: HEAD follows GET, OPTIONS answers 204', async (t) => {
  const { app, envelope, listen } = buildExpress(t)
  const answer = (_req: unknown, res: { json: (body: unknown) => void }): void => { res.json({ ok: true }) }
  app.route('/all').get(answer).post(answer).put(answer).patch(answer).delete(answer)
  app.route('/most').get(answer).post(answer).put(answer).patch(answer)
  const base = await listen()
  const operation = { responses: { 200: { description: 'OK' } } }
  const document = envelope.openApi({
    openapi: '3.1.0',
    info: { title: 'Methods', version: '1.0.0' },
    paths: {
      '/all': { get: operation, post: operation, put: operation, patch: operation, delete: operation },
      '/most': { get: operation, post: operation, put: operation, patch: operation, head: operation, options: operation, trace: operation }
    }
  }) as unknown as Documented
  t.same(Object.keys(document.paths['/all'].get.responses).sort(), ['200', '500', '503'], 'no 405 for /all')
  t.same(Object.keys(document.paths['/most'].get.responses).sort(), ['200', '405', '500', '503'], 'DELETE is refused on /most')
  t.equal((await fetch(base + '/all', { method: 'HEAD' })).status, 200)
  t.equal((await fetch(base + '/all', { method: 'OPTIONS' })).status, 204)
  await assertFetched(t, await fetch(base + '/most', { method: 'DELETE' }), 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /most', type: 'invalid_request_error' })
})
