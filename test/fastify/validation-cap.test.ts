import t from 'tap'
import { assertEnvelope, build } from '../helper.js'

const items = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { q: { type: 'integer' } } } } } }

function details (count: number): Array<{ field: string, message: string }> {
  return Array.from({ length: count }, (_, i) => ({ field: `items[${i}].q`, message: 'must be an integer' }))
}

t.test('lists at most validation.maxDetails fields and says more failed', async (t) => {
  const { app } = await build(t, {
    plugin: { validation: { maxDetails: 3 } },
    routes (app) { app.post('/', { schema: { body: items } }, async () => 'ok') }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { items: Array.from({ length: 5 }, () => ({ q: 'x' })) } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'More than 3 fields failed validation',
    type: 'validation_error',
    param: 'items[0].q',
    details: details(3)
  })
})

t.test('counts every failure exactly when they fit under the cap', async (t) => {
  const { app } = await build(t, {
    plugin: { validation: { maxDetails: 3 } },
    routes (app) { app.post('/', { schema: { body: items } }, async () => 'ok') }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { items: [{ q: 'x' }, { q: 1 }, { q: 'x' }, { q: 'x' }] } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '3 fields failed validation',
    type: 'validation_error',
    param: 'items[0].q',
    details: [details(1)[0], { field: 'items[2].q', message: 'must be an integer' }, { field: 'items[3].q', message: 'must be an integer' }]
  })
})

t.test('answers a 1 MB body of 100,000 invalid items with 20 details', async (t) => {
  const { app } = await build(t, { routes (app) { app.post('/', { schema: { body: items } }, async () => 'ok') } })
  const payload = `{"items":[${new Array(100_000).fill('{"q":"x"}').join(',')}]}`
  t.ok(payload.length >= 1_000_000, 'the body is 1 MB')
  const response = await app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'application/json' } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'More than 20 fields failed validation',
    type: 'validation_error',
    param: 'items[0].q',
    details: details(20)
  })
})

t.test('keeps ajv\'s complete list under allErrors, capped, with the exact count', async (t) => {
  const { app } = await build(t, {
    server: { ajv: { customOptions: { allErrors: true } } },
    routes (app) { app.post('/', { schema: { body: items } }, async () => 'ok') }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { items: Array.from({ length: 50 }, () => ({ q: 'x' })) } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '50 fields failed validation',
    type: 'validation_error',
    param: 'items[0].q',
    details: details(20)
  })
})

t.test('uses ajv-errors messages as written, with a custom ajv and ajv-formats', async (t) => {
  const ajvErrors = (await import('ajv-errors')).default
  const ajvFormats = (await import('ajv-formats')).default
  const { app } = await build(t, {
    server: { ajv: { customOptions: { allErrors: true }, plugins: [ajvErrors as any, [ajvFormats as any, { formats: ['email'] }]] } },
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'object',
            required: ['email', 'age'],
            properties: {
              email: { type: 'string', format: 'email', errorMessage: 'Enter an email address like name@example.com' },
              age: { type: 'integer' }
            },
            errorMessage: { required: { age: 'Tell us your age' } }
          }
        }
      }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { email: 'nope' } }), 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'email',
    details: [
      { field: 'email', message: 'Enter an email address like name@example.com' },
      { field: 'age', message: 'Tell us your age' }
    ]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { email: 'a@example.com' } }), 422, {
    code: 'validation_failed',
    message: 'Tell us your age',
    type: 'validation_error',
    param: 'age',
    details: [{ field: 'age', message: 'Tell us your age' }]
  })
})

t.test('follows $ref to shared schemas added with addSchema', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.addSchema({ $id: 'address', type: 'object', required: ['city'], properties: { city: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } } })
      app.addSchema({ $id: 'user', type: 'object', required: ['name', 'address'], properties: { name: { type: 'string' }, email: { $ref: 'user#/definitions/email' }, address: { $ref: 'address#' }, home: { $ref: 'address' } }, definitions: { email: { type: 'string', format: 'email' } } })
      app.post('/users', { schema: { body: { $ref: 'user#' } } }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/users', payload: { email: 'nope', address: { zip: '1' }, home: { zip: '12345' } } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '5 fields failed validation',
    type: 'validation_error',
    param: 'name',
    details: [
      { field: 'name', message: 'is required' },
      { field: 'email', message: 'must match format "email"' },
      { field: 'address.city', message: 'is required' },
      { field: 'address.zip', message: 'must match pattern "^[0-9]{5}$"' },
      { field: 'home.city', message: 'is required' }
    ]
  })
})

t.test('follows local #/definitions references, and keeps the route\'s first error when a subschema cannot stand alone', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/local', {
        schema: {
          body: {
            type: 'object',
            definitions: { qty: { type: 'integer', minimum: 1 } },
            properties: { a: { $ref: '#/definitions/qty' }, b: { $ref: '#/definitions/qty' } }
          }
        }
      }, async () => 'ok')
      app.post('/nested', {
        schema: {
          body: {
            type: 'object',
            definitions: { qty: { type: 'integer' }, line: { type: 'object', properties: { qty: { $ref: '#/definitions/qty' } } } },
            properties: { line: { type: 'object', properties: { x: { type: 'integer' }, inner: { $ref: '#/definitions/line' } } } }
          }
        }
      }, async () => 'ok')
      app.post('/anchor', {
        schema: {
          body: {
            type: 'object',
            definitions: { qty: { $id: '#qty', type: 'integer' } },
            properties: { a: { $ref: '#qty' }, b: { $ref: '#qty' } }
          }
        }
      }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/local', payload: { a: 0, b: 'x' } }), 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'must be at least 1' }, { field: 'b', message: 'must be an integer' }]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/nested', payload: { line: { x: 'x', inner: { qty: 'x' } } } }), 422, {
    code: 'validation_failed',
    message: 'Invalid field line.x: must be an integer',
    type: 'validation_error',
    param: 'line.x',
    details: [{ field: 'line.x', message: 'must be an integer' }]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/anchor', payload: { a: 'x', b: 'x' } }), 422, {
    code: 'validation_failed',
    message: 'Invalid field a: must be an integer',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'must be an integer' }]
  })
})

t.test('splits TypeBox-style schemas, whose symbol keys ajv ignores', async (t) => {
  const Kind = Symbol.for('TypeBox.Kind')
  const body = {
    [Kind]: 'Object',
    type: 'object',
    required: ['name', 'tags'],
    properties: {
      name: { [Kind]: 'String', type: 'string', minLength: 2 },
      tags: { [Kind]: 'Array', type: 'array', items: { [Kind]: 'String', type: 'string', maxLength: 3 } }
    }
  }
  const { app } = await build(t, { routes (app) { app.post('/', { schema: { body } }, async () => 'ok') } })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { name: 'a', tags: ['ok', 'toolong'] } }), 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'name',
    details: [{ field: 'name', message: 'must be at least 2 characters' }, { field: 'tags[1]', message: 'must be at most 3 characters' }]
  })
})

t.test('leaves attachValidation routes to their handler', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', { attachValidation: true, schema: { body: items } }, async (request) => ({ seen: request.validationError?.validationContext }))
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { items: [{ q: 'x' }] } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { seen: 'body' })
})

t.test('answers what a schemaErrorFormatter returns when it is an ApiError, and the envelope otherwise', async (t) => {
  const { unprocessable } = await import('../../index.js')
  const { app } = await build(t, {
    routes (app) {
      app.post('/own', {
        schema: { body: items },
        schemaErrorFormatter: () => unprocessable('Check the items', { code: 'bad_items' })
      }, async () => 'ok')
      app.post('/plain', { schema: { body: items }, schemaErrorFormatter: () => new Error('plain') }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/own', payload: { items: [{ q: 'x' }] } }), 422, {
    code: 'bad_items',
    message: 'Check the items',
    type: 'validation_error'
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/plain', payload: { items: [{ q: 'x' }] } }), 422, {
    code: 'validation_failed',
    message: 'Invalid field items[0].q: must be an integer',
    type: 'validation_error',
    param: 'items[0].q',
    details: details(1)
  })
})

t.test('keeps the list of a custom validator compiler, and of an error a handler throws with a validation list', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/custom', {
        schema: { body: { type: 'object' } },
        validatorCompiler: () => function customCheck (this: unknown) {
          (customCheck as any).errors = [{ keyword: 'required', instancePath: '', params: { missingProperty: 'token' } }, 'junk']
          return false
        }
      }, async () => 'ok')
      app.post('/thrown', { schema: { body: items } }, async () => {
        throw Object.assign(new Error('x'), { validation: [{ keyword: 'required', instancePath: '', params: { missingProperty: 'coupon' } }], validationContext: 'body' })
      })
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/custom', payload: {} }), 422, {
    code: 'validation_failed',
    message: 'Missing required field: token',
    type: 'validation_error',
    param: 'token',
    details: [{ field: 'token', message: 'is required' }]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/thrown', payload: { items: [] } }), 422, {
    code: 'validation_failed',
    message: 'Missing required field: coupon',
    type: 'validation_error',
    param: 'coupon',
    details: [{ field: 'coupon', message: 'is required' }]
  })
})

t.test('stops at the cap inside an object\'s properties and inside its extra properties', async (t) => {
  const { app } = await build(t, {
    plugin: { validation: { maxDetails: 1 } },
    server: { ajv: { customOptions: { removeAdditional: false } } },
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'object',
            properties: {
              props: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' }, c: { type: 'integer' } } },
              extras: { type: 'object', additionalProperties: false, properties: {} }
            }
          }
        }
      }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { props: { a: 'x', b: 'x', c: 'x' } } }), 422, {
    code: 'validation_failed',
    message: 'More than 1 field failed validation',
    type: 'validation_error',
    param: 'props.a',
    details: [{ field: 'props.a', message: 'must be an integer' }]
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { extras: { x: 1, y: 2, z: 3 } } }), 422, {
    code: 'validation_failed',
    message: 'More than 1 field failed validation',
    type: 'validation_error',
    param: 'extras.x',
    details: [{ field: 'extras.x', message: 'is not allowed' }]
  })
})

t.test('applies defaults before deciding that a property is missing, past the first failing item', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'array',
            items: { type: 'object', required: ['plan', 'n'], properties: { plan: { type: 'string', default: 'free' }, n: { type: 'integer' } } }
          }
        }
      }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: [{ n: 'x' }, { n: 'x' }, {}] }), 422, {
    code: 'validation_failed',
    message: '3 fields failed validation',
    type: 'validation_error',
    param: '[0].n',
    details: [
      { field: '[0].n', message: 'must be an integer' },
      { field: '[1].n', message: 'must be an integer' },
      { field: '[2].n', message: 'is required' }
    ]
  })
})
