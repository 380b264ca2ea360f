import t from 'tap'
import { contractErrors } from '../helper.js'
import { unprocessable, validate } from '../../index.js'
import { adapters, type Route } from './adapters.js'

// One schema per part, served by both adapters: the same input gets the
// same status and the same details.
const widget = {
  type: 'object',
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 3 },
    email: { type: 'string', format: 'email' },
    user: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]{3}$' } } } },
    meta: { type: 'object', properties: { 'odd key': { type: 'integer' } } }
  }
}
const listQuery = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 50 }, sort: { enum: ['asc', 'desc'] } } }
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^w_[0-9]+$' } } }
const versionHeaders = { type: 'object', required: ['x-api-version'], properties: { 'x-api-version': { type: 'integer' } } }

const routes: Route[] = [
  { method: 'POST', path: '/widgets', schema: { body: widget }, handler: ({ body }) => body },
  { method: 'GET', path: '/widgets', schema: { querystring: listQuery }, handler: ({ query }) => query },
  { method: 'GET', path: '/widgets/:id', schema: { params: idParams, headers: versionHeaders }, handler: ({ params }) => params }
]

interface Case { name: string, method: string, path: string, body?: unknown, headers?: Record<string, string>, status: number, expected: unknown }

const cases: Case[] = [
  {
    name: 'a body with several bad fields, nested and odd',
    method: 'POST',
    path: '/widgets',
    body: { name: 'x', user: { email: 'nope' }, items: [{ sku: 'ABC' }, { sku: 'ABC' }, { sku: 'abc' }], meta: { 'odd key': 'one' } },
    status: 422,
    expected: {
      code: 'validation_failed',
      message: '5 fields failed validation',
      type: 'validation_error',
      param: 'email',
      details: [
        { field: 'email', message: 'is required' },
        { field: 'name', message: 'must be at least 3 characters' },
        { field: 'user.email', message: 'must match format "email"' },
        { field: 'items[2].sku', message: 'must match pattern "^[A-Z]{3}$"' },
        { field: 'meta["odd key"]', message: 'must be an integer' }
      ]
    }
  },
  {
    name: 'a query that breaks its schema',
    method: 'GET',
    path: '/widgets?limit=500&sort=up',
    status: 400,
    expected: { code: 'invalid_parameter', message: '2 fields failed validation', type: 'invalid_request_error', param: 'limit', details: [{ field: 'limit', message: 'must be at most 50' }, { field: 'sort', message: 'must be one of: asc, desc' }] }
  },
  {
    name: 'a path parameter that breaks its pattern',
    method: 'GET',
    path: '/widgets/x_1',
    headers: { 'x-api-version': '2' },
    status: 400,
    expected: { code: 'invalid_parameter', message: 'Invalid field id: must match pattern "^w_[0-9]+$"', type: 'invalid_request_error', param: 'id', details: [{ field: 'id', message: 'must match pattern "^w_[0-9]+$"' }] }
  },
  {
    name: 'a missing header',
    method: 'GET',
    path: '/widgets/w_1',
    status: 400,
    expected: { code: 'invalid_parameter', message: 'Missing required field: x-api-version', type: 'invalid_request_error', param: 'x-api-version', details: [{ field: 'x-api-version', message: 'is required' }] }
  }
]

for (const adapter of adapters) {
  t.test(`${adapter.name}: answers schema failures with every bad field`, async (t) => {
    const { base } = await adapter.start(t, routes)
    for (const c of cases) {
      const response = await fetch(base + c.path, { method: c.method, headers: { 'content-type': 'application/json', ...c.headers }, body: c.body === undefined ? undefined : JSON.stringify(c.body) })
      t.equal(response.status, c.status, `${c.name}: status`)
      const body = await response.json()
      t.same(contractErrors(body), [], `${c.name}: the contract`)
      t.same(body, { error: { ...c.expected as object, request_id: response.headers.get('x-request-id') } }, `${c.name}: whole envelope`)
    }
  })

  t.test(`${adapter.name}: coerces query, params and headers from strings, and passes valid input on`, async (t) => {
    const { base } = await adapter.start(t, routes)
    t.same(await (await fetch(base + '/widgets?limit=5&sort=asc')).json(), { limit: 5, sort: 'asc' })
    t.same(await (await fetch(base + '/widgets/w_7', { headers: { 'x-api-version': '3' } })).json(), { id: 'w_7' })
  })

  t.test(`${adapter.name}: answers with validation.status and caps details at validation.maxDetails`, async (t) => {
    const { base } = await adapter.start(t, routes, { validation: { status: 400, maxDetails: 2 } })
    const response = await fetch(base + '/widgets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', user: { email: 'nope' } }) })
    t.equal(response.status, 400)
    const body = await response.json()
    t.same(body, {
      error: {
        code: 'validation_failed',
        message: 'More than 2 fields failed validation',
        type: 'invalid_request_error',
        param: 'email',
        details: [{ field: 'email', message: 'is required' }, { field: 'name', message: 'must be at least 3 characters' }],
        request_id: response.headers.get('x-request-id')
      }
    })
  })

  t.test(`${adapter.name}: answers a validate() failure with validation.status, as a route schema's`, async (t) => {
    const inHandler: Route[] = [
      { method: 'POST', path: '/checked', handler: ({ body }) => validate(widget, body) },
      { method: 'GET', path: '/checked', handler: ({ query }) => validate(listQuery, query, { part: 'querystring' }) }
    ]
    const { base } = await adapter.start(t, [...inHandler, ...routes], { validation: { status: { body: 400, querystring: 422 } } })
    const sent = JSON.stringify({ name: 'x', email: 'a@example.com' })
    const details = [{ field: 'name', message: 'must be at least 3 characters' }]
    for (const path of ['/checked', '/widgets']) {
      const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent })
      t.equal(response.status, 400, `${path}: the body's status`)
      const body = await response.json()
      t.same(contractErrors(body), [])
      t.same(body, { error: { code: 'validation_failed', message: 'Invalid field name: must be at least 3 characters', type: 'invalid_request_error', param: 'name', details, request_id: response.headers.get('x-request-id') } }, `${path}: whole envelope`)
    }
    for (const path of ['/checked', '/widgets']) {
      const response = await fetch(base + path + '?limit=99')
      t.equal(response.status, 422, `${path}: the querystring's status`)
      const body = await response.json()
      t.same(contractErrors(body), [])
      t.same(body, { error: { code: 'validation_failed', message: 'Invalid field limit: must be at most 50', type: 'validation_error', param: 'limit', details: [{ field: 'limit', message: 'must be at most 50' }], request_id: response.headers.get('x-request-id') } }, `${path}: whole envelope`)
    }
  })

  t.test(`${adapter.name}: unprocessable() with details answers as a schema failure does`, async (t) => {
    const { base } = await adapter.start(t, [
      { method: 'POST', path: '/fields', handler: () => { throw unprocessable('Dates are reversed', { details: [{ field: 'start', message: 'must be before end' }, { field: 'end', message: 'must be after start' }] }) } },
      { method: 'POST', path: '/rule', handler: () => { throw unprocessable('The account is closed') } }
    ])
    const fields = await fetch(base + '/fields', { method: 'POST' })
    const withFields = await fields.json()
    t.equal(fields.status, 422)
    t.same(contractErrors(withFields), [])
    t.same(withFields, { error: { code: 'validation_failed', message: 'Dates are reversed', type: 'validation_error', param: 'start', details: [{ field: 'start', message: 'must be before end' }, { field: 'end', message: 'must be after start' }], request_id: fields.headers.get('x-request-id') } })
    const rule = await fetch(base + '/rule', { method: 'POST' })
    const withoutFields = await rule.json()
    t.equal(rule.status, 422)
    t.same(contractErrors(withoutFields), [])
    t.same(withoutFields, { error: { code: 'unprocessable_entity', message: 'The account is closed', type: 'validation_error', request_id: rule.headers.get('x-request-id') } })
  })
}

// A recursive schema: each level of the data is one more call of its validator.
const tree = { type: 'object', properties: { child: { $ref: '#/definitions/node' } }, definitions: { node: { type: 'object', properties: { child: { $ref: '#/definitions/node' } } } } }

for (const adapter of adapters) {
  t.test(`${adapter.name}: a body nested too deeply for its validator answers 400, never a 500`, async (t) => {
    let nested = '{}'
    for (let level = 0; level < 20000; level++) nested = `{"child":${nested}}`
    const { base, logs } = await adapter.start(t, [{ method: 'POST', path: '/trees', schema: { body: tree }, handler: () => ({ ok: true }) }], { bodyLimit: nested.length + 1 })
    const response = await fetch(base + '/trees', { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested })
    t.equal(response.status, 400)
    const body = await response.json()
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'bad_request', message: 'The request body is nested too deeply to validate', type: 'invalid_request_error', request_id: response.headers.get('x-request-id') } })
    const shallow = await fetch(base + '/trees', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"child":{"child":{}}}' })
    t.equal(shallow.status, 200, 'a tree of a few levels passes')
    await shallow.text()
    t.notOk(logs.some((line) => line.level >= 50), 'nothing logged as a server error')
  })

  t.test(`${adapter.name}: the boolean schemas true and false validate as JSON Schema says`, async (t) => {
    const { base } = await adapter.start(t, [
      { method: 'POST', path: '/anything', schema: { body: true }, handler: ({ body }) => body },
      { method: 'POST', path: '/nothing', schema: { body: false }, handler: () => ({ ok: true }) }
    ])
    const anything = await fetch(base + '/anything', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"any":[1,"x"]}' })
    t.equal(anything.status, 200)
    t.same(await anything.json(), { any: [1, 'x'] })
    const nothing = await fetch(base + '/nothing', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"any":1}' })
    t.equal(nothing.status, 422)
    const body = await nothing.json()
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'validation_failed', message: 'Invalid field body: is not allowed', type: 'validation_error', param: 'body', details: [{ field: 'body', message: 'is not allowed' }], request_id: nothing.headers.get('x-request-id') } })
  })
}

t.test('validate() of the core takes the boolean schemas true and false', async (t) => {
  t.same(validate(true, { any: 1 }), { any: 1 })
  const failure = t.throws(() => validate(false, { any: 1 })) as Record<string, unknown>
  t.match(failure, { status: 422, code: 'validation_failed', message: 'Invalid field body: is not allowed', details: [{ field: 'body', message: 'is not allowed' }] })
})

for (const adapter of adapters) {
  t.test(`${adapter.name}: answers 415 to a body of a media type no parser reads, on a route that validates its body`, async (t) => {
    const { base } = await adapter.start(t, routes)
    for (const [name, init] of [
      ['XML with a length', { body: '<widget><name>x</name></widget>', headers: { 'content-type': 'application/xml' } }],
      ['CSV, chunked', { body: new Blob(['name\nx\n']).stream(), duplex: 'half', headers: { 'content-type': 'text/csv' } }]
    ] as const) {
      const response = await fetch(base + '/widgets', { method: 'POST', ...init } as RequestInit)
      t.equal(response.status, 415, `${name}: status`)
      const body = await response.json()
      t.same(contractErrors(body), [], `${name}: the contract`)
      t.same(body, { error: { code: 'unsupported_media_type', message: 'Unsupported media type', type: 'invalid_request_error', request_id: response.headers.get('x-request-id') } }, `${name}: whole envelope`)
    }
    const empty = await fetch(base + '/widgets', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '0' } })
    t.not(empty.status, 415, 'no body at all is left to the schema or the parser')
  })
}

// An order whose schema allows no other property, and counts in integers.
const order = { type: 'object', required: ['item', 'qty'], additionalProperties: false, properties: { item: { type: 'string' }, qty: { type: 'integer' }, gift: { type: 'boolean', default: false } } }
const orderRoutes: Route[] = [
  { method: 'POST', path: '/orders', schema: { body: order, querystring: listQuery }, handler: ({ body, query }) => ({ body, query }) }
]

for (const adapter of adapters) {
  t.test(`${adapter.name}: bodies are stripped and converted by default, and refused with strictBody; the query is converted either way`, async (t) => {
    const post = async (base: string, body: unknown): Promise<Response> => await fetch(base + '/orders?limit=5', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const loose = await adapter.start(t, orderRoutes)
    const stripped = await post(loose.base, { item: 'x', qty: '3', admin: true })
    t.equal(stripped.status, 200)
    t.same(await stripped.json(), { body: { item: 'x', qty: 3, gift: false }, query: { limit: 5 } }, 'admin removed, qty converted, gift defaulted')

    const strict = await adapter.start(t, orderRoutes, { strictBody: true })
    const extra = await post(strict.base, { item: 'x', qty: 1, admin: true })
    t.equal(extra.status, 422)
    const extraBody = await extra.json()
    t.same(contractErrors(extraBody), [])
    t.same(extraBody, { error: { code: 'validation_failed', message: 'Unknown field: admin', type: 'validation_error', param: 'admin', details: [{ field: 'admin', message: 'is not allowed' }], request_id: extra.headers.get('x-request-id') } })
    const converted = await post(strict.base, { item: 'x', qty: '3' })
    t.equal(converted.status, 422)
    const convertedBody = await converted.json()
    t.same(contractErrors(convertedBody), [])
    t.same(convertedBody, { error: { code: 'validation_failed', message: 'Invalid field qty: must be an integer', type: 'validation_error', param: 'qty', details: [{ field: 'qty', message: 'must be an integer' }], request_id: converted.headers.get('x-request-id') } })
    const valid = await post(strict.base, { item: 'x', qty: 2 })
    t.equal(valid.status, 200)
    t.same(await valid.json(), { body: { item: 'x', qty: 2, gift: false }, query: { limit: 5 } }, 'defaults still filled in, the query still converted')
  })
}
