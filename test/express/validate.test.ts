import t from 'tap'
import { Ajv } from 'ajv'
import ajvErrors from 'ajv-errors'
import { assertFetched, buildExpress } from './helper.js'
import { errorEnvelope, unprocessable, validate } from '../../express.js'
import { MisuseError } from '../../lib/core/misuse.js'

t.test('fails at setup, naming the part, when a schema does not compile or a part is unknown', async (t) => {
  const envelope = errorEnvelope()
  t.throws(() => envelope.validate({ body: { type: 'object', properties: { a: { type: 'no-such-type' } } } }),
    { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_SCHEMA', message: /^error-envelope: the body schema given to validate\(\) does not compile: / })
  t.throws(() => envelope.validate({ querystring: {} } as never),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope: validate() does not know the part "querystring"; known parts: body, query, params, headers'))
  t.throws(() => envelope.validate(null as never),
    new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope: validate() takes an object of schemas: { body, query, params, headers }'))
})

t.test('uses a custom Ajv instance, ajv-errors messages included', async (t) => {
  const ajv = new Ajv({ allErrors: true })
  ajvErrors(ajv)
  const { app, listen, envelope } = buildExpress(t)
  const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, errorMessage: { required: { name: 'a widget needs a name' } } }
  app.post('/widgets', envelope.validate({ body: schema }, { ajv }), (req, res) => { res.json(req.body) })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/widgets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 422, {
    code: 'validation_failed', message: 'a widget needs a name', type: 'validation_error', param: 'name', details: [{ field: 'name', message: 'a widget needs a name' }]
  })
})

t.test('lets handlers use validate() and unprocessable() as on Fastify', async (t) => {
  const { app, listen } = buildExpress(t)
  app.post('/rule', (req, res) => {
    const body = validate<{ start: number, end: number }>({ type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' } } }, req.body)
    if (body.start > body.end) throw unprocessable('Dates are reversed', { details: [{ field: 'start', message: 'must be before end' }] })
    res.json(body)
  })
  const base = await listen()
  const post = (body: unknown): Promise<Response> => fetch(base + '/rule', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  await assertFetched(t, await post({ start: 'x' }), 422, { code: 'validation_failed', message: 'Invalid field start: must be an integer', type: 'validation_error', param: 'start', details: [{ field: 'start', message: 'must be an integer' }] })
  await assertFetched(t, await post({ start: 5, end: 1 }), 422, { code: 'validation_failed', message: 'Dates are reversed', type: 'validation_error', param: 'start', details: [{ field: 'start', message: 'must be before end' }] })
  t.same(await (await post({ start: '1', end: 2 })).json(), { start: 1, end: 2 })
})
