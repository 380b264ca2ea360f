import t from 'tap'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { assertEnvelope, build } from '../helper.js'

// Schemas whose failing fields hide behind keywords other than `properties`
// and object-form `items`: every failing field is named, each once.
async function answer (t: Parameters<Parameters<typeof t.test>[1]>[0], schema: object, payload: unknown, draft2020 = false): Promise<import('fastify').LightMyRequestResponse> {
  const { app } = await build(t, {
    routes (app) {
      if (draft2020) {
        const ajv = new Ajv2020({ coerceTypes: 'array', useDefaults: true, removeAdditional: true })
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
