import t from 'tap'
import Fastify from 'fastify'
import { assertEnvelope, build } from '../helper.js'
import errorEnvelope, { envelopeSchema, notFound } from '../../index.js'

t.test('adds the contract as a shared schema that routes can name in their response schemas', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/widgets/:id', { schema: { response: { 404: { $ref: 'urn:error-envelope:envelope#' } } } }, async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
    }
  })
  t.same(app.getSchema('urn:error-envelope:envelope'), envelopeSchema)
  assertEnvelope(t, await app.inject('/widgets/w_1'), 404, { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id' })
})

t.test('leaves a schema of the same id that the app added itself', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const own = { $id: 'urn:error-envelope:envelope', type: 'object' }
  app.addSchema(own)
  await app.register(errorEnvelope)
  await app.ready()
  t.same(app.getSchema('urn:error-envelope:envelope'), own)
})
