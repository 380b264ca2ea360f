import t from 'tap'
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { assertEnvelope, build } from '../helper.js'

// Handlers that decide a resource is gone and hand the request to the
// not-found answer, for every kind of method a route can have.
function api (app: FastifyInstance): void {
  app.addHttpMethod('PROPFIND', { hasBody: true })
  app.get('/items/:id', async (request, reply) => reply.callNotFound())
  app.post('/items/:id', async () => ({ ok: true }))
  app.options('/opts/:id', async (_request, reply) => reply.callNotFound())
  app.route({ method: 'PROPFIND', url: '/dav/:name', handler: async (_request, reply) => reply.callNotFound() })
}

function noRoute (method: string, path: string): { code: string, message: string, type: string } {
  return { code: 'not_found', message: `No route for ${method} ${path}`, type: 'invalid_request_error' }
}

t.test('answers 404, never 405, when a GET handler calls reply.callNotFound()', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'GET', url: '/items/gone' })
  assertEnvelope(t, response, 404, noRoute('GET', '/items/gone'))
  t.equal(response.headers.allow, undefined)
})

t.test('answers 404 with no body to HEAD on a GET route that calls reply.callNotFound()', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'HEAD', url: '/items/gone' })
  t.equal(response.statusCode, 404)
  t.equal(response.body, '')
  t.equal(response.headers.allow, undefined)
})

t.test('answers 404, not 204 with Allow, when an OPTIONS handler calls reply.callNotFound()', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'OPTIONS', url: '/opts/1' })
  assertEnvelope(t, response, 404, noRoute('OPTIONS', '/opts/1'))
})

t.test('answers 404, not 501, when an extension-method handler calls reply.callNotFound()', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'PROPFIND' as HTTPMethods, url: '/dav/notes' })
  assertEnvelope(t, response, 404, noRoute('PROPFIND', '/dav/notes'))
})

t.test('still answers 405 for a method the path is not routed for, after a callNotFound on it', async (t) => {
  const { app } = await build(t, { routes: api })
  assertEnvelope(t, await app.inject({ method: 'GET', url: '/items/gone' }), 404, noRoute('GET', '/items/gone'))
  const response = await app.inject({ method: 'DELETE', url: '/items/gone' })
  assertEnvelope(t, response, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /items/gone', type: 'invalid_request_error' })
  t.equal(response.headers.allow, 'GET, HEAD, POST')
})
