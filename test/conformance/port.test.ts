import bodyParser from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { readdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { koaEnvelope } from '../port/koa/koa-envelope.js'

// The Koa port of test/port/koa/ is what CONTRIBUTING.md's "Writing an
// adapter" promises: a third adapter in six files, on the core's answer
// path alone. The conformance files run it beside Fastify and Express
// (errors, 404/405/501, request ids, log lines, telemetry, the formats);
// this file holds it to its size and its imports, and to what only it does.

const portDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'port', 'koa')

// Every module a file names: static imports and re-exports, side-effect
// imports, dynamic imports and require().
function importsOf (file: string): string[] {
  const source = readFileSync(join(portDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g
  ]
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]))
}

t.test('the Koa port is six files, importing only the core, Koa, its router and Node\'s own modules', async (t) => {
  const files = readdirSync(portDir).sort()
  t.same(files, ['error-handler.ts', 'koa-envelope.ts', 'koa-errors.ts', 'not-found.ts', 'options.ts', 'request-id.ts'])
  for (const file of files) {
    const imports = importsOf(file)
    t.ok(imports.length > 0, `${file}: its imports are read`)
    for (const specifier of imports) {
      const allowed = specifier.startsWith('../../../lib/core/') || specifier.startsWith('./') || ['koa', '@koa/router'].includes(specifier) || specifier.startsWith('node:')
      t.ok(allowed, `${file} imports ${specifier}`)
    }
  }
})

t.test('the Koa port checks its options with the core\'s coded errors', async (t) => {
  t.throws(() => koaEnvelope({ loger: false } as never), { name: 'TypeError', code: 'ERR_ENVELOPE_UNKNOWN_OPTION' })
  t.throws(() => koaEnvelope({ logger: {} as never }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_OPTION' })
  t.throws(() => koaEnvelope({ format: 'xml' as never }), { name: 'TypeError', code: 'ERR_ENVELOPE_INVALID_OPTION' })
})

// A Koa app with the port mounted around `routes`, listening; its base URL.
async function startKoa (t: Test, routes: (router: Router) => void, beforeRouter: Koa.Middleware[] = []): Promise<string> {
  const app = new Koa()
  const router = new Router()
  const envelope = koaEnvelope()
  app.use(envelope.beforeRoutes())
  for (const middleware of beforeRouter) app.use(middleware)
  routes(router)
  app.use(router.routes())
  app.use(envelope.afterRoutes(router))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve() }) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('the Koa port answers a route that called next() with the 404 of no route, what Koa throws with its status, and a status set before a throw', async (t) => {
  const base = await startKoa(t, (router) => {
    router.get('/passes', async (_ctx, next) => { await next() })
    router.get('/thrown', (ctx) => { ctx.throw(402, 'Top up your account') })
    router.get('/thrown-5xx', (ctx) => { ctx.throw(503, 'pool exhausted at db-primary') })
    // A status set before the throw, as on Express and Fastify; Koa's preset 404 is not one.
    router.get('/preset', (ctx) => { ctx.status = 400; throw new Error('Title too long') })
    router.get('/plain', () => { throw new Error('db down') })
  })
  const expected: Record<string, [number, object]> = {
    '/passes': [404, { code: 'not_found', message: 'No route for GET /passes', type: 'invalid_request_error' }],
    '/preset': [400, { code: 'bad_request', message: 'Title too long', type: 'invalid_request_error' }],
    '/thrown': [402, { code: 'payment_required', message: 'Top up your account', type: 'invalid_request_error' }],
    '/thrown-5xx': [503, { code: 'service_unavailable', message: 'Service unavailable', type: 'api_error' }],
    '/plain': [500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }]
  }
  for (const [path, [status, error]] of Object.entries(expected)) {
    const response = await fetch(base + path)
    const body = await response.json()
    t.equal(response.status, status, `${path}: status`)
    t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', `${path}: content type`)
    t.same(contractErrors(body), [], `${path}: the contract`)
    t.same(body, { error: { ...error, request_id: response.headers.get('x-request-id') } }, `${path}: whole envelope`)
  }
})

t.test('the Koa port answers a Content-Encoding it cannot undo with the fixed 415, as Express does', async (t) => {
  const base = await startKoa(t, (router) => {
    router.post('/json', (ctx) => { ctx.body = { ok: true } })
  }, [bodyParser({ enableTypes: ['json'] })])
  const response = await fetch(base + '/json', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br-unknown' }, body: '{}' })
  const body = await response.json()
  t.equal(response.status, 415)
  t.same(contractErrors(body), [])
  t.same(body, { error: { code: 'unsupported_media_type', message: 'Unsupported Content-Encoding', type: 'invalid_request_error', request_id: response.headers.get('x-request-id') } })
  // The same body on a path no route serves: the path is wrong whatever the body held.
  const unrouted = await fetch(base + '/nowhere', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br-unknown' }, body: '{}' })
  const unroutedBody = await unrouted.json()
  t.equal(unrouted.status, 404)
  t.same(contractErrors(unroutedBody), [])
  t.same(unroutedBody, { error: { code: 'not_found', message: 'No route for POST /nowhere', type: 'invalid_request_error', request_id: unrouted.headers.get('x-request-id') } })
})
