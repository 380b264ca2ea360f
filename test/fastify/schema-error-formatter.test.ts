import t from 'tap'
import type { FastifyError, FastifyInstance } from 'fastify'
import { formatSchemaErrors, installSchemaErrorFormatter } from '../../lib/fastify/schema-error-formatter.js'
import { assertEnvelope, build } from '../helper.js'
import { ApiError } from '../../index.js'

const BODY = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, age: { type: 'integer' } }
}
const NAME_NOT_STRING = {
  code: 'validation_failed',
  message: 'Invalid field name: must be a string',
  type: 'validation_error',
  param: 'name',
  details: [{ field: 'name', message: 'must be a string' }]
}

// Routes that keep the error Fastify built for the schema failure, as an
// onError hook sees it.
function itemsRoute (seen: unknown[]) {
  return function routes (app: FastifyInstance): void {
    app.addHook('onError', async (_request, _reply, error) => { seen.push(error) })
    app.post('/items', { schema: { body: BODY } }, async () => ({ ok: true }))
  }
}

t.test('writes Fastify\'s message, one entry per error, on an Error without a stack trace', async (t) => {
  const error = formatSchemaErrors([
    { instancePath: '/name', message: 'must be string' },
    { instancePath: '', message: 'must have required property \'age\'' }
  ], 'body')
  t.ok(error instanceof Error)
  t.equal(error.name, 'Error')
  t.equal(error.message, 'body/name must be string, body must have required property \'age\'')
  t.equal(error.stack, 'Error: body/name must be string, body must have required property \'age\'')
})

t.test('a schema failure reaches the hooks as an Error without stack frames, and answers the envelope', async (t) => {
  const seen: unknown[] = []
  const { app } = await build(t, { routes: itemsRoute(seen) })
  const response = await app.inject({ method: 'POST', url: '/items', payload: { name: { first: 'Ada' } } })
  assertEnvelope(t, response, 422, NAME_NOT_STRING)
  t.equal(seen.length, 1)
  const error = seen[0] as FastifyError
  t.ok(error instanceof Error)
  t.equal(error.message, 'body/name must be string')
  t.equal(error.code, 'FST_ERR_VALIDATION')
  t.equal(error.statusCode, 400)
  t.equal(error.validationContext, 'body')
  t.notMatch(String(error.stack), /\n\s+at /, 'no stack frames were captured')
})

t.test('keeps the application\'s own formatter given to the server', async (t) => {
  const seen: unknown[] = []
  const { app } = await build(t, {
    server: { schemaErrorFormatter: (errors, dataVar) => new ApiError(400, `${dataVar} is wrong in ${errors.length} place`, { code: 'custom_invalid' }) },
    routes: itemsRoute(seen)
  })
  const response = await app.inject({ method: 'POST', url: '/items', payload: { name: { first: 'Ada' } } })
  assertEnvelope(t, response, 400, { code: 'custom_invalid', message: 'body is wrong in 1 place', type: 'invalid_request_error' })
  t.ok(seen[0] instanceof ApiError)
})

t.test('a formatter set after the plugin wins, as in Fastify', async (t) => {
  const seen: unknown[] = []
  const { app } = await build(t, {
    routes: (app) => {
      app.setSchemaErrorFormatter((_errors, dataVar) => new Error(`custom ${dataVar}`))
      itemsRoute(seen)(app)
    }
  })
  const response = await app.inject({ method: 'POST', url: '/items', payload: { name: { first: 'Ada' } } })
  assertEnvelope(t, response, 422, NAME_NOT_STRING)
  t.equal((seen[0] as Error).message, 'custom body')
  t.match(String((seen[0] as Error).stack), /\n\s+at /, 'the application\'s own error keeps its stack')
})

t.test('installs nothing on a server whose formatter it cannot find', async (t) => {
  let calls = 0
  const server = { setSchemaErrorFormatter () { calls++ } }
  installSchemaErrorFormatter(server as unknown as FastifyInstance)
  t.equal(calls, 0)
})
