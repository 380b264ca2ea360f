import t from 'tap'
import Fastify from 'fastify'
import errorEnvelope from '../../index.js'
import { assertEnvelope, build } from '../helper.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'

const routes = (app: any): void => {
  app.post('/', { schema: { body: { type: 'object', required: ['a'] } } }, async () => 'ok')
  app.get('/q', { schema: { querystring: { type: 'object', required: ['a'] } } }, async () => 'ok')
}

t.test('answers 400 for every part when validation.status is 400', async (t) => {
  const { app } = await build(t, { plugin: { validation: { status: 400 } }, routes })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: {} }), 400, {
    code: 'validation_failed',
    message: 'Missing required field: a',
    type: 'invalid_request_error',
    param: 'a',
    details: [{ field: 'a', message: 'is required' }]
  })
})

t.test('answers 422 validation_failed for every part when validation.status is 422', async (t) => {
  const { app } = await build(t, { plugin: { validation: { status: 422 } }, routes })
  assertEnvelope(t, await app.inject('/q'), 422, {
    code: 'validation_failed',
    message: 'Missing required field: a',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'is required' }]
  })
})

t.test('takes validation.status per part and keeps the defaults of the other parts', async (t) => {
  const { app } = await build(t, { plugin: { validation: { status: { querystring: 422 } } }, routes })
  assertEnvelope(t, await app.inject('/q'), 422, {
    code: 'validation_failed',
    message: 'Missing required field: a',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'is required' }]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: {} }), 422, {
    code: 'validation_failed',
    message: 'Missing required field: a',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'is required' }]
  })
})

t.test('keeps malformed JSON at 400 invalid_json, whatever the validation options', async (t) => {
  const { app } = await build(t, { plugin: { validation: { status: 422 } }, routes })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: '{"a":', headers: { 'content-type': 'application/json' } }), 400, {
    code: 'invalid_json',
    message: 'Request body is not valid JSON',
    type: 'invalid_request_error'
  })
})

const wrong: Array<[string, unknown, MisuseCode, string]> = [
  ['validation', 'strict', 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation" must be an object, instead got "strict"'],
  ['validation.maxDetails', { maxDetails: 0 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation.maxDetails" must be an integer from 1 to 100, instead got 0'],
  ['validation.maxDetails', { maxDetails: 101 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation.maxDetails" must be an integer from 1 to 100, instead got 101'],
  ['validation.maxDetails', { maxDetails: 2.5 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation.maxDetails" must be an integer from 1 to 100, instead got 2.5'],
  ['validation.status', { status: 418 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation.status" must be an object, instead got 418'],
  ['validation.status', { status: { cookies: 400 } }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "validation.status.cookies"; known options of validation.status: body, querystring, params, headers'],
  ['validation.status.body', { status: { body: 500 } }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "validation.status.body" must be 400 or 422, instead got 500']
]

for (const [name, validation, code, message] of wrong) {
  t.test(`rejects a wrong ${name} at registration, naming it: ${JSON.stringify(validation)}`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(app.register(errorEnvelope, { validation: validation as any }).ready(), new MisuseError(code, message))
  })
}
