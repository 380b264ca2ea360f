import t from 'tap'
import type { Test } from 'tap'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { assertEnvelope, build, errorLines, linesOf, type LogLine } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { assertRawEnvelope, sleep, writeThenAbort } from '../../fixtures/adversarial.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const TIMED_OUT = { code: 'service_unavailable', message: 'The request took too long to handle', type: 'api_error' }

// A value whose every read throws: the worst thing a dependency can throw.
function hostile (): unknown {
  const fail = (): never => { throw new Error('trap') }
  return new Proxy(new Error('db password hunter2'), { get: fail, getPrototypeOf: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail })
}

/** Collects the process's unhandled rejections while a test runs. */
function watchUnhandled (t: Test): unknown[] {
  const seen: unknown[] = []
  const listener = (reason: unknown): void => { seen.push(reason) }
  process.on('unhandledRejection', listener)
  t.teardown(() => { process.off('unhandledRejection', listener) })
  return seen
}

async function servesNormally (t: Test, app: FastifyInstance): Promise<void> {
  const response = await app.inject('/ok')
  t.equal(response.statusCode, 200, 'a normal request still succeeds')
}

function okRoute (app: FastifyInstance): void {
  app.get('/ok', async () => ({ ok: true }))
}

const THROWING_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend'] as const
for (const hook of THROWING_HOOKS) {
  t.test(`answers ${/^o/.test(hook) ? 'an' : 'a'} ${hook} hook that throws a value whose every read throws with a masked 500, logged once`, async (t) => {
    const { app, logs } = await build(t, {
      routes (app) {
        okRoute(app)
        let thrown = false
        app.post('/hook', {
          [hook]: async function throwingHook () {
            if (thrown) return
            thrown = true
            throw hostile()
          }
        }, async () => ({ ok: true }))
      }
    })
    const body = assertEnvelope(t, await app.inject({ method: 'POST', url: '/hook', payload: { a: 1 } }), 500, MASKED)
    t.equal(errorLines(logs, body.error.request_id).length, 1, 'one line')
    await servesNormally(t, app)
  })
}

t.test('keeps the masked 500 of a failing handler when an onError hook throws too, logged once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/broken', { onError: async () => { throw new Error('onError broke') } }, async () => { throw new Error('handler broke') })
    }
  })
  const body = assertEnvelope(t, await app.inject('/broken'), 500, MASKED)
  t.same(errorLines(logs, body.error.request_id).map((line) => line.err.message), ['handler broke'])
  await servesNormally(t, app)
})

t.test('leaves a sent 200 intact when an onResponse hook throws, and keeps serving', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/done', { onResponse: async () => { throw new Error('onResponse broke') } }, async () => ({ id: 'w_1' }))
    }
  })
  const response = await app.inject('/done')
  t.equal(response.statusCode, 200)
  t.same(response.json(), { id: 'w_1' })
  t.same(errorLines(logs, response.headers['x-request-id'] as string), [], 'no error answer was logged')
  await servesNormally(t, app)
})

t.test('answers every kind of serializer that throws with a masked 500, logged once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/reply-serializer', async (_request, reply) => {
        reply.serializer(() => { throw new Error('reply serializer broke') })
        return { a: 1 }
      })
      app.get('/compiler', {
        serializerCompiler: () => () => { throw new Error('compiled serializer broke') },
        schema: { response: { 200: { type: 'object' } } }
      }, async () => ({ a: 1 }))
      app.get('/schema', {
        schema: { response: { 200: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } }
      }, async () => ({ name: 'no id' }))
      app.register(async function child (child) {
        child.setReplySerializer(() => { throw new Error('instance serializer broke') })
        child.get('/instance-serializer', async () => ({ a: 1 }))
      })
      app.get('/bigint', async () => ({ n: 10n }))
      app.get('/circular', async () => {
        const value: Record<string, unknown> = {}
        value.self = value
        return value
      })
      app.get('/tojson', async () => ({ toJSON () { throw new Error('toJSON broke') } }))
    }
  })
  for (const url of ['/reply-serializer', '/compiler', '/schema', '/instance-serializer', '/bigint', '/circular', '/tojson']) {
    t.test(url, async (t) => {
      const body = assertEnvelope(t, await app.inject(url), 500, MASKED)
      t.equal(errorLines(logs, body.error.request_id).length, 1, 'one line')
    })
  }
  await servesNormally(t, app)
})

function streamRoutes (app: FastifyInstance): void {
  okRoute(app)
  app.get('/fails-at-once', async (_request, reply) => {
    const stream = new Readable({ read () { this.destroy(new Error('disk gone')) } })
    return reply.type('text/plain').send(stream)
  })
  app.get('/fails-midway', async (_request, reply) => {
    let reads = 0
    const stream = new Readable({
      read () {
        if (reads++ === 0) this.push('partial ')
        else setTimeout(() => this.destroy(new Error('disk gone')), 10)
      }
    })
    return reply.type('text/plain').send(stream)
  })
}

t.test('answers a stream that fails before its first byte with a masked 500, logged once', async (t) => {
  const { app, logs } = await build(t, { routes: streamRoutes })
  const body = assertEnvelope(t, await app.inject('/fails-at-once'), 500, MASKED)
  t.equal(errorLines(logs, body.error.request_id).length, 1)
  const port = await listen(app)
  assertRawEnvelope(t, await rawRequest(port, 'GET /fails-at-once HTTP/1.1\r\nHost: x\r\n\r\n'), 500, MASKED)
})

t.test('cuts the connection of a stream that fails after its first byte, without a final chunk, with one warning line', async (t) => {
  const { app, logs } = await build(t, { routes: streamRoutes })
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /fails-midway HTTP/1.1\r\nHost: x\r\n\r\n', 2000)
  t.equal(response.status, 200, 'the headers went out first')
  t.equal(response.headers['transfer-encoding'], 'chunked')
  t.equal(response.body, '8\r\npartial \r\n', 'the body stops after the first chunk')
  t.notOk(response.body.endsWith('0\r\n\r\n'), 'no terminating chunk: the client can tell the body is truncated')
  t.ok(response.closed, 'the connection is closed')
  await sleep(50)
  // Fastify handles this failure itself (reply.js sendStream), before any
  // error handler: it destroys the response and writes one warning.
  const id = response.headers['x-request-id']
  t.same(errorLines(logs, id), [], 'no error answer was attempted')
  const warnings = linesOf(logs, id).filter((line) => line.level >= 40)
  t.equal(warnings.length, 1, 'one line at warning level or above')
  t.match(warnings, [
    { level: 40, msg: 'response terminated with an error with headers already sent', err: { message: 'disk gone' } }
  ], 'one warning with the error')
  await servesNormally(t, app)
})

t.test('keeps the sent 200 when an async handler throws after reply.send(), and writes no error answer', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/sent', async (_request, reply) => {
        reply.send({ id: 'w_1' })
        throw new Error('after send')
      })
    }
  })
  const response = await app.inject('/sent')
  t.equal(response.statusCode, 200)
  t.same(response.json(), { id: 'w_1' })
  const id = response.headers['x-request-id'] as string
  t.same(errorLines(logs, id), [], 'no error answer line')
  const failures = linesOf(logs, id).filter((line) => line.level >= 50)
  t.equal(failures.length, 1, 'one line at error level')
  t.match(failures, [{ msg: 'Promise errored, but reply.sent = true was set', err: { message: 'after send' } }])
  await servesNormally(t, app)
})

t.test('keeps the sent 200 when a sync handler throws after reply.send(), with one warning', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/sent', (_request, reply) => {
        reply.send({ id: 'w_1' })
        throw new Error('after send')
      })
    }
  })
  const response = await app.inject('/sent')
  t.equal(response.statusCode, 200)
  t.same(response.json(), { id: 'w_1' })
  const id = response.headers['x-request-id'] as string
  t.same(errorLines(logs, id), [], 'no error answer line')
  t.equal(linesOf(logs, id).filter((line) => line.level >= 40).length, 1, 'one warning')
  await servesNormally(t, app)
})

t.test('answers rejections and throws with no value with a masked 500, logged once each', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/reject', () => Promise.reject()) // eslint-disable-line prefer-promise-reject-errors
      app.get('/reject-null', () => Promise.reject(null)) // eslint-disable-line prefer-promise-reject-errors
      app.get('/throw-undefined', async () => { throw undefined }) // eslint-disable-line no-throw-literal
      app.get('/throw-null', async () => { throw null }) // eslint-disable-line no-throw-literal
      app.get('/hook-reject', { preHandler: () => Promise.reject() }, async () => ({ ok: true })) // eslint-disable-line prefer-promise-reject-errors
      app.get('/hook-throw-undefined', { onRequest: async () => { throw undefined } }, async () => ({ ok: true })) // eslint-disable-line no-throw-literal
    }
  })
  for (const url of ['/reject', '/reject-null', '/throw-undefined', '/throw-null', '/hook-reject', '/hook-throw-undefined']) {
    t.test(url, async (t) => {
      const body = assertEnvelope(t, await app.inject(url), 500, MASKED)
      t.equal(errorLines(logs, body.error.request_id).length, 1, 'one line')
    })
  }
  await servesNormally(t, app)
})

function slowRoutes (app: FastifyInstance): void {
  okRoute(app)
  // Honours request.signal, as Fastify asks of handlers under handlerTimeout.
  const slow = async (request: { signal: AbortSignal }) => {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 5000)
      request.signal.addEventListener('abort', () => { clearTimeout(timer); reject(request.signal.reason) })
    })
    return { ok: true }
  }
  app.get('/slow', slow)
  app.get('/slow-route', { handlerTimeout: 30 }, slow)
}

function timeoutLines (logs: LogLine[], id: string): unknown[] {
  return errorLines(logs, id).map((line) => [line.level, line.statusCode, line.code])
}

t.test('answers a handler over the server handlerTimeout with a 503 envelope, logged once at level 50', async (t) => {
  const { app, logs } = await build(t, { server: { handlerTimeout: 30 }, routes: slowRoutes })
  const body = assertEnvelope(t, await app.inject('/slow'), 503, TIMED_OUT)
  await sleep(20)
  t.same(timeoutLines(logs, body.error.request_id), [[50, 503, 'service_unavailable']])
  t.same(linesOf(logs, body.error.request_id).filter((line) => line.level === 40), [], 'no warning after the answer')
  await servesNormally(t, app)
})

t.test('answers a handler over its route handlerTimeout with a 503 envelope, logged once', async (t) => {
  const { app, logs } = await build(t, { routes: slowRoutes })
  const body = assertEnvelope(t, await app.inject('/slow-route'), 503, TIMED_OUT)
  t.same(timeoutLines(logs, body.error.request_id), [[50, 503, 'service_unavailable']])
})

t.test('survives a client that aborts mid-upload, with no unhandled rejection, and keeps serving', async (t) => {
  const unhandled = watchUnhandled(t)
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.post('/upload', async (request) => ({ size: JSON.stringify(request.body).length }))
    }
  })
  const port = await listen(app)
  const result = await writeThenAbort(port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"xxxx', 50)
  t.equal(result.raw, '', 'nothing was answered to a client that left')
  await sleep(100)
  t.same(unhandled, [], 'no unhandled rejection')
  t.same(logs.filter((line) => line.level >= 50), [], 'no error line: the client left, the server did not fail')
  const after = await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
  t.equal(after.status, 200, 'a normal request on a new connection succeeds')
})

t.test('survives a client that aborts mid-handler, whether the handler then returns or throws', async (t) => {
  const unhandled = watchUnhandled(t)
  const finished: string[] = []
  const { app, logs } = await build(t, {
    routes (app) {
      okRoute(app)
      app.get('/returns', async () => {
        await sleep(150)
        finished.push('returns')
        return { ok: true }
      })
      app.get('/throws', async () => {
        await sleep(150)
        finished.push('throws')
        throw new Error('failed after the client left')
      })
    }
  })
  const port = await listen(app)
  for (const url of ['/returns', '/throws']) {
    const result = await writeThenAbort(port, `GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`, 30)
    t.equal(result.raw, '', `${url}: nothing reached the client`)
  }
  await sleep(300)
  t.same(finished.sort(), ['returns', 'throws'], 'both handlers ran to their end')
  t.same(unhandled, [], 'no unhandled rejection')
  t.ok(logs.filter((line) => line.err?.message === 'failed after the client left').length <= 1, 'the late failure is logged at most once')
  const after = await rawRequest(port, 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
  t.equal(after.status, 200, 'a normal request on a new connection succeeds')
})
