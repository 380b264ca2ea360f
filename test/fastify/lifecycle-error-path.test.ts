import t from 'tap'
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { assertEnvelope, build, contractErrors, errorLines } from '../helper.js'
import { listen, rawRequest } from '../fixtures/raw-http.js'
import { conflict, notFound } from '../../index.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const CONFLICT = { code: 'conflict', message: 'Widget w_1 already exists', type: 'invalid_request_error' }

t.test('lets a child plugin\'s own error handler answer for its routes', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setErrorHandler(async (error, _request, reply) => reply.code(418).send({ teapot: error.message }))
        child.get('/child', async () => { throw new Error('brewing') })
      })
      app.get('/parent', async () => { throw conflict('Widget w_1 already exists') })
    }
  })
  const child = await app.inject('/child')
  t.equal(child.statusCode, 418)
  t.same(child.json(), { teapot: 'brewing' })
  t.same(errorLines(logs, child.headers['x-request-id'] as string), [], 'the plugin writes no line for it')
  assertEnvelope(t, await app.inject('/parent'), 409, CONFLICT)
})

t.test('lets a child\'s error handler hand an error to the envelope by re-throwing it', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setErrorHandler(async (error, _request, reply) => {
          if (error.message === 'mine') return reply.code(418).send({ teapot: true })
          throw error
        })
        child.get('/mine', async () => { throw new Error('mine') })
        child.get('/theirs', async () => { throw conflict('Widget w_1 already exists') })
        child.get('/crash', async () => { throw new Error('db down') })
      })
    }
  })
  t.equal((await app.inject('/mine')).statusCode, 418)
  const theirs = assertEnvelope(t, await app.inject('/theirs'), 409, CONFLICT)
  t.equal(errorLines(logs, theirs.error.request_id).length, 1)
  const crash = assertEnvelope(t, await app.inject('/crash'), 500, MASKED)
  t.equal(errorLines(logs, crash.error.request_id).length, 1)
})

t.test('answers an error re-thrown by a route error handler that a later onRoute hook set', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.addHook('onRoute', (route) => {
        route.errorHandler = function rethrow (error) { throw error }
      })
      app.get('/theirs', async () => { throw conflict('Widget w_1 already exists') })
    }
  })
  const body = assertEnvelope(t, await app.inject('/theirs'), 409, CONFLICT)
  t.equal(errorLines(logs, body.error.request_id).length, 1)
})

t.test('lets a child\'s error handler hand an error to the envelope with reply.send(error)', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setErrorHandler(function passOn (error, _request, reply) { reply.send(error) })
        child.get('/theirs', async () => { throw conflict('Widget w_1 already exists') })
      })
    }
  })
  const body = assertEnvelope(t, await app.inject('/theirs'), 409, CONFLICT)
  t.equal(errorLines(logs, body.error.request_id).length, 1)
})

t.test('answers an onSend hook that throws on every response with a masked 500, logged once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.addHook('onSend', async () => { throw new Error('onSend always breaks') })
        child.get('/ok', async () => ({ id: 'w_1' }))
        child.get('/missing', async () => { throw notFound('Widget w_1 not found') })
      })
    }
  })
  for (const url of ['/ok', '/missing']) {
    const body = assertEnvelope(t, await app.inject(url), 500, MASKED)
    const lines = errorLines(logs, body.error.request_id)
    t.same(lines.map((line) => [line.level, line.statusCode, line.code]), [[50, 500, 'internal_error']], `${url}: one line`)
  }
})

t.test('answers a reply serializer that throws with a masked 500, logged once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.setReplySerializer(() => { throw new Error('serializer broke') })
        child.get('/ok', async () => ({ id: 'w_1' }))
        child.get('/missing', async () => { throw notFound('Widget w_1 not found') })
      })
    }
  })
  const body = assertEnvelope(t, await app.inject('/ok'), 500, MASKED)
  const lines = errorLines(logs, body.error.request_id)
  t.same(lines.map((line) => [line.level, line.statusCode]), [[50, 500]])
  t.match(lines[0].err.stack, /serializer broke/, 'the serializer\'s error is in the line')
  const missing = assertEnvelope(t, await app.inject('/missing'), 404,
    { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' })
  t.equal(errorLines(logs, missing.error.request_id).length, 1, 'an envelope needs no serializer')
})

t.test('cuts the connection when a stream fails after its headers were sent, never writing an envelope into the body', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/stream', async (_request, reply) => {
        let sent = false
        const body = new Readable({
          read () {
            if (!sent) {
              sent = true
              this.push('first chunk;')
              return
            }
            setTimeout(() => this.destroy(new Error('disk read failed')), 20)
          }
        })
        return reply.type('text/plain').send(body)
      })
    }
  })
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n', 1000)
  t.equal(response.status, 200)
  t.ok(response.closed, 'the server closed the connection')
  t.match(response.body, /first chunk;/)
  t.notMatch(response.body, /"error"/, 'no envelope in the body')
  t.notMatch(response.body, /\r\n0\r\n\r\n$/, 'the chunked body is not terminated')
  const id = response.headers['x-request-id']
  t.same(errorLines(logs, id), [], 'the error handler never runs: the stream failed after the headers')
  const lines = logs.filter((line) => line.request_id === id && line.err !== undefined)
  t.same(lines.map((line) => [line.level, line.msg, line.err.message]),
    [[40, 'response terminated with an error with headers already sent', 'disk read failed']], 'Fastify logs it once')
})

t.test('cuts the connection when an error reaches the handler after the headers were sent, logging it once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/raw', async (_request, reply) => {
        reply.raw.writeHead(200, { 'content-type': 'text/plain' })
        reply.raw.write('first chunk;')
        await new Promise((resolve) => setTimeout(resolve, 20))
        throw new Error('upstream went away')
      })
    }
  })
  const port = await listen(app)
  const response = await rawRequest(port, 'GET /raw HTTP/1.1\r\nHost: x\r\n\r\n', 1000)
  t.equal(response.status, 200)
  t.ok(response.closed)
  t.match(response.body, /first chunk;/)
  t.notMatch(response.body, /"error"/)
  // The line is written when the server side of the response closes, which
  // may come a moment after the client saw the connection end.
  for (let waited = 0; waited < 1000 && !logs.some((line) => line.code !== undefined); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const lines = logs.filter((line) => line.code !== undefined)
  t.same(lines.map((line) => [line.level, line.statusCode, line.code, line.msg]), [[50, 500, 'internal_error', 'upstream went away']])
})

t.test('logs the error of a request whose client left before the answer, once', async (t) => {
  let thrown!: () => void
  const done = new Promise<void>((resolve) => { thrown = resolve })
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/slow', async (request) => {
        await new Promise((resolve) => request.raw.socket.once('close', resolve))
        setImmediate(thrown)
        throw conflict('Widget w_1 already exists')
      })
    }
  })
  const port = await listen(app)
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    setTimeout(() => socket.destroy(), 50)
  })
  await done
  await new Promise((resolve) => setTimeout(resolve, 20))
  const lines = logs.filter((line) => line.code === 'conflict')
  t.same(lines.map((line) => [line.level, line.statusCode]), [[30, 409]])
})

t.test('logs a failing error answer whose client left meanwhile, without answering', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.addHook('onSend', async (request, reply) => {
          if (reply.statusCode < 400) return
          await new Promise((resolve) => request.raw.socket.once('close', resolve))
          throw new Error('onSend rejects errors')
        })
        child.get('/fail', async () => { throw conflict('Widget w_1 already exists') })
      })
    }
  })
  const port = await listen(app)
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET /fail HTTP/1.1\r\nHost: x\r\n\r\n')
    setTimeout(() => socket.destroy(), 50)
  })
  await new Promise((resolve) => setTimeout(resolve, 150))
  const lines = logs.filter((line) => line.code !== undefined)
  t.same(lines.map((line) => [line.level, line.statusCode, line.msg]), [
    [30, 409, 'Widget w_1 already exists'],
    [50, 500, 'onSend rejects errors']
  ], 'the error, then the failure of its answer')
})

t.test('still answers when the logger\'s err serializer throws', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/fail', { logSerializers: { err () { throw new Error('serializer broke') } } }, async () => {
        throw conflict('Widget w_1 already exists')
      })
    }
  })
  assertEnvelope(t, await app.inject('/fail'), 409, CONFLICT)
  t.equal(logs.filter((line) => line.code !== undefined).length, 0, 'the line could not be written')
})

t.test('answers a fixed 500 envelope when setting the answer on the reply throws', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/fail', {
        onRequest (_request, reply, done) {
          reply.headers = () => { throw new Error('headers broke') }
          done()
        }
      }, async () => { throw conflict('Widget w_1 already exists', { headers: { 'retry-after': '1' } }) })
    }
  })
  const response = await app.inject('/fail')
  const body = assertEnvelope(t, response, 500, MASKED)
  t.same(errorLines(logs, body.error.request_id).map((line) => [line.level, line.msg]), [[50, 'headers broke']])
})

t.test('answers with the last-resort envelope when the envelope itself cannot be sent', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.register(async function child (child) {
        child.addHook('onSend', async (_request, reply) => {
          if (reply.statusCode >= 400) throw new Error('onSend rejects errors')
        })
        child.get('/missing', async () => { throw notFound('Widget w_1 not found') })
      })
    }
  })
  const response = await app.inject({ url: '/missing', headers: { 'x-request-id': 'client-9' } })
  const body = assertEnvelope(t, response, 500, MASKED)
  t.equal(body.error.request_id, 'client-9')
  t.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)))
  t.same(contractErrors(body), [])
  t.same(errorLines(logs, 'client-9').map((line) => line.level), [50])
})
