import t from 'tap'
import Fastify from 'fastify'
import errorEnvelope, { fastifyEnvelope, serverOptions } from '../../index.js'
import { contractErrors } from '../helper.js'

// fastifyEnvelope(): one options object for the constructor and the plugin;
// strictBody, which only the constructor can apply.

const order = { type: 'object', required: ['qty'], additionalProperties: false, properties: { qty: { type: 'integer' } } }

t.test('the server options and the plugin come from the same options', async (t) => {
  const envelope = fastifyEnvelope({ requestId: { header: 'x-correlation-id' }, format: 'problem' })
  t.same(Object.keys(envelope.serverOptions).sort(), ['clientErrorHandler', 'frameworkErrors', 'genReqId', 'logController'])
  const app = Fastify({ ...envelope.serverOptions })
  t.teardown(async () => { await app.close() })
  await app.register(envelope.plugin)
  app.get('/widgets/:id', async () => ({ ok: true }))
  const response = await app.inject({ url: '/nowhere', headers: { 'x-correlation-id': 'req_abcdefghijklmnopqrstu' } })
  t.equal(response.statusCode, 404)
  t.equal(response.headers['x-correlation-id'], 'req_abcdefghijklmnopqrstu', 'the plugin has the requestId option')
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', 'and the format')
  t.equal(app.hasPlugin('error-envelope'), true, 'registered under the plugin\'s name')
  t.equal(envelope.serverOptions.genReqId({ headers: { 'x-correlation-id': 'req_abcdefghijklmnopqrstu' } } as never), 'req_abcdefghijklmnopqrstu', 'the server reads the same header')
})

t.test('a wrong option fails at the call, with the plugin\'s message', async (t) => {
  t.throws(() => fastifyEnvelope({ exposeErrors: true } as never), { name: 'TypeError', message: 'error-envelope does not know the option "exposeErrors"; known options: exposeServerErrors, errorHeaders, requestId, logLevels, validation, mapError, notFound, format, catalog, docs, telemetry, rateLimit, underPressure' })
  t.throws(() => fastifyEnvelope({ strictBody: 'yes' } as never), { name: 'TypeError', message: 'error-envelope option "strictBody" must be a boolean, instead got "yes"' })
  t.throws(() => fastifyEnvelope('loud' as never), { name: 'TypeError', message: 'error-envelope option "options" must be an object, instead got "loud"' })
})

t.test('its plugin takes no options of its own at registration; the plugin alone takes no strictBody', async (t) => {
  const envelope = fastifyEnvelope()
  const app = Fastify({ ...envelope.serverOptions })
  t.teardown(async () => { await app.close() })
  await t.rejects(async () => { await app.register(envelope.plugin, { format: 'problem' } as never) }, { code: 'ERR_ENVELOPE_UNKNOWN_OPTION', message: 'error-envelope: the plugin of fastifyEnvelope() takes its options from fastifyEnvelope(options); register it without options (got format)' })

  const plain = Fastify()
  t.teardown(async () => { await plain.close() })
  await t.rejects(async () => { await plain.register(errorEnvelope, { strictBody: true } as never) }, { code: 'ERR_ENVELOPE_SERVER_OPTION', message: /^error-envelope: "strictBody" is an option of the Fastify server/ })
})

t.test('strictBody refuses extra properties and converted values in bodies, as serverOptions() or fastifyEnvelope() give it', async (t) => {
  for (const [name, server] of [['serverOptions()', serverOptions({ strictBody: true })], ['fastifyEnvelope()', fastifyEnvelope({ strictBody: true }).serverOptions]] as const) {
    const app = Fastify({ ...server })
    t.teardown(async () => { await app.close() })
    await app.register(errorEnvelope)
    app.addSchema({ $id: 'qty', type: 'integer', minimum: 1 })
    app.post('/orders', { schema: { body: order, querystring: { type: 'object', properties: { limit: { $ref: 'qty#' } } } } }, async (request) => ({ body: request.body, query: request.query }))
    const refused = await app.inject({ method: 'POST', url: '/orders?limit=2', payload: { qty: 1, admin: true } })
    t.equal(refused.statusCode, 422, `${name}: status`)
    const body = refused.json()
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'validation_failed', message: 'Unknown field: admin', type: 'validation_error', param: 'admin', details: [{ field: 'admin', message: 'is not allowed' }], request_id: refused.headers['x-request-id'] } })
    const valid = await app.inject({ method: 'POST', url: '/orders?limit=2', payload: { qty: 1 } })
    t.same(valid.json(), { body: { qty: 1 }, query: { limit: 2 } }, `${name}: the query is converted, a shared schema resolved`)
  }
})

t.test('strictBody keeps the server\'s ajv options and plugins, and refuses header names in capitals at startup', async (t) => {
  const app = Fastify({ ...serverOptions({ strictBody: true }), ajv: { customOptions: { allErrors: true } } })
  t.teardown(async () => { await app.close() })
  await app.register(errorEnvelope)
  app.post('/orders', { schema: { body: order } }, async () => ({ ok: true }))
  const response = await app.inject({ method: 'POST', url: '/orders', payload: { qty: 'x', admin: true } })
  t.equal(response.statusCode, 422)
  t.same(response.json().error.details, [{ field: 'admin', message: 'is not allowed' }, { field: 'qty', message: 'must be an integer' }], 'allErrors of the server applies')

  for (const headers of [
    { type: 'object', properties: { 'X-Api-Key': { type: 'string' } } },
    { type: 'object', required: ['X-Api-Key'] },
    { allOf: [{ type: 'object', properties: { 'x-ok': { type: 'string' }, 'X-Tenant': { type: 'string' } } }] }
  ]) {
    const upper = Fastify({ ...serverOptions({ strictBody: true }) })
    t.teardown(async () => { await upper.close() })
    await upper.register(errorEnvelope)
    upper.get('/keyed', { schema: { headers } }, async () => ({ ok: true }))
    await t.rejects(upper.ready(), { message: /error-envelope: with strictBody, write the header names of a headers schema in lower case, as requests carry them: "X-(Api-Key|Tenant)" of GET \/keyed/ })
  }
  const lower = Fastify({ ...serverOptions({ strictBody: true }) })
  t.teardown(async () => { await lower.close() })
  await lower.register(errorEnvelope)
  lower.get('/keyed', { schema: { headers: { type: 'object', required: ['x-api-key'], properties: { 'x-api-key': { type: 'integer', enum: [1, 2] } } } } }, async (request) => ({ key: request.headers['x-api-key'] }))
  t.same((await lower.inject({ url: '/keyed', headers: { 'x-api-key': '2' } })).json(), { key: 2 }, 'headers still converted')
})
