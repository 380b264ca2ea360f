import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build } from '../helper.js'

// A linked list and a tree: schemas that refer to themselves.
function recursive (app: FastifyInstance): void {
  app.addSchema({ $id: 'node', type: 'object', properties: { name: { type: 'string' }, next: { $ref: 'node#' } } })
  app.post('/list', { schema: { body: { $ref: 'node#' } } }, async () => 'ok')
  app.post('/fail', async () => {
    function runaway (n: number): number { return runaway(n + 1) + 1 }
    return runaway(0)
  })
}

function nested (levels: number, innermost: string): string {
  let body = innermost
  for (let i = 0; i < levels; i++) body = `{"name":"a","next":${body}}`
  return body
}

t.test('names the first failures of a shallow bad body against a recursive schema', async (t) => {
  const { app } = await build(t, { routes: recursive })
  const response = await app.inject({ method: 'POST', url: '/list', payload: { name: {}, next: { name: [] } } })
  assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: '2 fields failed validation',
    type: 'validation_error',
    param: 'name',
    details: [{ field: 'name', message: 'must be a string' }, { field: 'next.name', message: 'must be a string' }]
  })
})

t.test('answers a body nested too deeply for the recursive validator with 400, not a masked 500', async (t) => {
  const { app, logs } = await build(t, { routes: recursive })
  for (const innermost of ['{"name":"a"}', '{"name":{}}']) {
    const response = await app.inject({ method: 'POST', url: '/list', payload: nested(20_000, innermost), headers: { 'content-type': 'application/json' } })
    const body = assertEnvelope(t, response, 400, { code: 'bad_request', message: 'The request body is nested too deeply to validate', type: 'invalid_request_error' })
    t.notOk(logs.some((line) => line.request_id === body.error.request_id && line.level >= 50), 'logged as a client error')
  }
})

t.test('still answers a handler\'s own stack overflow with the masked 500', async (t) => {
  const { app } = await build(t, { routes: recursive })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/fail' }), 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
})
