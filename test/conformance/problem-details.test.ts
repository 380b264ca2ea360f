import Fastify from 'fastify'
import { connect, type AddressInfo } from 'node:net'
import t from 'tap'
import { contractErrors, problemErrors } from '../helper.js'
import errorEnvelope, { badRequest, notFound, serverOptions } from '../../index.js'
import { errorEnvelope as expressEnvelope } from '../../express.js'
import { envelopeAdapters, type Route } from './adapters.js'
import { MisuseError } from '../../lib/core/misuse.js'

// Problem details (RFC 9457) beside the envelope: one failure, the same
// answer in either format; the Accept header decides with `negotiate`.

const order = {
  type: 'object',
  required: ['user', 'items'],
  properties: {
    user: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]{3}$' } } } },
    meta: { type: 'object', properties: { 'a/b~c': { type: 'integer' } } }
  }
}
const listQuery = { type: 'object', properties: { limit: { type: 'integer', maximum: 50 } } }

const routes: Route[] = [
  { method: 'POST', path: '/orders', schema: { body: order }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/orders', schema: { querystring: listQuery }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/orders/:id', handler: () => { throw notFound('Order o_9 not found', { param: 'id' }) } },
  { method: 'GET', path: '/bad', handler: () => { throw badRequest('Query is too short', { param: 'q', code: 'query_too_short' }) } },
  // Fields named like the parts they are in.
  { method: 'POST', path: '/messages', schema: { body: { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'integer' } } } }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/search', schema: { querystring: { type: 'object', properties: { querystring: { type: 'integer' } } } }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/named/:params', schema: { params: { type: 'object', properties: { params: { type: 'integer' } } } }, handler: () => ({ ok: true }) },
  { method: 'GET', path: '/with-header', schema: { headers: { type: 'object', properties: { headers: { type: 'integer' } } } }, handler: () => ({ ok: true }) }
]

const badOrder = { user: {}, items: [{ sku: 'ABC' }, { sku: 'AB' }, { sku: 'toolong' }], meta: { 'a/b~c': 'x' } }

async function post (base: string, body: unknown, accept?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (accept !== undefined) headers.accept = accept
  return await fetch(base + '/orders', { method: 'POST', headers, body: JSON.stringify(body) })
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: one failure, the same answer as the envelope and as problem details`, async (t) => {
    const envelope = await adapter.start(t, routes)
    const problem = await adapter.start(t, routes, { format: 'problem' })
    const asEnvelope = await post(envelope.base, badOrder)
    const asProblem = await post(problem.base, badOrder)
    t.equal(asEnvelope.status, 422)
    t.equal(asProblem.status, 422)
    t.equal(asEnvelope.headers.get('content-type'), 'application/json; charset=utf-8')
    t.equal(asProblem.headers.get('content-type'), 'application/problem+json; charset=utf-8')
    const envelopeBody = await asEnvelope.json()
    const problemBody = await asProblem.json()
    t.same(contractErrors(envelopeBody), [])
    t.same(problemErrors(problemBody), [])
    const envelopeId = asEnvelope.headers.get('x-request-id') as string
    const problemId = asProblem.headers.get('x-request-id') as string
    t.same(envelopeBody, {
      error: {
        code: 'validation_failed',
        message: '4 fields failed validation',
        type: 'validation_error',
        param: 'user.email',
        details: [
          { field: 'user.email', message: 'is required' },
          { field: 'items[1].sku', message: 'must match pattern "^[A-Z]{3}$"' },
          { field: 'items[2].sku', message: 'must match pattern "^[A-Z]{3}$"' },
          { field: 'meta["a/b~c"]', message: 'must be an integer' }
        ],
        request_id: envelopeId
      }
    })
    t.same(problemBody, {
      type: 'urn:error-envelope:code:validation_failed',
      title: 'Validation failed',
      status: 422,
      detail: '4 fields failed validation',
      instance: `urn:request:${problemId}`,
      code: 'validation_failed',
      request_id: problemId,
      param: 'user.email',
      errors: [
        { detail: 'is required', pointer: '#/user/email', field: 'user.email', in: 'body' },
        { detail: 'must match pattern "^[A-Z]{3}$"', pointer: '#/items/1/sku', field: 'items[1].sku', in: 'body' },
        { detail: 'must match pattern "^[A-Z]{3}$"', pointer: '#/items/2/sku', field: 'items[2].sku', in: 'body' },
        { detail: 'must be an integer', pointer: '#/meta/a~1b~0c', field: 'meta["a/b~c"]', in: 'body' }
      ]
    })
  })

  t.test(`${adapter.name}: problem details of a plain status, a code of its own, the query and a whole body`, async (t) => {
    const { base } = await adapter.start(t, routes, { format: 'problem' })
    const cases: Array<[string, RequestInit, number, object]> = [
      ['/orders/o_9', {}, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Order o_9 not found', code: 'not_found', param: 'id' }],
      ['/bad', {}, 400, { type: 'urn:error-envelope:code:query_too_short', title: 'Bad Request', status: 400, detail: 'Query is too short', code: 'query_too_short', param: 'q' }],
      ['/orders?limit=99', {}, 400, {
        type: 'urn:error-envelope:code:invalid_parameter',
        title: 'Invalid parameter',
        status: 400,
        detail: 'Invalid field limit: must be at most 50',
        code: 'invalid_parameter',
        param: 'limit',
        errors: [{ detail: 'must be at most 50', pointer: '#/limit', field: 'limit', in: 'query' }]
      }],
      ['/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }, 422, {
        type: 'urn:error-envelope:code:validation_failed',
        title: 'Validation failed',
        status: 422,
        detail: 'Invalid field body: must be an object',
        code: 'validation_failed',
        param: 'body',
        errors: [{ detail: 'must be an object', pointer: '#', field: 'body', in: 'body' }]
      }],
      ['/nowhere', { method: 'DELETE' }, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route for DELETE /nowhere', code: 'not_found' }],
      ['/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"subject":"s","body":"x"}' }, 422, {
        type: 'urn:error-envelope:code:validation_failed',
        title: 'Validation failed',
        status: 422,
        detail: 'Invalid field body: must be an integer',
        code: 'validation_failed',
        param: 'body',
        errors: [{ detail: 'must be an integer', pointer: '#/body', field: 'body', in: 'body' }]
      }],
      ['/search?querystring=x', {}, 400, {
        type: 'urn:error-envelope:code:invalid_parameter',
        title: 'Invalid parameter',
        status: 400,
        detail: 'Invalid field querystring: must be an integer',
        code: 'invalid_parameter',
        param: 'querystring',
        errors: [{ detail: 'must be an integer', pointer: '#/querystring', field: 'querystring', in: 'query' }]
      }],
      ['/named/x', {}, 400, {
        type: 'urn:error-envelope:code:invalid_parameter',
        title: 'Invalid parameter',
        status: 400,
        detail: 'Invalid field params: must be an integer',
        code: 'invalid_parameter',
        param: 'params',
        errors: [{ detail: 'must be an integer', pointer: '#/params', field: 'params', in: 'params' }]
      }],
      ['/with-header', { headers: { headers: 'x' } }, 400, {
        type: 'urn:error-envelope:code:invalid_parameter',
        title: 'Invalid parameter',
        status: 400,
        detail: 'Invalid field headers: must be an integer',
        code: 'invalid_parameter',
        param: 'headers',
        errors: [{ detail: 'must be an integer', pointer: '#/headers', field: 'headers', in: 'headers' }]
      }]
    ]
    for (const [path, init, status, expected] of cases) {
      const response = await fetch(base + path, init)
      t.equal(response.status, status, path)
      const body = await response.json()
      t.same(problemErrors(body), [], `${path}: the problem contract`)
      const id = response.headers.get('x-request-id') as string
      t.same(body, { ...expected, instance: `urn:request:${id}`, request_id: id }, `${path}: whole problem`)
    }
  })

  t.test(`${adapter.name}: negotiates the format from Accept, with Vary: Accept on every error answer`, async (t) => {
    const { base } = await adapter.start(t, routes, { format: 'negotiate' })
    const cases: Array<[string | undefined, 'problem' | 'envelope']> = [
      [undefined, 'envelope'],
      ['*/*', 'envelope'],
      ['application/*', 'envelope'],
      ['application/json', 'envelope'],
      ['application/problem+json', 'problem'],
      ['APPLICATION/PROBLEM+JSON', 'problem'],
      ['application/problem+json; charset=utf-8', 'problem'],
      ['application/problem+json;charset=UTF-8;q=0.9, application/json;q=0.5', 'problem'],
      ['application/problem+json; profile="https://example.com/p"', 'problem'],
      ['application/json; charset=utf-8, application/problem+json; charset=utf-8;q=0.5', 'envelope'],
      ['application/problem+json; charset=utf-8; q=0', 'envelope'],
      ['application/json;q=0.9, application/problem+json', 'problem'],
      ['application/problem+json;q=0.5, application/json', 'envelope'],
      ['text/html, application/problem+json;q=0.1', 'problem'],
      ['application/problem+json;q=0', 'envelope'],
      ['application/problem+json;q=abc,,,;;', 'envelope'],
      [';;;,,problem', 'envelope']
    ]
    for (const [accept, format] of cases) {
      const response = await fetch(base + '/orders/o_9', { headers: accept === undefined ? {} : { accept } })
      t.equal(response.status, 404)
      t.equal(response.headers.get('vary'), 'Accept', `${String(accept)}: Vary`)
      const body = await response.json()
      const id = response.headers.get('x-request-id') as string
      if (format === 'problem') {
        t.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8', `${String(accept)}: problem details`)
        t.same(problemErrors(body), [])
        t.same(body, { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Order o_9 not found', instance: `urn:request:${id}`, code: 'not_found', request_id: id, param: 'id' })
      } else {
        t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', `${String(accept)}: the envelope`)
        t.same(contractErrors(body), [])
        t.same(body, { error: { code: 'not_found', message: 'Order o_9 not found', type: 'invalid_request_error', param: 'id', request_id: id } })
      }
    }
    const ok = await fetch(base + '/orders')
    t.equal(ok.status, 200)
    t.equal(ok.headers.get('vary'), null, 'a 2xx is the route\'s own')
  })
}

t.test('refuses a format it does not know, at setup, on both adapters', async (t) => {
  const message = 'error-envelope option "format" must be one of envelope, problem, negotiate, instead got "xml"'
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(app.register(errorEnvelope, { format: 'xml' as never }).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
  t.throws(() => expressEnvelope({ format: 'xml' as never }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
  t.throws(() => serverOptions({ format: 'xml' as never }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
})

t.test('fastify: answers a malformed request with problem details through serverOptions()', async (t) => {
  const app = Fastify({ ...serverOptions({ format: 'problem' }) })
  await app.register(errorEnvelope, { format: 'problem' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const raw = await new Promise<string>((resolve) => {
    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1')
    let text = ''
    socket.on('data', (chunk) => { text += chunk.toString() })
    socket.on('close', () => { resolve(text) })
    socket.write('GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  })
  const [head, body] = raw.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/)
  const problem = JSON.parse(body)
  t.same(problemErrors(problem), [])
  const id = /\r\nx-request-id: (\S+)\r\n/.exec(head)?.[1]
  t.same(problem, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Malformed HTTP request', instance: `urn:request:${String(id)}`, code: 'bad_request', request_id: id })
})

t.test('fastify: the last-resort 500 is problem details too, when the error answer itself fails', async (t) => {
  const app = Fastify()
  await app.register(errorEnvelope, { format: 'negotiate' })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400) throw new Error('hook secret')
    return payload
  })
  app.get('/boom', async () => { throw new Error('db down') })
  t.teardown(() => app.close())
  const response = await app.inject({ url: '/boom', headers: { accept: 'application/problem+json' } })
  t.equal(response.statusCode, 500)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(response.headers.vary, 'Accept')
  const body = response.json()
  t.same(problemErrors(body), [])
  const id = response.headers['x-request-id'] as string
  t.same(body, { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Internal server error', instance: `urn:request:${id}`, code: 'internal_error', request_id: id })
})
