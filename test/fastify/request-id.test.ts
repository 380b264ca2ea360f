import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertEnvelope, build, contractErrors, linesOf } from '../helper.js'
import { GENERATED_ID, invalidRequestIds } from '../fixtures/request-ids.js'
import fp from 'fastify-plugin'
import { notFound } from '../../index.js'

// What only Fastify has: its own request lines, an answer sent from another
// plugin's onRequest hook, pino's reqId key, a child plugin's genReqId. The
// request id both adapters share is proven in
// test/conformance/request-id.test.ts.

const NOT_FOUND = { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' }

function widgets (app: import('fastify').FastifyInstance): void {
  app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found') })
  app.get('/ok', async (request) => {
    request.log.info('handling')
    return { id: request.id }
  })
}

function idOf (response: LightMyRequestResponse): string {
  return JSON.parse(response.body).error.request_id
}

t.test('writes the request id in Fastify\'s own request lines: a valid incoming one, or the one generated for an invalid one or with header: false', async (t) => {
  const { app, logs } = await build(t, { routes: widgets })
  const response = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'Client-42.a:b=c_d' } })
  t.equal(assertEnvelope(t, response, 404, NOT_FOUND).error.request_id, 'Client-42.a:b=c_d')
  const lines = linesOf(logs, 'Client-42.a:b=c_d')
  t.same(lines.map((line) => line.msg).sort(), ['Widget w_1 not found', 'incoming request', 'request completed'])
  t.equal(lines.length, logs.length, 'every line of the app is a line of this request')
  for (const [name, value] of invalidRequestIds) {
    const replaced = await app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': value } })
    const id = assertEnvelope(t, replaced, 404, NOT_FOUND).error.request_id
    t.match(id, GENERATED_ID, name)
    t.equal(linesOf(logs, id).length, 3, 'the log lines carry the generated id')
    t.equal(logs.filter((line) => line.request_id === value).length, 0, 'the rejected value is not an id in any line')
  }
  const quiet = await build(t, { plugin: { requestId: { header: false } }, routes: widgets })
  const unheaded = await quiet.app.inject({ url: '/widgets/w_1', headers: { 'x-request-id': 'client-1' } })
  const body = JSON.parse(unheaded.body)
  t.same(contractErrors(body), [])
  t.match(body.error.request_id, GENERATED_ID)
  t.same(body, { error: { ...NOT_FOUND, request_id: body.error.request_id } })
  t.equal(linesOf(quiet.logs, body.error.request_id).length, 3, 'with header: false too')
})

t.test('echoes the id on a 2xx that another plugin\'s onRequest hook sends before any handler runs', async (t) => {
  // A cache answering from onRequest, registered after the plugin and, in a
  // second app, before it: the route's handler never runs.
  const cache = fp(async function cache (instance) {
    instance.addHook('onRequest', function answerFromCache (request, reply, done) {
      if (request.url === '/cached') {
        reply.header('content-type', 'application/json; charset=utf-8').send('{"cached":true}')
        return
      }
      done()
    })
  })
  const handled: string[] = []
  function cachedRoute (app: import('fastify').FastifyInstance): void {
    app.get('/cached', async () => { handled.push('handler'); return { cached: false } })
  }
  const after = await build(t, { routes: async (app) => { await app.register(cache); cachedRoute(app) } })
  const before = await build(t, { before: async (app) => { await app.register(cache) }, routes: cachedRoute })
  for (const { app } of [after, before]) {
    const generated = await app.inject('/cached')
    t.equal(generated.statusCode, 200)
    t.equal(generated.body, '{"cached":true}')
    t.match(generated.headers['x-request-id'], GENERATED_ID)
    const incoming = await app.inject({ url: '/cached', headers: { 'x-request-id': 'client-7' } })
    t.equal(incoming.headers['x-request-id'], 'client-7')
  }
  t.same(handled, [], 'the cache answered every request')
})

t.test('writes the same id under request_id, never reqId, in every log line of the request', async (t) => {
  const { app, logs } = await build(t, { routes: widgets })
  const ok = await app.inject('/ok')
  const failed = await app.inject('/widgets/w_1')
  const missing = await app.inject({ method: 'DELETE', url: '/ok' })
  const requestLines = logs.filter((line) => line.req !== undefined || line.res !== undefined || line.msg === 'handling')
  t.ok(requestLines.length >= 7)
  for (const line of logs) t.notOk('reqId' in line, 'no reqId key')
  for (const response of [ok, failed, missing]) {
    const id = response.headers['x-request-id'] as string
    t.match(id, GENERATED_ID)
    const lines = linesOf(logs, id)
    t.ok(lines.some((line) => line.msg === 'incoming request'))
    t.ok(lines.some((line) => line.msg === 'request completed'))
  }
  t.same(linesOf(logs, ok.headers['x-request-id'] as string).map((line) => line.msg), ['incoming request', 'handling', 'request completed'])
  t.equal(idOf(failed), failed.headers['x-request-id'])
  t.equal(idOf(missing), missing.headers['x-request-id'])
  t.equal(requestLines.filter((line) => typeof line.request_id !== 'string').length, 0)
})

t.test('answers with a generated id when a child plugin\'s own generator breaks the pattern', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setGenReqId(() => 'not a valid id')
        child.get('/child', async () => { throw notFound('Widget w_1 not found') })
      })
    }
  })
  const response = await app.inject('/child')
  const body = assertEnvelope(t, response, 404, NOT_FOUND)
  t.match(body.error.request_id, GENERATED_ID, 'the envelope and its header carry a valid id')
  t.ok(logs.some((line) => line.request_id === 'not a valid id'), 'the logs carry the request\'s own id')
})
