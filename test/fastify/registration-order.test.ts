import t from 'tap'
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { assertEnvelope, build, errorLines, linesOf } from '../helper.js'
import { serverOptions } from '../../index.js'

// What a route added before the plugin gets, and what it misses: Fastify
// fixes a route's handler, error handler and child logger factory when the
// route is added, but reads the id generator and the router on every
// request.

const GENERATED = /^req_[A-Za-z0-9_-]{20}$/

function early (app: FastifyInstance): void {
  app.addHttpMethod('MKCOL', { hasBody: true })
  app.get('/early', async (request) => {
    request.log.info('early handler')
    return { id: request.id }
  })
  app.get('/early-error', async () => { throw new Error('db password is hunter2') })
  app.route({ method: 'MKCOL', url: '/early-dav/:name', handler: async () => ({ made: true }) })
  app.register(async function earlyChild (child) {
    child.get('/early-child', async (request) => ({ id: request.id }))
  })
}

t.test('gives a route added before the plugin 405 detection with Allow', async (t) => {
  const { app } = await build(t, { before: early })
  const response = await app.inject({ method: 'DELETE', url: '/early' })
  assertEnvelope(t, response, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /early', type: 'invalid_request_error' })
  t.equal(response.headers.allow, 'GET, HEAD')
  const options = await app.inject({ method: 'OPTIONS', url: '/early-child' })
  t.equal(options.statusCode, 204)
  t.equal(options.headers.allow, 'GET, HEAD')
})

t.test('lists the extension method of a route added before the plugin in Allow', async (t) => {
  const { app } = await build(t, { before: early })
  const response = await app.inject({ method: 'DELETE', url: '/early-dav/notes' })
  assertEnvelope(t, response, 405, { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /early-dav/notes', type: 'invalid_request_error' })
  t.equal(response.headers.allow, 'MKCOL')
  const made = await app.inject({ method: 'MKCOL' as HTTPMethods, url: '/early-dav/notes' })
  t.same(made.json(), { made: true })
})

t.test('gives a route added before the plugin ids from the plugin, echoed in X-Request-Id on its 2xx', async (t) => {
  const { app } = await build(t, { before: early })
  for (const url of ['/early', '/early-child']) {
    const generated = await app.inject(url)
    t.match(generated.json().id, GENERATED, `${url}: a generated id`)
    t.equal(generated.headers['x-request-id'], generated.json().id, `${url}: the id echoed by the plugin's onSend hook`)
    const incoming = await app.inject({ url, headers: { 'x-request-id': 'client-1' } })
    t.same(incoming.json(), { id: 'client-1' }, `${url}: a valid incoming id`)
    t.equal(incoming.headers['x-request-id'], 'client-1', `${url}: echoed`)
    const invalid = await app.inject({ url, headers: { 'x-request-id': 'bad id' } })
    t.match(invalid.json().id, GENERATED, `${url}: an invalid incoming id is replaced`)
  }
})

t.test('leaves the errors of a route added before the plugin to Fastify\'s default handler', async (t) => {
  const { app, logs } = await build(t, { before: early })
  const response = await app.inject('/early-error')
  t.equal(response.statusCode, 500)
  t.same(response.json(), { statusCode: 500, error: 'Internal Server Error', message: 'db password is hunter2' },
    'Fastify\'s shape, with the thrown message')
  const fastifyLines = logs.filter((line) => line.err !== undefined)
  t.equal(fastifyLines.length, 1, 'Fastify logs it once, under reqId')
  const id = fastifyLines[0].reqId as string
  t.match(id, GENERATED, 'with an id from the plugin')
  t.equal(response.headers['x-request-id'], id, 'echoed by the plugin\'s onSend hook')
  t.same(errorLines(logs, id), [], 'no line of the plugin')
})

t.test('writes reqId, not request_id, in the log lines of a route added before the plugin', async (t) => {
  const { app, logs } = await build(t, { before: early })
  const response = await app.inject('/early')
  const id = response.json().id as string
  t.same(linesOf(logs, id), [])
  t.same(logs.filter((line) => line.reqId === id).map((line) => line.msg), ['incoming request', 'early handler', 'request completed'])
})

t.test('writes request_id in the log lines of a route added before the plugin with serverOptions()', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), before: early })
  const response = await app.inject('/early')
  const id = response.json().id as string
  t.match(id, GENERATED)
  t.same(linesOf(logs, id).map((line) => line.msg), ['incoming request', 'early handler', 'request completed'])
  t.equal(logs.filter((line) => 'reqId' in line).length, 0)
  const failed = await app.inject('/early-error')
  t.same(failed.json(), { statusCode: 500, error: 'Internal Server Error', message: 'db password is hunter2' },
    'serverOptions() does not change the error handler of a route added before the plugin')
})

t.test('answers the errors of a route added after the plugin with the envelope', async (t) => {
  const { app } = await build(t, {
    before: early,
    routes (app) { app.get('/late-error', async () => { throw new Error('db password is hunter2') }) }
  })
  assertEnvelope(t, await app.inject('/late-error'), 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
})
