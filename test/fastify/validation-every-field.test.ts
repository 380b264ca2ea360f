import t from 'tap'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { assertEnvelope, build } from '../helper.js'

// Schemas whose failing fields hide behind keywords other than `properties`
// and object-form `items`: every failing field is named, each once.
async function answer (t: Parameters<Parameters<typeof t.test>[1]>[0], schema: object, payload: unknown, draft2020 = false): Promise<import('fastify').LightMyRequestResponse> {
  const { app } = await build(t, {
    routes (app) {
      if (draft2020) {
        const ajv = new Ajv2020({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, strict: false })
        app.setValidatorCompiler(({ schema }) => ajv.compile(schema))
      }
      app.post('/', { schema: { body: schema } }, async () => 'ok')
    }
  })
  return await app.inject({ method: 'POST', url: '/', payload: payload as object })
}

function failed (details: Array<{ field: string, message: string }>): object {
  return { code: 'validation_failed', message: `${details.length} fields failed validation`, type: 'validation_error', param: details[0].field, details }
}

t.test('names every field that patternProperties and properties reject', async (t) => {
  const schema = { type: 'object', patternProperties: { '^x_': { type: 'integer' } }, properties: { a: { type: 'array', items: { type: 'string' } } } }
  const response = await answer(t, schema, { x_1: {}, x_2: {}, x_3: {}, a: {} })
  assertEnvelope(t, response, 422, failed([
    { field: 'a', message: 'must be an array' },
    { field: 'x_1', message: 'must be an integer' },
    { field: 'x_2', message: 'must be an integer' },
    { field: 'x_3', message: 'must be an integer' }
  ]))
})

t.test('names every additional property that fails an additionalProperties schema', async (t) => {
  const schema = { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: { type: 'number' } }
  const response = await answer(t, schema, { name: 'ok', m: 'x', n: {}, o: 'z', p: 4 })
  assertEnvelope(t, response, 422, failed([
    { field: 'm', message: 'must be a number' },
    { field: 'n', message: 'must be a number' },
    { field: 'o', message: 'must be a number' }
  ]))
})

t.test('names every item of a draft-07 tuple that fails its place', async (t) => {
  const schema = { type: 'object', properties: { point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }, { type: 'number' }] } } }
  const response = await answer(t, schema, { point: ['a', 'b', 'c'] })
  assertEnvelope(t, response, 422, failed([
    { field: 'point[0]', message: 'must be a number' },
    { field: 'point[1]', message: 'must be a number' },
    { field: 'point[2]', message: 'must be a number' }
  ]))
})

t.test('names the tuple items and the items past the tuple that fail additionalItems', async (t) => {
  const schema = { type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'integer' } }
  const response = await answer(t, schema, [{}, 'x', 2, 'y'])
  assertEnvelope(t, response, 422, failed([
    { field: '[0]', message: 'must be a string' },
    { field: '[1]', message: 'must be an integer' },
    { field: '[3]', message: 'must be an integer' }
  ]))
})

t.test('names the fields of every dependentSchemas entry and of allOf members', async (t) => {
  const schema = {
    type: 'object',
    properties: { card: { type: 'string' } },
    dependentSchemas: { card: { required: ['billing'], properties: { cvc: { type: 'string', pattern: '^[0-9]{3}$' } } } },
    allOf: [{ properties: { total: { type: 'number' } } }, { required: ['currency'] }]
  }
  const response = await answer(t, schema, { card: 'x', cvc: 'abc', total: 'ten' }, true)
  assertEnvelope(t, response, 422, failed([
    { field: 'total', message: 'must be a number' },
    { field: 'currency', message: 'is required' },
    { field: 'billing', message: 'is required' },
    { field: 'cvc', message: 'must match pattern "^[0-9]{3}$"' }
  ]))
})

t.test('names every field of the if/then/else branch that holds', async (t) => {
  const schema = {
    type: 'object',
    properties: { kind: { type: 'string' } },
    if: { properties: { kind: { const: 'company' } } },
    then: { required: ['vat', 'name'] },
    else: { properties: { age: { type: 'integer' }, email: { type: 'string', format: 'email' } } }
  }
  assertEnvelope(t, await answer(t, schema, { kind: 'company' }), 422, failed([
    { field: 'vat', message: 'is required' },
    { field: 'name', message: 'is required' }
  ]))
  assertEnvelope(t, await answer(t, schema, { kind: 'person', age: 'x', email: 'nope' }), 422, failed([
    { field: 'age', message: 'must be an integer' },
    { field: 'email', message: 'must match format "email"' }
  ]))
})

t.test('names every property whose name propertyNames rejects, beside a contains failure', async (t) => {
  const schema = {
    type: 'object',
    propertyNames: { pattern: '^[a-z]+$' },
    properties: { tags: { type: 'array', contains: { const: 'main' }, items: { type: 'string' } } }
  }
  const response = await answer(t, schema, { Bad: 1, ok: 2, Worse: 3, tags: ['x', {}] })
  assertEnvelope(t, response, 422, failed([
    { field: 'tags', message: 'must contain at least 1 matching item' },
    { field: 'tags[1]', message: 'must be a string' },
    { field: 'Bad', message: 'name must match pattern "^[a-z]+$"' },
    { field: 'Worse', message: 'name must match pattern "^[a-z]+$"' }
  ]))
})

t.test('names a field that several keywords reject once, with its first failure', async (t) => {
  const schema = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, allOf: [{ properties: { a: { minimum: 5 }, b: { minimum: 5 } } }] }
  const response = await answer(t, schema, { a: 1.5, b: 1 })
  assertEnvelope(t, response, 422, failed([
    { field: 'a', message: 'must be an integer' },
    { field: 'b', message: 'must be at least 5' }
  ]))
})

t.test('checks the properties that no subschema evaluated against an unevaluatedProperties schema', async (t) => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, unevaluatedProperties: { type: 'integer' } }
  const response = await answer(t, schema, { a: 'x', b: 'y', c: 2, d: 'z' }, true)
  assertEnvelope(t, response, 422, failed([
    { field: 'b', message: 'must be an integer' },
    { field: 'd', message: 'must be an integer' }
  ]))
})

t.test('names every property that unevaluatedProperties rejects', async (t) => {
  const schema = {
    type: 'object',
    properties: { a: { type: 'string' } },
    allOf: [{ properties: { b: { type: 'string' } } }],
    unevaluatedProperties: false
  }
  const response = await answer(t, schema, { a: 'x', b: 'y', c: 1, d: 2 }, true)
  assertEnvelope(t, response, 422, failed([
    { field: 'c', message: 'is not allowed' },
    { field: 'd', message: 'is not allowed' }
  ]))
})

t.test('names every item of a draft 2020-12 prefixItems tuple and of the items after it', async (t) => {
  const schema = { type: 'object', properties: { point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }, { type: 'number' }], items: { type: 'boolean' } } } }
  const response = await answer(t, schema, { point: ['a', 'b', 'c', 'd'] }, true)
  assertEnvelope(t, response, 422, failed([
    { field: 'point[0]', message: 'must be a number' },
    { field: 'point[1]', message: 'must be a number' },
    { field: 'point[2]', message: 'must be a number' },
    { field: 'point[3]', message: 'must be a boolean' }
  ]))
})

t.test('names the fields behind patternProperties alone, and a property name that a false schema refuses', async (t) => {
  const schema = { type: 'object', patternProperties: { '^n_': { type: 'integer' } }, propertyNames: { not: { const: 'forbidden' } } }
  const response = await answer(t, schema, { n_1: 'x', forbidden: 1, n_2: 'y' })
  assertEnvelope(t, response, 422, failed([
    { field: 'n_1', message: 'must be an integer' },
    { field: 'forbidden', message: 'name must not match the excluded form' },
    { field: 'n_2', message: 'must be an integer' }
  ]))
  const refused = await answer(t, { type: 'object', propertyNames: false }, { a: 1, b: 2 })
  assertEnvelope(t, refused, 422, failed([
    { field: 'a', message: 'name is not allowed' },
    { field: 'b', message: 'name is not allowed' }
  ]))
})

t.test('names the items of an array that allOf members reject', async (t) => {
  const schema = { type: 'object', properties: { list: { type: 'array', allOf: [{ items: { type: 'integer' } }, { maxItems: 2 }] } } }
  const response = await answer(t, schema, { list: [1, 'a', 'b'] })
  assertEnvelope(t, response, 422, failed([
    { field: 'list[1]', message: 'must be an integer' },
    { field: 'list[2]', message: 'must be an integer' },
    { field: 'list', message: 'must have at most 2 items' }
  ]))
})

t.test('checks unevaluatedProperties whole beside anyOf, which decides what was evaluated', async (t) => {
  const schema = { type: 'object', anyOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'string' } } }], unevaluatedProperties: false }
  const response = await answer(t, schema, { a: 'x', c: 1 }, true)
  const body = JSON.parse(response.body)
  t.equal(response.statusCode, 422)
  t.same(body.error.details, [{ field: 'c', message: 'is not allowed' }])
})

t.test('stops at the cap inside every keyword it follows', async (t) => {
  const schemas: Array<[object, unknown, boolean]> = [
    [{ type: 'object', patternProperties: { '^x': { type: 'integer' } } }, { x1: 'a', x2: 'b', x3: 'c' }, false],
    [{ type: 'object', allOf: [{ required: ['a', 'b'] }, { required: ['c'] }] }, {}, false],
    [{ type: 'object', properties: { a: { type: 'string' } }, unevaluatedProperties: false }, { b: 1, c: 2, d: 3 }, true],
    [{ type: 'object', propertyNames: { maxLength: 1 } }, { aa: 1, bb: 2, cc: 3 }, false]
  ]
  for (const [schema, payload, draft2020] of schemas) {
    const { app } = await build(t, {
      plugin: { validation: { maxDetails: 1 } },
      routes (app) {
        if (draft2020) {
          const ajv = new Ajv2020({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, strict: false })
          app.setValidatorCompiler(({ schema }) => ajv.compile(schema))
        }
        app.post('/', { schema: { body: schema } }, async () => 'ok')
      }
    })
    const response = await app.inject({ method: 'POST', url: '/', payload: payload as object })
    const body = JSON.parse(response.body)
    t.equal(response.statusCode, 422, JSON.stringify(schema))
    t.equal(body.error.message, 'More than 1 field failed validation')
    t.equal(body.error.details.length, 1)
  }
})

t.test('names every extra property without a properties list, and lets any name through propertyNames: true', async (t) => {
  const schema = { type: 'object', additionalProperties: false, patternProperties: { '^a': {} } }
  const { app } = await build(t, {
    server: { ajv: { customOptions: { removeAdditional: false } } },
    routes (app) { app.post('/', { schema: { body: schema } }, async () => 'ok') }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/', payload: { a1: 1, b: 1, c: 1 } }), 422, failed([
    { field: 'b', message: 'is not allowed' },
    { field: 'c', message: 'is not allowed' }
  ]))
  const open = { type: 'object', propertyNames: true, properties: { a: { type: 'string' }, b: { type: 'string' } } }
  assertEnvelope(t, await answer(t, open, { a: {}, b: [] }), 422, failed([
    { field: 'a', message: 'must be a string' },
    { field: 'b', message: 'must be a string' }
  ]))
})
