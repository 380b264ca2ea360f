import t from 'tap'
import { Ajv } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import ajvFormats from 'ajv-formats'
import { isApiError, unprocessable, validate, type AjvLike } from '../../index.js'
import { assertEnvelope, build } from '../helper.js'

const company = {
  type: 'object',
  required: ['vat_id', 'name'],
  properties: { vat_id: { type: 'string', minLength: 8 }, name: { type: 'string' }, seats: { type: 'integer' } }
}

t.test('throws the same 422 envelope from validate() as a route schema would', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/route', { schema: { body: company } }, async () => 'ok')
      app.post('/handler', async (request) => { validate(company, request.body); return 'ok' })
    }
  })
  const payload = { vat_id: '12', seats: 'x' }
  const expected = {
    code: 'validation_failed',
    message: '3 fields failed validation',
    type: 'validation_error',
    param: 'name',
    details: [
      { field: 'name', message: 'is required' },
      { field: 'vat_id', message: 'must be at least 8 characters' },
      { field: 'seats', message: 'must be an integer' }
    ]
  }
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/route', payload }), 422, expected)
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/handler', payload }), 422, expected)
})

t.test('throws 400 invalid_parameter from validate() for the querystring, naming the parameter', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/', async (request) => {
        validate({ type: 'object', properties: { tags: { type: 'array', items: { type: 'integer' } } } }, request.query, { part: 'querystring' })
        return 'ok'
      })
    }
  })
  assertEnvelope(t, await app.inject('/?tags=1&tags=x'), 400, {
    code: 'invalid_parameter',
    message: 'Invalid field tags: must be an integer',
    type: 'invalid_request_error',
    param: 'tags',
    details: [{ field: 'tags', message: 'must be an integer' }]
  })
})

t.test('returns the data from validate(), coerced and defaulted as Fastify would', async (t) => {
  const schema = { type: 'object', properties: { seats: { type: 'integer' }, plan: { type: 'string', default: 'free' } } }
  t.same(validate(schema, { seats: '5' }), { seats: 5, plan: 'free' })
  t.equal(validate({ type: 'integer' }, '7'), 7)
})

t.test('checks formats with the default Ajv instance, as a route schema does', async (t) => {
  const contact = { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, site: { type: 'string', format: 'uri' } } }
  t.same(validate(contact, { email: 'ann@example.com', site: 'https://example.com' }), { email: 'ann@example.com', site: 'https://example.com' })
  let thrown: unknown
  try {
    validate(contact, { email: 'not an email', site: 'nowhere' })
  } catch (error) {
    thrown = error
  }
  t.ok(isApiError(thrown))
  t.same({ ...(thrown as object) }, {
    status: 422,
    statusCode: 422,
    code: 'validation_failed',
    type: 'validation_error',
    param: 'email',
    details: [
      { field: 'email', message: 'must match format "email"' },
      { field: 'site', message: 'must match format "uri"' }
    ],
    headers: undefined,
    expose: true,
    message: '2 fields failed validation',
    stack: 'ApiError: 2 fields failed validation'
  })
})

t.test('compiles each schema once per Ajv instance', async (t) => {
  const ajv = new Ajv()
  let compiled = 0
  const counting: AjvLike = {
    compile (schema) { compiled++; return ajv.compile(schema) as any },
    getSchema (id) { return ajv.getSchema(id) }
  }
  const schema = { type: 'object', properties: { n: { type: 'integer' } } }
  validate(schema, { n: 1 }, { ajv: counting })
  validate(schema, { n: 2 }, { ajv: counting })
  t.equal(compiled, 1)
  t.throws(() => validate(schema, { n: 'x' }, { ajv: counting }))
  t.throws(() => validate(schema, { n: 'x' }, { ajv: counting }))
  t.equal(compiled, 4, 'the schema, the probe of allErrors, the schema\'s shell and its property, each once')
})

t.test('uses the given Ajv instance, with its formats, shared schemas and allErrors', async (t) => {
  const ajv = new Ajv({ allErrors: true })
  ajvFormats(ajv)
  ajv.addSchema({ $id: 'contact', type: 'object', properties: { email: { type: 'string', format: 'email' } } })
  const error = catchError(() => validate({ type: 'array', items: { $ref: 'contact#' } }, [{ email: 'a' }, { email: 'b' }, { email: 'c' }], { ajv, maxDetails: 2 }))
  t.same({ status: error.status, message: error.message, details: error.details }, {
    status: 422,
    message: '3 fields failed validation',
    details: [
      { field: '[0].email', message: 'must match format "email"' },
      { field: '[1].email', message: 'must match format "email"' }
    ]
  })
})

t.test('falls back to the first error when a relative $ref cannot be followed', async (t) => {
  const ajv = new Ajv()
  ajv.addSchema({ $id: 'http://example.com/item.json', type: 'integer' })
  const schema = { $id: 'http://example.com/list.json', type: 'object', properties: { a: { $ref: 'item.json' }, b: { $ref: 'item.json' } } }
  const error = catchError(() => validate(schema, { a: 'x', b: 'x' }, { ajv }))
  t.same({ message: error.message, details: error.details }, { message: 'Invalid field a: must be an integer', details: [{ field: 'a', message: 'must be an integer' }] })
})

t.test('names unevaluatedProperties, unevaluatedItems and dependentRequired failures of a draft 2019-09 Ajv', async (t) => {
  const ajv = new Ajv2019({ strictTuples: false })
  const schema = {
    type: 'object',
    properties: { a: { type: 'string' } },
    allOf: [{ properties: { b: { type: 'string' } } }],
    unevaluatedProperties: false,
    dependentRequired: { a: ['b'] }
  }
  const missing = catchError(() => validate(schema, { a: 'x' }, { ajv: ajv as unknown as AjvLike }))
  t.same({ message: missing.message, details: missing.details }, { message: 'Missing required field: b', details: [{ field: 'b', message: 'is required when a is present' }] })
  const extra = catchError(() => validate(schema, { b: 'x', c: 1 }, { ajv: ajv as unknown as AjvLike }))
  t.same({ message: extra.message, details: extra.details }, { message: 'Invalid field c: is not allowed', details: [{ field: 'c', message: 'is not allowed' }] })
  const items = catchError(() => validate({ type: 'array', items: [{ type: 'string' }], unevaluatedItems: false }, ['a', 'b'], { ajv: ajv as unknown as AjvLike }))
  t.same({ message: items.message, details: items.details }, { message: 'Invalid field body: must have at most 1 item', details: [{ field: 'body', message: 'must have at most 1 item' }] })
})

t.test('answers unprocessable() with its details, as a schema failure reads', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/users', async () => {
        throw unprocessable('Email already registered', { param: 'email', details: [{ field: 'email', message: 'is already taken' }] })
      })
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/users', payload: {} }), 422, {
    code: 'validation_failed',
    message: 'Email already registered',
    type: 'validation_error',
    param: 'email',
    details: [{ field: 'email', message: 'is already taken' }]
  })
})

function catchError (run: () => unknown): any {
  try {
    run()
  } catch (error) {
    if (isApiError(error)) return error
    throw error
  }
  throw new Error('expected a throw')
}
