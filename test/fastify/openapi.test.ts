import swagger from '@fastify/swagger'
import { Validator } from '@seriousme/openapi-schema-validator'
import Fastify from 'fastify'
import t from 'tap'
import { assertEnvelope, contractErrors, problemErrors } from '../helper.js'
import errorEnvelope, { envelopeSchema, problemSchema, unauthorized } from '../../index.js'
import { errors, widgetNotFoundProblem } from '../fixtures/catalog.js'
import { MisuseError } from '../../lib/core/misuse.js'

// With @fastify/swagger registered, the OpenAPI document lists the error
// responses each operation can really give, and the server gives them.

async function build (): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
  await app.register(errorEnvelope, { catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' }, rateLimit: { max: 100, timeWindow: 60_000 } })
  app.get('/widgets/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^w_[0-9]+$' } } } },
    config: { errors: ['widget_not_found', 'unauthorized'] }
  }, async (request) => {
    if (request.headers['x-fail'] !== undefined) throw new Error('db down')
    if (request.headers.authorization === undefined) throw unauthorized('Invalid API key')
    throw errors.widget_not_found({ id: (request.params as { id: string }).id }, { param: 'id' })
  })
  app.post('/widgets', {
    schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    config: { errors: ['card_declined'], rateLimit: { max: 6 } }
  }, async (request) => {
    if (request.headers['x-fail'] !== undefined) throw new Error('db down')
    throw errors.card_declined()
  })
  app.get('/health', { config: { rateLimit: false } }, async () => { throw new Error('db down') })
  await app.ready()
  return app
}

type Responses = Record<string, { $ref?: string }>

t.test('adds the envelope schema and the error responses of each operation, and the document is valid OpenAPI 3.1', async (t) => {
  const app = await build()
  t.teardown(() => app.close())
  const document = app.swagger() as { paths: Record<string, Record<string, { responses: Responses }>>, components: { schemas: Record<string, unknown>, responses: Record<string, any> } }
  const result = await new Validator().validate(document as Record<string, unknown>)
  t.same(result.errors, undefined, 'no validation errors')
  t.equal(result.valid, true)
  t.same(Object.keys(document.components.schemas.ErrorEnvelope as object).includes('properties'), true, 'the contract is a component')
  t.same(Object.keys(document.components.schemas), ['ErrorEnvelope'], 'the contract once: the shared schema @fastify/swagger lists as def-0 is merged into it')
  t.same(Object.keys(document.paths).sort(), ['/health', '/widgets', '/widgets/{id}'], 'the reference page\'s routes are not the API\'s')
  const statuses = (path: string, method: string): string[] => Object.keys(document.paths[path][method].responses).filter((status) => status !== '200').sort()
  t.same(statuses('/widgets/{id}', 'get'), ['400', '401', '404', '405', '429', '500', '503'])
  t.same(statuses('/widgets', 'post'), ['400', '402', '405', '413', '415', '422', '429', '500', '503'])
  t.same(statuses('/health', 'get'), ['405', '500', '503'])
  const notFound = document.components.responses[document.paths['/widgets/{id}'].get.responses['404'].$ref?.split('/').pop() as string]
  t.same(Object.keys(notFound.content['application/json'].examples).sort(), ['not_found', 'widget_not_found'], 'the codes a 404 of that operation carries')
  for (const example of Object.values(notFound.content['application/json'].examples) as Array<{ value: unknown }>) {
    t.same(contractErrors(example.value), [], 'each example satisfies the contract')
  }
  t.same(document.paths['/widgets/{id}'].get.responses['404'].$ref?.startsWith('#/components/responses/'), true)
  t.equal(app.swagger(), document, 'the document is made once')
  t.match(app.swagger({ yaml: true }), /openapi: 3\.1\.0/, 'the YAML form is Swagger\'s own')
})

t.test('every error response the document lists is one the server really gives', async (t) => {
  const app = await build()
  t.teardown(() => app.close())
  const sends: Array<[string, Parameters<typeof app.inject>[0], number, object]> = [
    ['/widgets/{id} get', { url: '/widgets/w_1' }, 401, { code: 'unauthorized', message: 'Invalid API key', type: 'authentication_error' }],
    ['/widgets/{id} get', { url: '/widgets/w_9', headers: { authorization: 'Bearer x' } }, 404, { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id' }],
    ['/widgets/{id} get', { url: '/widgets/nope', headers: { authorization: 'Bearer x' } }, 400, { code: 'invalid_parameter', message: 'Invalid field id: must match pattern "^w_[0-9]+$"', type: 'invalid_request_error', param: 'id', details: [{ field: 'id', message: 'must match pattern "^w_[0-9]+$"' }] }],
    ['/widgets post', { method: 'POST', url: '/widgets', headers: { 'content-type': 'text/xml' }, payload: '<widget/>' }, 415, { code: 'unsupported_media_type', message: 'Unsupported media type', type: 'invalid_request_error' }],
    ['/widgets post', { method: 'POST', url: '/widgets', payload: {} }, 422, { code: 'validation_failed', message: 'Missing required field: name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'is required' }] }],
    ['/widgets post', { method: 'POST', url: '/widgets', payload: { name: 'x'.repeat(1_100_000) } }, 413, { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' }],
    ['/widgets post', { method: 'POST', url: '/widgets', payload: { name: 'Gear' } }, 402, { code: 'card_declined', message: 'The card was declined', type: 'card_error' }],
    ['/health get', { url: '/health' }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
    ['/health get', { method: 'DELETE', url: '/health' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /health', type: 'invalid_request_error' }],
    ['/widgets post', { method: 'POST', url: '/widgets', headers: { 'content-type': 'application/json' }, payload: '{"name":' }, 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }],
    ['/widgets post', { method: 'POST', url: '/widgets', payload: { name: 'Gear' }, headers: { 'x-fail': '1' } }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
    ['/widgets post', { method: 'POST', url: '/widgets', payload: {} }, 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' }],
    ['/widgets post', { method: 'PUT', url: '/widgets' }, 405, { code: 'method_not_allowed', message: 'Method PUT is not allowed for /widgets', type: 'invalid_request_error' }],
    ['/widgets/{id} get', { method: 'DELETE', url: '/widgets/w_1' }, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/w_1', type: 'invalid_request_error' }],
    ['/widgets/{id} get', { url: '/widgets/w_1', headers: { 'x-fail': '1' } }, 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }]
  ]
  const document = app.swagger() as { paths: Record<string, Record<string, { responses: Responses }>> }
  const sent = new Set<string>()
  for (const [operation, request, status, expected] of sends) {
    const response = await app.inject(request)
    // Every code here is in the catalog, the built-in ones included.
    const code = (expected as { code: string }).code
    // The seconds left of a window vary with the time the test took: they are the Retry-After header's.
    const waited = status === 429 ? { message: `Rate limit exceeded, retry in ${String(response.headers['retry-after'])} seconds` } : {}
    assertEnvelope(t, response, status, { ...expected, ...waited, doc_url: `https://api.example.com/errors#${code}` } as never)
    const [path, method] = operation.split(' ')
    t.ok(String(status) in document.paths[path][method].responses, `${operation} lists ${status}`)
    sent.add(`${operation} ${status}`)
  }
  // The global limit: the next requests of the same client pass it.
  let limited
  for (let i = 0; i < 120 && limited?.statusCode !== 429; i++) limited = await app.inject({ url: '/widgets/w_1' })
  assertEnvelope(t, limited as never, 429, { code: 'rate_limit_exceeded', message: `Rate limit exceeded, retry in ${String(limited?.headers['retry-after'])} seconds`, type: 'rate_limit_error', doc_url: 'https://api.example.com/errors#rate_limit_exceeded' } as never)
  sent.add('/widgets/{id} get 429')
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      // The 503 of a closing server is given in test/conformance/openapi.test.ts.
      const listed = Object.keys(operation.responses).filter((status) => status !== '200' && status !== '503')
      t.same(listed.filter((status) => !sent.has(`${path} ${method} ${status}`)), [], `every error response of ${method} ${path} was given`)
    }
  }
})

t.test('refuses a route whose config.errors names a code the catalog does not have', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope, { catalog: errors })
  t.throws(() => app.get('/x', { config: { errors: ['widget_missing'] } }, async () => 'x'), new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: config.errors of GET /x must list codes of the catalog (built-in ones included), instead got ["widget_missing"]'))
  t.throws(() => app.get('/y', { config: { errors: 'not_found' } }, async () => 'y'), new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: config.errors of GET /y must list codes of the catalog (built-in ones included), instead got "not_found"'))
})

t.test('refuses a route whose config.errors names a code of its own when no catalog was given, saying so', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  t.throws(() => app.get('/x', { config: { errors: ['not_found', 'widget_missing'] } }, async () => 'x'),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: config.errors of GET /x lists "widget_missing", but no catalog with codes of your own was given: pass the catalog made by defineErrors() as the catalog option ({ catalog: errors }), or list only built-in codes'))
  t.doesNotThrow(() => app.get('/y', { config: { errors: ['not_found', 'conflict'] } }, async () => 'y'), 'built-in codes need no catalog')
  t.throws(() => app.get('/z', { config: { errors: ['not_found', 7] } }, async () => 'z'),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_CODE', 'error-envelope: config.errors of GET /z must list codes of the catalog (built-in ones included), instead got ["not_found",7]'))
})

t.test('documents validation answers with the validation.status option', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
  await app.register(errorEnvelope, { validation: { status: { body: 400, querystring: 422 } } })
  app.post('/widgets', { schema: { body: { type: 'object' }, querystring: { type: 'object', properties: { dry: { type: 'boolean' } } } } }, async () => 'x')
  await app.ready()
  const document = app.swagger() as { paths: Record<string, Record<string, { responses: Responses }>>, components: { responses: Record<string, any> } }
  const codes = (status: string): string[] => Object.keys(document.components.responses[document.paths['/widgets'].post.responses[status].$ref?.split('/').pop() as string].content['application/json'].examples).sort()
  t.same(codes('400'), ['invalid_json', 'validation_failed'])
  t.same(codes('422'), ['validation_failed_in_querystring'])
})

t.test('leaves the document alone without @fastify/swagger', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  app.get('/x', async () => 'x')
  await app.ready()
  t.equal(app.hasDecorator('swagger'), false)
})

t.test('documents the bodies of the format option: problem details alone for \'problem\', both media types for \'negotiate\', as the server sends them', async (t) => {
  const components = { ErrorEnvelope: withoutIds(envelopeSchema), ProblemDetails: withoutIds(problemSchema) }
  for (const format of ['problem', 'negotiate'] as const) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
    await app.register(errorEnvelope, { format, catalog: errors, docs: { publicUrl: 'https://api.example.com/errors' } })
    app.get('/widgets/:id', { config: { errors: ['widget_not_found'] } }, async (request) => {
      throw errors.widget_not_found({ id: (request.params as { id: string }).id }, { param: 'id' })
    })
    await app.ready()
    const document = app.swagger() as { paths: Record<string, Record<string, { responses: Responses }>>, components: { schemas: Record<string, unknown>, responses: Record<string, any> } }
    const result = await new Validator().validate(document as Record<string, unknown>)
    t.same(result.errors, undefined, `${format}: no validation errors`)
    t.same({ ErrorEnvelope: document.components.schemas.ErrorEnvelope, ProblemDetails: document.components.schemas.ProblemDetails }, components, `${format}: both contracts are components`)
    const notFound = document.components.responses[document.paths['/widgets/{id}'].get.responses['404'].$ref?.split('/').pop() as string]
    t.same(Object.keys(notFound.content), format === 'problem' ? ['application/problem+json'] : ['application/json', 'application/problem+json'])
    const problems = notFound.content['application/problem+json']
    t.same(problems.schema, { allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: ['not_found', 'widget_not_found'] } } }] })
    t.same(Object.keys(problems.examples).sort(), ['not_found', 'widget_not_found'])
    for (const example of Object.values(problems.examples) as Array<{ value: unknown }>) {
      t.same(problemErrors(example.value), [], `${format}: each example satisfies the problem contract`)
    }
    t.same(problems.examples.widget_not_found, {
      summary: 'Widget example-id not found',
      value: widgetNotFoundProblem('Widget example-id not found', 'req_4Jd8kQ2mZx7Lr1Vb9Tn3')
    })
    if (format === 'negotiate') {
      const envelopes = notFound.content['application/json']
      t.same(envelopes.schema.allOf[0], { $ref: '#/components/schemas/ErrorEnvelope' })
      t.same(envelopes.examples.widget_not_found, {
        summary: 'Widget example-id not found',
        value: { error: { code: 'widget_not_found', message: 'Widget example-id not found', type: 'invalid_request_error', request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3', doc_url: 'https://api.example.com/errors#widget_not_found' } }
      })
      assertEnvelope(t, await app.inject('/widgets/w_9'), 404, { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id', doc_url: 'https://api.example.com/errors#widget_not_found' } as never)
    }
    // The server answers in the documented media type, with the documented members.
    const response = await app.inject({ url: '/widgets/w_9', headers: { accept: 'application/problem+json' } })
    t.equal(response.statusCode, 404)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    const body = response.json()
    t.same(problemErrors(body), [])
    const id = response.headers['x-request-id'] as string
    t.same(body, widgetNotFoundProblem('Widget w_9 not found', id as string, 'id'))
  }
})

t.test('documents only the envelope with the default format', async (t) => {
  const app = await build()
  t.teardown(() => app.close())
  const document = app.swagger() as { components: { schemas: Record<string, unknown>, responses: Record<string, any> } }
  t.same(document.components.schemas.ErrorEnvelope, withoutIds(envelopeSchema))
  t.notOk('ProblemDetails' in document.components.schemas, 'no problem details component')
  for (const response of Object.values(document.components.responses)) t.same(Object.keys(response.content), ['application/json'])
})

function withoutIds (schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { $schema: _draft, $id: _id, ...rest } = schema
  return rest
}
