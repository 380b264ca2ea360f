import t from 'tap'
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { assertEnvelope, build, errorLines } from '../helper.js'

const ok = async (): Promise<{ ok: true }> => ({ ok: true })

function api (app: FastifyInstance): void {
  app.addHttpMethod('MKCOL', { hasBody: true })
  app.addHttpMethod('PROPFIND', { hasBody: true })
  app.get('/static', ok)
  app.post('/static', ok)
  app.get('/widgets/:id', ok)
  app.put('/widgets/:id', ok)
  app.get('/files/*', ok)
  app.delete('/only-delete', ok)
  app.route({ method: 'MKCOL', url: '/dav/:name', handler: async () => ({ made: true }) })
  app.register(async function v1 (child) {
    child.get('/', ok)
    child.get('/items/:id', ok)
    child.patch('/items/:id', ok)
  }, { prefix: '/v1' })
}

function notAllowed (method: string, path: string): { code: string, message: string, type: string } {
  return { code: 'method_not_allowed', message: `Method ${method} is not allowed for ${path}`, type: 'invalid_request_error' }
}

function notImplemented (method: string): { code: string, message: string, type: string } {
  return { code: 'not_implemented', message: `Method ${method} is not implemented`, type: 'api_error' }
}

t.test('answers 404 "No route for GET /x" for an unmatched path', async (t) => {
  const { app, logs } = await build(t, { routes: api })
  const response = await app.inject('/x')
  const body = assertEnvelope(t, response, 404, { code: 'not_found', message: 'No route for GET /x', type: 'invalid_request_error' })
  t.equal(errorLines(logs, body.error.request_id).length, 1)
})

t.test('never echoes the query string of an unmatched path', async (t) => {
  const { app, logs } = await build(t, { routes: api })
  const response = await app.inject('/x?token=sk_live_secret&b=1')
  assertEnvelope(t, response, 404, { code: 'not_found', message: 'No route for GET /x', type: 'invalid_request_error' })
  const [line] = errorLines(logs, response.headers['x-request-id'] as string)
  t.equal(line.msg, 'No route for GET /x')
})

t.test('caps a 9,000-character path at 256 characters in the message', async (t) => {
  const { app } = await build(t, { routes: api })
  const path = '/' + 'a'.repeat(8999)
  const response = await app.inject(path)
  assertEnvelope(t, response, 404, { code: 'not_found', message: `No route for GET ${path.slice(0, 256)}…`, type: 'invalid_request_error' })
})

t.test('answers 404 to a method with routes elsewhere on a path that has none', async (t) => {
  const { app } = await build(t, { routes: api })
  assertEnvelope(t, await app.inject({ method: 'DELETE', url: '/nowhere' }), 404,
    { code: 'not_found', message: 'No route for DELETE /nowhere', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/files'), 404,
    { code: 'not_found', message: 'No route for GET /files', type: 'invalid_request_error' })
})

const allowed: Array<[string, HTTPMethods, string, string]> = [
  ['a static route', 'DELETE', '/static', 'GET, HEAD, POST'],
  ['a parametric route', 'DELETE', '/widgets/w_1', 'GET, HEAD, PUT'],
  ['a parametric route, ignoring the query string', 'POST', '/widgets/w_1?force=1', 'GET, HEAD, PUT'],
  ['a wildcard route', 'PUT', '/files/a/b/c.txt', 'GET, HEAD'],
  ['a route without GET, so without HEAD', 'GET', '/only-delete', 'DELETE'],
  ['a route under the prefix of an encapsulated plugin', 'DELETE', '/v1/items/7', 'GET, HEAD, PATCH'],
  ['the root of a prefix', 'POST', '/v1', 'GET, HEAD'],
  ['the root of a prefix with its trailing slash', 'POST', '/v1/', 'GET, HEAD'],
  ['a route of an extension method', 'DELETE', '/dav/notes', 'MKCOL']
]
for (const [name, method, url, allow] of allowed) {
  t.test(`answers 405 with Allow listing ${allow} for ${name}`, async (t) => {
    const { app, logs } = await build(t, { routes: api })
    const response = await app.inject({ method, url })
    assertEnvelope(t, response, 405, notAllowed(method, url.split('?')[0]))
    t.equal(response.headers.allow, allow)
    const [line] = errorLines(logs, response.headers['x-request-id'] as string)
    t.equal(line.level, 30)
  })
}

t.test('answers 405 to HEAD on a path routed for other methods but not GET', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'HEAD', url: '/only-delete' })
  t.equal(response.statusCode, 405)
  t.equal(response.headers.allow, 'DELETE')
  t.equal(response.body, '', 'no body for HEAD')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
})

t.test('answers HEAD wherever GET is routed', async (t) => {
  const { app } = await build(t, { routes: api })
  for (const url of ['/static', '/widgets/w_1', '/files/a.txt', '/v1/items/1']) {
    const response = await app.inject({ method: 'HEAD', url })
    t.equal(response.statusCode, 200, url)
  }
})

t.test('answers a HEAD request to an unknown path with 404 headers and no body', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'HEAD', url: '/nowhere' })
  t.equal(response.statusCode, 404)
  t.equal(response.body, '')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  t.match(response.headers['x-request-id'], /^req_/)
  const get = await app.inject('/nowhere')
  t.equal(response.headers['content-length'], String(Buffer.byteLength(get.body.replace(/req_[\w-]+/, response.headers['x-request-id'] as string).replace('GET', 'HEAD'))))
})

t.test('answers OPTIONS on a routed path without its own OPTIONS route with 204 and Allow', async (t) => {
  const { app, logs } = await build(t, { routes: api })
  for (const [url, allow] of [['/widgets/w_1', 'GET, HEAD, PUT'], ['/v1/items/1', 'GET, HEAD, PATCH'], ['/dav/notes', 'MKCOL']]) {
    const response = await app.inject({ method: 'OPTIONS', url })
    t.equal(response.statusCode, 204, url)
    t.equal(response.headers.allow, allow)
    t.equal(response.body, '')
    t.match(response.headers['x-request-id'], /^req_/)
    t.same(errorLines(logs, response.headers['x-request-id'] as string), [], 'a 204 is no error')
  }
})

t.test('answers OPTIONS on an unknown path with 404', async (t) => {
  const { app } = await build(t, { routes: api })
  assertEnvelope(t, await app.inject({ method: 'OPTIONS', url: '/nowhere' }), 404,
    { code: 'not_found', message: 'No route for OPTIONS /nowhere', type: 'invalid_request_error' })
})

t.test('lets a route\'s own OPTIONS handler answer, and lists OPTIONS in Allow elsewhere', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/cors', ok)
      app.options('/cors', async (_request, reply) => reply.code(200).header('access-control-allow-origin', '*').send({ cors: true }))
    }
  })
  const response = await app.inject({ method: 'OPTIONS', url: '/cors' })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { cors: true })
  t.equal(response.headers['access-control-allow-origin'], '*')
  const other = await app.inject({ method: 'DELETE', url: '/cors' })
  assertEnvelope(t, other, 405, notAllowed('DELETE', '/cors'))
  t.equal(other.headers.allow, 'GET, HEAD, OPTIONS')
})

t.test('answers 501 to PROPFIND when no route handles it, logged at the client-error level', async (t) => {
  const { app, logs } = await build(t, { routes: api })
  for (const url of ['/widgets/w_1', '/nowhere']) {
    const response = await app.inject({ method: 'PROPFIND' as HTTPMethods, url })
    assertEnvelope(t, response, 501, notImplemented('PROPFIND'))
    t.equal(response.headers.allow, undefined)
    t.equal(errorLines(logs, response.headers['x-request-id'] as string)[0].level, 30, 'an unknown method is the client\'s doing: logged at clientError')
  }
})

t.test('answers 501 to an extension method on a path no route of it handles', async (t) => {
  const { app } = await build(t, { routes: api })
  for (const url of ['/widgets/w_1', '/nowhere']) {
    assertEnvelope(t, await app.inject({ method: 'MKCOL' as HTTPMethods, url }), 501, notImplemented('MKCOL'))
  }
})

t.test('answers an extension method that a route handles', async (t) => {
  const { app } = await build(t, { routes: api })
  const response = await app.inject({ method: 'MKCOL' as HTTPMethods, url: '/dav/notes' })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { made: true })
})

t.test('answers 501 to PROPFIND and 405 to a standard method when no extension route exists at all', async (t) => {
  const { app } = await build(t, { routes (app) { app.get('/plain', ok) } })
  assertEnvelope(t, await app.inject({ method: 'PROPFIND' as HTTPMethods, url: '/plain' }), 501, notImplemented('PROPFIND'))
  const response = await app.inject({ method: 'PATCH', url: '/plain' })
  assertEnvelope(t, response, 405, notAllowed('PATCH', '/plain'))
  t.equal(response.headers.allow, 'GET, HEAD')
})

t.test('answers a path asked again as the first time, and answers right after more distinct paths than it remembers', async (t) => {
  const { app } = await build(t, { routes: api })
  for (let round = 0; round < 2; round++) {
    const response = await app.inject({ method: 'DELETE', url: '/widgets/7?round=' + round })
    assertEnvelope(t, response, 405, notAllowed('DELETE', '/widgets/7'))
    t.equal(response.headers.allow, 'GET, HEAD, PUT')
    const options = await app.inject({ method: 'OPTIONS', url: '/widgets/7' })
    t.equal(options.statusCode, 204)
    t.equal(options.headers.allow, 'GET, HEAD, PUT')
  }
  for (let i = 0; i < 1100; i++) {
    const response = await app.inject(`/unknown/${i}`)
    if (response.statusCode !== 404) t.fail(`/unknown/${i} answered ${response.statusCode}`)
  }
  const again = await app.inject({ method: 'DELETE', url: '/widgets/7' })
  assertEnvelope(t, again, 405, notAllowed('DELETE', '/widgets/7'))
  t.equal(again.headers.allow, 'GET, HEAD, PUT')
  const unknownAgain = await app.inject('/unknown/0')
  assertEnvelope(t, unknownAgain, 404, { code: 'not_found', message: 'No route for GET /unknown/0', type: 'invalid_request_error' })
})

t.test('probes the router once per path, and sends a path\'s answer again with each request\'s own id', async (t) => {
  const { app } = await build(t, { routes: api })
  const findRoute = app.findRoute.bind(app)
  const probed: string[] = []
  app.findRoute = function countedFindRoute (options) {
    probed.push(options.url)
    return findRoute(options)
  } as typeof app.findRoute
  const ids = new Set<string>()
  for (let round = 0; round < 3; round++) {
    const missing = await app.inject('/nope')
    ids.add(assertEnvelope(t, missing, 404, { code: 'not_found', message: 'No route for GET /nope', type: 'invalid_request_error' }).error.request_id)
    const wrong = await app.inject({ method: 'DELETE', url: '/widgets/7' })
    ids.add(assertEnvelope(t, wrong, 405, notAllowed('DELETE', '/widgets/7')).error.request_id)
    t.equal(wrong.headers.allow, 'GET, HEAD, PUT')
    const other = await app.inject({ method: 'PATCH', url: '/nope' })
    ids.add(assertEnvelope(t, other, 404, { code: 'not_found', message: 'No route for PATCH /nope', type: 'invalid_request_error' }).error.request_id)
  }
  t.equal(ids.size, 9, 'every answer carries its own request id')
  const perPath = probed.length / 2
  t.ok(perPath >= 7, 'every standard method is probed')
  t.same(probed, [...Array(perPath).fill('/nope'), ...Array(perPath).fill('/widgets/7')], 'each path probed once, on its first request')
})
