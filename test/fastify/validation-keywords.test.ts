import t from 'tap'
import { assertEnvelope, build } from '../helper.js'

// Each ajv keyword that Fastify's default ajv (ajv 8 with ajv-formats) can
// raise, on a field named `value`, with the detail a client gets.
const cases: Array<{ keyword: string, schema: object, value: unknown, message: string, field?: string }> = [
  { keyword: 'type', schema: { type: 'integer' }, value: 'abc', message: 'must be an integer' },
  { keyword: 'type with several types', schema: { type: ['integer', 'null'] }, value: 'abc', message: 'must be an integer or null' },
  { keyword: 'enum', schema: { enum: ['draft', 'published', 3] }, value: 'x', message: 'must be one of: draft, published, 3' },
  { keyword: 'const', schema: { const: 'v1' }, value: 'v2', message: 'must be "v1"' },
  { keyword: 'maximum', schema: { type: 'number', maximum: 100 }, value: 101, message: 'must be at most 100' },
  { keyword: 'minimum', schema: { type: 'number', minimum: 3 }, value: 2, message: 'must be at least 3' },
  { keyword: 'exclusiveMaximum', schema: { type: 'number', exclusiveMaximum: 10 }, value: 10, message: 'must be less than 10' },
  { keyword: 'exclusiveMinimum', schema: { type: 'number', exclusiveMinimum: 0 }, value: 0, message: 'must be greater than 0' },
  { keyword: 'multipleOf', schema: { type: 'number', multipleOf: 5 }, value: 7, message: 'must be a multiple of 5' },
  { keyword: 'maxLength', schema: { type: 'string', maxLength: 3 }, value: 'abcd', message: 'must be at most 3 characters' },
  { keyword: 'minLength', schema: { type: 'string', minLength: 1 }, value: '', message: 'must be at least 1 character' },
  { keyword: 'pattern', schema: { type: 'string', pattern: '^[a-z]+$' }, value: 'A1', message: 'must match pattern "^[a-z]+$"' },
  { keyword: 'format', schema: { type: 'string', format: 'email' }, value: 'nope', message: 'must match format "email"' },
  { keyword: 'formatMaximum', schema: { type: 'string', format: 'date', formatMaximum: '2020-12-31' }, value: '2021-01-01', message: 'must be at most 2020-12-31' },
  { keyword: 'formatMinimum', schema: { type: 'string', format: 'date', formatMinimum: '2020-01-01' }, value: '2019-12-31', message: 'must be at least 2020-01-01' },
  { keyword: 'formatExclusiveMaximum', schema: { type: 'string', format: 'date', formatExclusiveMaximum: '2020-12-31' }, value: '2020-12-31', message: 'must be less than 2020-12-31' },
  { keyword: 'formatExclusiveMinimum', schema: { type: 'string', format: 'date', formatExclusiveMinimum: '2020-01-01' }, value: '2020-01-01', message: 'must be greater than 2020-01-01' },
  { keyword: 'maxItems', schema: { type: 'array', maxItems: 2 }, value: [1, 2, 3], message: 'must have at most 2 items' },
  { keyword: 'minItems', schema: { type: 'array', minItems: 1 }, value: [], message: 'must have at least 1 item' },
  { keyword: 'uniqueItems', schema: { type: 'array', uniqueItems: true }, value: [1, 2, 1], message: 'must not have duplicate items (items 0 and 2 are equal)' },
  { keyword: 'contains', schema: { type: 'array', contains: { type: 'integer', minimum: 10 } }, value: [1, 2], message: 'must contain at least 1 matching item' },
  { keyword: 'additionalItems', schema: { type: 'array', items: [{ type: 'string' }], minItems: 1, additionalItems: false }, value: ['a', 'b'], message: 'must have at most 1 item' },
  { keyword: 'maxProperties', schema: { type: 'object', maxProperties: 1 }, value: { a: 1, b: 2 }, message: 'must have at most 1 property' },
  { keyword: 'minProperties', schema: { type: 'object', minProperties: 2 }, value: { a: 1 }, message: 'must have at least 2 properties' },
  { keyword: 'anyOf of types', schema: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] }, value: {}, message: 'must be an integer or a boolean' },
  { keyword: 'anyOf', schema: { type: 'number', anyOf: [{ minimum: 10 }, { maximum: 0 }] }, value: 5, message: 'must match one of the allowed forms' },
  { keyword: 'anyOf of mixed branches', schema: { anyOf: [{ type: 'number', minimum: 10 }, { type: 'boolean' }] }, value: 5, message: 'must match one of the allowed forms' },
  { keyword: 'oneOf that nothing matches', schema: { type: 'number', oneOf: [{ minimum: 10 }, { maximum: 0 }] }, value: 5, message: 'must match one of the allowed forms' },
  { keyword: 'oneOf that several match', schema: { type: 'number', oneOf: [{ minimum: 0 }, { maximum: 10 }] }, value: 5, message: 'must match only one of the allowed forms' },
  { keyword: 'not', schema: { type: 'string', not: { const: 'admin' } }, value: 'admin', message: 'must not match the excluded form' },
  { keyword: 'if/then', schema: { type: 'object', if: { properties: { kind: { const: 'company' } } }, then: { required: ['vat'] } }, value: { kind: 'company' }, field: 'value.vat', message: 'is required' },
  { keyword: 'dependencies', schema: { type: 'object', dependencies: { card: ['billing'] } }, value: { card: 'x' }, field: 'value.billing', message: 'is required when card is present' },
  { keyword: 'propertyNames', schema: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } }, value: { Bad: 1 }, field: 'value.Bad', message: 'name must match pattern "^[a-z]+$"' },
  { keyword: 'false schema', schema: false as unknown as object, value: 1, message: 'is not allowed' }
]

for (const { keyword, schema, value, message, field = 'value' } of cases) {
  t.test(`answers ${keyword} with "${message}"`, async (t) => {
    const { app } = await build(t, {
      routes (app) {
        app.post('/', { schema: { body: { type: 'object', properties: { value: schema } } } }, async () => 'ok')
      }
    })
    const response = await app.inject({ method: 'POST', url: '/', payload: { value } })
    const single = message === 'is required' || message.startsWith('is required when') ? `Missing required field: ${field}` : `Invalid field ${field}: ${message}`
    assertEnvelope(t, response, 422, {
      code: 'validation_failed',
      message: single,
      type: 'validation_error',
      param: field,
      details: [{ field, message }]
    })
  })
}

t.test('answers required with the missing property and "Missing required field"', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/', { schema: { body: { type: 'object', required: ['activity_type'], properties: { activity_type: { type: 'string' } } } } }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: {} })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'Missing required field: activity_type',
    type: 'validation_error',
    param: 'activity_type',
    details: [{ field: 'activity_type', message: 'is required' }]
  })
})

t.test('answers additionalProperties with the extra property and "Unknown field" when removeAdditional is off', async (t) => {
  const { app } = await build(t, {
    server: { ajv: { customOptions: { removeAdditional: false } } },
    routes (app) {
      app.post('/', { schema: { body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } } }, async () => 'ok')
    }
  })
  const response = await app.inject({ method: 'POST', url: '/', payload: { name: 'a', nick: 'b' } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'Unknown field: nick',
    type: 'validation_error',
    param: 'nick',
    details: [{ field: 'nick', message: 'is not allowed' }]
  })
})

t.test('answers discriminator failures on the tag property', async (t) => {
  const { app } = await build(t, {
    server: { ajv: { customOptions: { discriminator: true } } },
    routes (app) {
      app.post('/', {
        schema: {
          body: {
            type: 'object',
            discriminator: { propertyName: 'kind' },
            required: ['kind'],
            oneOf: [
              { properties: { kind: { const: 'a' } } },
              { properties: { kind: { const: 'b' } } }
            ]
          }
        }
      }, async () => 'ok')
    }
  })
  const unknown = await app.inject({ method: 'POST', url: '/', payload: { kind: 'c' } })
  assertEnvelope(t, unknown, 422, {
    code: 'validation_failed',
    message: 'Invalid field kind: must be one of the known kinds',
    type: 'validation_error',
    param: 'kind',
    details: [{ field: 'kind', message: 'must be one of the known kinds' }]
  })
  const notString = await app.inject({ method: 'POST', url: '/', payload: { kind: {} } })
  assertEnvelope(t, notString, 422, {
    code: 'validation_failed',
    message: 'Invalid field kind: must be a string',
    type: 'validation_error',
    param: 'kind',
    details: [{ field: 'kind', message: 'must be a string' }]
  })
})

t.test('answers a custom keyword with its ajv message, or "is invalid" when ajv has no messages', async (t) => {
  function evenKeyword (ajv: any): void {
    ajv.addKeyword({ keyword: 'even', type: 'number', validate: (_schema: unknown, data: number) => data % 2 === 0 })
  }
  for (const [messages, expected] of [[true, 'must pass "even" keyword validation'], [false, 'is invalid']] as const) {
    const { app } = await build(t, {
      server: { ajv: { customOptions: { messages }, plugins: [evenKeyword] } },
      routes (app) {
        app.post('/', { schema: { body: { type: 'object', properties: { value: { type: 'number', even: true } } } } }, async () => 'ok')
      }
    })
    const response = await app.inject({ method: 'POST', url: '/', payload: { value: 3 } })
    assertEnvelope(t, response, 422, {
      code: 'validation_failed',
      message: `Invalid field value: ${expected}`,
      type: 'validation_error',
      param: 'value',
      details: [{ field: 'value', message: expected }]
    })
  }
})
