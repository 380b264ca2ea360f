import t from 'tap'
import { assertEnvelope, build, errorLines } from '../helper.js'

const masked = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

const user = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'object', required: ['slug'], properties: { slug: { type: 'string' } } } } }
}

t.test('answers a response that breaks its schema with the masked 500, and logs the route and the failing paths', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/users/:id', { schema: { response: { 200: user } } }, async () => ({ id: 'u_1', roles: [{ slug: 'a' }, {}] }))
    }
  })
  const body = assertEnvelope(t, await app.inject('/users/u_1'), 500, masked)
  const [line] = errorLines(logs, body.error.request_id)
  t.equal(line.level, 50)
  t.equal(line.msg, 'Response of GET /users/:id could not be serialized: name is required; roles[1].slug is required')
  t.match(line.err, { type: 'Error', message: /^Response of GET \/users\/:id could not be serialized: .*is required!"?$/, stack: /caused by: Error: .* is required!/ }, 'the serializer\'s own error is the cause')
})

t.test('finds the response schema by exact status, by class and by default', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/class', { schema: { response: { '2xx': user } } }, async (_request, reply) => { reply.code(201); return { id: 'u_1' } })
      app.get('/default', { schema: { response: { default: user } } }, async () => ({ id: 'u_1' }))
    }
  })
  for (const url of ['/class', '/default']) {
    const body = assertEnvelope(t, await app.inject(url), 500, masked)
    t.equal(errorLines(logs, body.error.request_id)[0].msg, `Response of GET ${url} could not be serialized: name is required`)
  }
})

t.test('names the route alone when the response cannot be serialized for another reason', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/plain', async () => ({ big: 1n }))
      app.get('/with-body-schema', { schema: { querystring: { type: 'object' } } }, async () => ({ big: 1n }))
      app.get('/other-status', { schema: { response: { 200: user } } }, async (_request, reply) => { reply.code(202); return { big: 1n } })
    }
  })
  for (const url of ['/plain', '/with-body-schema', '/other-status']) {
    const body = assertEnvelope(t, await app.inject(url), 500, masked)
    t.equal(errorLines(logs, body.error.request_id)[0].msg, `Response of GET ${url} could not be serialized`)
  }
})

t.test('keeps a route\'s own preSerialization hooks when it has a response schema', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/one', { schema: { response: { 200: user } }, preSerialization: async (_request, _reply, payload: any) => ({ ...payload, name: 'added' }) }, async () => ({ id: 'u_1' }))
      app.get('/two', {
        schema: { response: { 200: user } },
        preSerialization: [async (_request, _reply, payload: any) => ({ ...payload, name: 'a' }), async (_request, _reply, payload: any) => ({ ...payload, id: 'u_2' })]
      }, async () => ({ id: 'u_1' }))
    }
  })
  t.same((await app.inject('/one')).json(), { id: 'u_1', name: 'added' })
  t.same((await app.inject('/two')).json(), { id: 'u_2', name: 'a' })
})

t.test('follows a response schema\'s $ref to a shared schema for the failing path', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.addSchema({ $id: 'user', ...user })
      app.get('/shared', { schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({ id: 'u_1' }))
    }
  })
  const body = assertEnvelope(t, await app.inject('/shared'), 500, masked)
  t.equal(errorLines(logs, body.error.request_id)[0].msg, 'Response of GET /shared could not be serialized: name is required')
})
