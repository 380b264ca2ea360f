import t from 'tap'
import { assertEnvelope, build } from '../helper.js'

const activity = {
  type: 'object',
  required: ['activity_type', 'user', 'items'],
  properties: {
    activity_type: { type: 'string' },
    user: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } }
  }
}

t.test('names every bad field of a nested body, missing and nested, in the order the schema checks them', async (t) => {
  const { app } = await build(t, { routes (app) { app.post('/activities', { schema: { body: activity } }, async () => 'ok') } })
  const response = await app.inject({ method: 'POST', url: '/activities', payload: { user: {}, items: [{ sku: { id: 7 } }, { sku: 's' }, { sku: [] }], extra: true } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '4 fields failed validation',
    type: 'validation_error',
    param: 'activity_type',
    details: [
      { field: 'activity_type', message: 'is required' },
      { field: 'user.email', message: 'is required' },
      { field: 'items[0].sku', message: 'must be a string' },
      { field: 'items[2].sku', message: 'must be a string' }
    ]
  })
})

t.test('writes keys that are not identifiers in brackets, and array bodies from their index', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/odd', {
        schema: {
          body: {
            type: 'object',
            properties: {
              'odd key': { type: 'integer' },
              'a/b~c': { type: 'integer' },
              meta: { type: 'object', properties: { 'x-y': { type: 'integer' } } }
            }
          }
        }
      }, async () => 'ok')
      app.post('/list', { schema: { body: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } } } }, async () => 'ok')
    }
  })
  const odd = await app.inject({ method: 'POST', url: '/odd', payload: { 'odd key': 'x', 'a/b~c': 'x', meta: { 'x-y': 'x' } } })
  assertEnvelope(t, odd, 422, {
    code: 'validation_failed',
    message: '3 fields failed validation',
    type: 'validation_error',
    param: '["odd key"]',
    details: [
      { field: '["odd key"]', message: 'must be an integer' },
      { field: '["a/b~c"]', message: 'must be an integer' },
      { field: 'meta["x-y"]', message: 'must be an integer' }
    ]
  })
  const list = await app.inject({ method: 'POST', url: '/list', payload: [{ n: 1 }, { n: 'x' }] })
  assertEnvelope(t, list, 422, {
    code: 'validation_failed',
    message: 'Invalid field [1].n: must be an integer',
    type: 'validation_error',
    param: '[1].n',
    details: [{ field: '[1].n', message: 'must be an integer' }]
  })
})

t.test('names a body that is not an object "body"', async (t) => {
  const { app } = await build(t, { routes (app) { app.post('/', { schema: { body: activity } }, async () => 'ok') } })
  const response = await app.inject({ method: 'POST', url: '/', payload: '[1]', headers: { 'content-type': 'application/json' } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'Invalid field body: must be an object',
    type: 'validation_error',
    param: 'body',
    details: [{ field: 'body', message: 'must be an object' }]
  })
})

t.test('strips extra properties silently under Fastify\'s default removeAdditional, and names every one when it is off', async (t) => {
  const schema = { type: 'object', additionalProperties: false, required: ['name', 'email'], properties: { name: { type: 'string' }, email: { type: 'string' } } }
  const payload = { nick: 'b', age: 3, name: 'a' }
  const stripping = await build(t, { routes (app) { app.post('/', { schema: { body: schema } }, async () => 'ok') } })
  assertEnvelope(t, await stripping.app.inject({ method: 'POST', url: '/', payload }), 422, {
    code: 'validation_failed',
    message: 'Missing required field: email',
    type: 'validation_error',
    param: 'email',
    details: [{ field: 'email', message: 'is required' }]
  })
  const strict = await build(t, {
    server: { ajv: { customOptions: { removeAdditional: false } } },
    routes (app) { app.post('/', { schema: { body: schema } }, async () => 'ok') }
  })
  assertEnvelope(t, await strict.app.inject({ method: 'POST', url: '/', payload }), 422, {
    code: 'validation_failed',
    message: '3 fields failed validation',
    type: 'validation_error',
    param: 'email',
    details: [
      { field: 'email', message: 'is required' },
      { field: 'nick', message: 'is not allowed' },
      { field: 'age', message: 'is not allowed' }
    ]
  })
})

t.test('does not count an extra property that a patternProperties pattern allows', async (t) => {
  const { app } = await build(t, {
    server: { ajv: { customOptions: { removeAdditional: false } } },
    routes (app) {
      app.post('/', {
        schema: { body: { type: 'object', additionalProperties: false, patternProperties: { '^x-': { type: 'string' } }, properties: { a: { type: 'string' } } } }
      }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { 'x-ok': 'y', nope: 1, other: 2 } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'nope',
    details: [{ field: 'nope', message: 'is not allowed' }, { field: 'other', message: 'is not allowed' }]
  })
})

t.test('answers 400 invalid_parameter naming the parameter for the querystring, params and headers', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/search', {
        schema: {
          querystring: {
            type: 'object',
            required: ['q'],
            properties: { q: { type: 'string' }, limit: { type: 'integer', maximum: 100 }, tags: { type: 'array', items: { type: 'integer' } } }
          }
        }
      }, async () => 'ok')
      app.get('/users/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } }, async () => 'ok')
      app.get('/me', { schema: { headers: { type: 'object', required: ['X-Api-Key'], properties: { 'X-Api-Key': { type: 'string', minLength: 8 } } } } }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject('/search?limit=500&tags=1&tags=x'), 400, {
    code: 'invalid_parameter',
    message: '3 fields failed validation',
    type: 'invalid_request_error',
    param: 'q',
    details: [
      { field: 'q', message: 'is required' },
      { field: 'limit', message: 'must be at most 100' },
      { field: 'tags', message: 'must be an integer' }
    ]
  })
  assertEnvelope(t, await app.inject('/users/abc'), 400, {
    code: 'invalid_parameter',
    message: 'Invalid field id: must be an integer',
    type: 'invalid_request_error',
    param: 'id',
    details: [{ field: 'id', message: 'must be an integer' }]
  })
  assertEnvelope(t, await app.inject('/me'), 400, {
    code: 'invalid_parameter',
    message: 'Missing required field: x-api-key',
    type: 'invalid_request_error',
    param: 'x-api-key',
    details: [{ field: 'x-api-key', message: 'is required' }]
  })
  assertEnvelope(t, await app.inject({ url: '/me', headers: { 'x-api-key': 'short' } }), 400, {
    code: 'invalid_parameter',
    message: 'Invalid field x-api-key: must be at least 8 characters',
    type: 'invalid_request_error',
    param: 'x-api-key',
    details: [{ field: 'x-api-key', message: 'must be at least 8 characters' }]
  })
})

t.test('validates a body schema chosen by content type', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', {
        schema: { body: { content: { 'application/json': { schema: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: { type: 'string' } } } } } } }
      }, async () => 'ok')
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: {} }), 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'a',
    details: [{ field: 'a', message: 'is required' }, { field: 'b', message: 'is required' }]
  })
})

t.test('accepts nullable objects and objects without a type, and splits both', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'object',
            properties: {
              a: { type: ['object', 'null'], properties: { x: { type: 'integer' }, y: { type: 'integer' } } },
              b: { properties: { x: { type: 'integer' }, y: { type: 'integer' } } },
              c: { type: 'object', properties: { x: { type: 'integer' } } }
            }
          }
        }
      }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { a: { x: 'x', y: 'y' }, b: { x: 'x', y: 'y' }, c: [] } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '5 fields failed validation',
    type: 'validation_error',
    param: 'a.x',
    details: [
      { field: 'a.x', message: 'must be an integer' },
      { field: 'a.y', message: 'must be an integer' },
      { field: 'b.x', message: 'must be an integer' },
      { field: 'b.y', message: 'must be an integer' },
      { field: 'c', message: 'must be an object' }
    ]
  })
})

t.test('checks an object nested deeper than 32 levels whole, reporting its first error', async (t) => {
  let schema: object = { type: 'object', properties: { x: { type: 'integer' }, y: { type: 'integer' } } }
  let payload: object = { x: 'x', y: 'y' }
  for (let i = 0; i < 40; i++) {
    schema = { type: 'object', properties: { n: schema } }
    payload = { n: payload }
  }
  const { app } = await build(t, { routes (app) { app.post('/', { schema: { body: schema } }, async () => 'ok') } })
  const response = await app.inject({ method: 'POST', url: '/', payload })
  const field = 'n.'.repeat(40) + 'x'
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: `Invalid field ${field}: must be an integer`,
    type: 'validation_error',
    param: field,
    details: [{ field, message: 'must be an integer' }]
  })
})

t.test('reports an object\'s and an array\'s own keywords beside the failures of their members', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'object',
            properties: {
              profile: { type: 'object', minProperties: 3, properties: { age: { type: 'integer' } } },
              tags: { type: 'array', maxItems: 1, items: { type: 'integer' } }
            }
          }
        }
      }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { profile: { age: 'x' }, tags: [1, 'x'] } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '4 fields failed validation',
    type: 'validation_error',
    param: 'profile',
    details: [
      { field: 'profile', message: 'must have at least 3 properties' },
      { field: 'profile.age', message: 'must be an integer' },
      { field: 'tags', message: 'must have at most 1 item' },
      { field: 'tags[1]', message: 'must be an integer' }
    ]
  })
})
