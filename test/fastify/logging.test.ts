import t from 'tap'
import createError from 'http-errors'
import Fastify from 'fastify'
import { assertEnvelope, build, errorLines, linesOf } from '../helper.js'
import errorEnvelope, { badRequest, conflict, internalError } from '../../index.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const STACK_FRAME = /\n\s+at /

function failing (app: import('fastify').FastifyInstance): void {
  app.get('/server', async () => { throw new Error('db down', { cause: new Error('socket hang up') }) })
  app.get('/client', async () => { throw conflict('Widget w_1 already exists') })
  app.get('/helper-5xx', async () => { throw internalError('Try again later') })
}

t.test('writes exactly one error line per error response', async (t) => {
  const { app, logs } = await build(t, { routes: failing })
  for (const url of ['/server', '/client', '/helper-5xx', '/nowhere']) {
    const response = await app.inject(url)
    const id = response.headers['x-request-id'] as string
    t.equal(errorLines(logs, id).length, 1, `one error line for ${url}`)
    t.equal(linesOf(logs, id).length, 3, `incoming, error and completed lines for ${url}`)
  }
  const ok = await app.inject({ method: 'OPTIONS', url: '/server' })
  t.equal(ok.statusCode, 204)
  t.equal(errorLines(logs, ok.headers['x-request-id'] as string).length, 0, 'an OPTIONS 204 logs no error')
})

t.test('logs a 5xx at level 50 with the stack and the cause', async (t) => {
  const { app, logs } = await build(t, { routes: failing })
  const response = await app.inject('/server')
  const body = assertEnvelope(t, response, 500, MASKED)
  const [line] = errorLines(logs, body.error.request_id)
  t.equal(line.level, 50)
  t.equal(line.statusCode, 500)
  t.equal(line.code, 'internal_error')
  t.equal(line.msg, 'db down')
  t.equal(line.err.type, 'Error')
  t.match(line.err.message, /^db down/)
  t.match(line.err.stack, /^Error: db down\n\s+at /)
  t.match(line.err.stack, /caused by: Error: socket hang up\n\s+at /, 'the cause and its stack')
})

t.test('logs a 4xx at level 30 without a stack', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      failing(app)
      app.get('/caused', async () => { throw badRequest('Bad widget', { cause: new Error('parse failed') }) })
    }
  })
  for (const url of ['/client', '/caused']) {
    const response = await app.inject(url)
    const [line] = errorLines(logs, response.headers['x-request-id'] as string)
    t.equal(line.level, 30)
    t.notMatch(JSON.stringify(line), STACK_FRAME, `no stack frame in the line of ${url}`)
  }
  const [line] = errorLines(logs, (await app.inject('/client')).headers['x-request-id'] as string)
  t.equal(line.statusCode, 409)
  t.equal(line.code, 'conflict')
  t.equal(line.msg, 'Widget w_1 already exists')
})

t.test('logs a 5xx helper at level 50 with its message', async (t) => {
  const { app, logs } = await build(t, { routes: failing })
  const response = await app.inject('/helper-5xx')
  const body = assertEnvelope(t, response, 500, { code: 'internal_error', message: 'Try again later', type: 'api_error' })
  const [line] = errorLines(logs, body.error.request_id)
  t.equal(line.level, 50)
  t.equal(line.msg, 'Try again later')
})

t.test('logs 404, 405 and 501 answers with their message and no err, at the client-error level', async (t) => {
  const { app, logs } = await build(t, { routes: failing })
  const expected: Array<[string, string, number, number, string]> = [
    ['GET', '/nowhere', 404, 30, 'No route for GET /nowhere'],
    ['DELETE', '/client', 405, 30, 'Method DELETE is not allowed for /client'],
    ['PROPFIND', '/client', 501, 30, 'Method PROPFIND is not implemented']
  ]
  for (const [method, url, status, level, msg] of expected) {
    const response = await app.inject({ method: method as 'GET', url })
    const lines = errorLines(logs, response.headers['x-request-id'] as string)
    t.same(lines.map((line) => [line.statusCode, line.level, line.msg, line.err]), [[status, level, msg, undefined]])
  }
})

t.test('logs at the levels given by logLevels', async (t) => {
  const { app, logs } = await build(t, { plugin: { logLevels: { clientError: 'warn', serverError: 'fatal' } }, routes: failing })
  const client = await app.inject('/client')
  const server = await app.inject('/server')
  t.equal(errorLines(logs, client.headers['x-request-id'] as string)[0].level, 40)
  t.equal(errorLines(logs, server.headers['x-request-id'] as string)[0].level, 60)
})

t.test('drops error lines below the logger level', async (t) => {
  const { app, logs } = await build(t, { level: 'warn', routes: failing })
  await app.inject('/client')
  const server = await app.inject('/server')
  t.same(logs.map((line) => [line.level, line.request_id]), [[50, server.headers['x-request-id']]])
})

t.test('never writes authorization, cookie or set-cookie values to any log line', async (t) => {
  const secrets = ['Bearer sk_live_SECRET1', 'session=SECRET2', 'sid=SECRET3; HttpOnly']
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/cookie-error', async () => {
        throw createError(500, 'session store down', { headers: { 'set-cookie': secrets[2] } })
      })
      app.get('/cookie-4xx', async () => {
        throw createError(401, 'who are you', { headers: { 'set-cookie': secrets[2], 'www-authenticate': 'Bearer' } })
      })
    }
  })
  const headers = { authorization: secrets[0], cookie: secrets[1] }
  const server = await app.inject({ url: '/cookie-error', headers })
  assertEnvelope(t, server, 500, MASKED)
  t.equal(server.headers['set-cookie'], undefined, 'an error never sets a cookie')
  const client = await app.inject({ url: '/cookie-4xx', headers })
  assertEnvelope(t, client, 401, { code: 'unauthorized', message: 'who are you', type: 'authentication_error' })
  t.equal(client.headers['set-cookie'], undefined)
  await app.inject({ url: '/nowhere', headers })
  t.equal(errorLines(logs, server.headers['x-request-id'] as string).length, 1)
  t.equal(errorLines(logs, client.headers['x-request-id'] as string).length, 1)
  const text = JSON.stringify(logs)
  for (const secret of ['SECRET1', 'SECRET2', 'SECRET3']) t.notOk(text.includes(secret), `${secret} is not logged`)
})

t.test('keeps working with logger: false, installing no child logger factory', async (t) => {
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  const defaultFactory = app.childLoggerFactory
  await app.register(errorEnvelope)
  app.get('/client', async () => { throw conflict('Widget w_1 already exists') })
  app.get('/server', async () => { throw new Error('db down') })
  await app.ready()
  t.equal(app.childLoggerFactory, defaultFactory, 'the default factory is kept')
  assertEnvelope(t, await app.inject('/client'), 409, { code: 'conflict', message: 'Widget w_1 already exists', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/server'), 500, MASKED)
  assertEnvelope(t, await app.inject('/nowhere'), 404, { code: 'not_found', message: 'No route for GET /nowhere', type: 'invalid_request_error' })
})

t.test('writes the error line through a logger instance that has no isLevelEnabled, and skips pino levels turned off', async (t) => {
  const written: Array<{ level: string, object: Record<string, unknown>, message: string }> = []
  function makeLogger (): Record<string, unknown> {
    const logger: Record<string, unknown> = { child: () => logger }
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) {
      logger[level] = function write (object: Record<string, unknown>, message: string) { written.push({ level, object, message }) }
    }
    return logger
  }
  const app = Fastify({ loggerInstance: makeLogger() as never, disableRequestLogging: true })
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  app.get('/client', async () => { throw conflict('Widget w_1 already exists') })
  await app.ready()
  await app.inject('/client')
  t.same(written.map((line) => [line.level, line.object.code, line.message]), [['info', 'conflict', 'Widget w_1 already exists']])

  const { app: quiet, logs } = await build(t, { level: 'warn', routes (app) { app.get('/client', async () => { throw conflict('Widget w_1 already exists') }) } })
  const response = await quiet.inject('/client')
  t.equal(response.statusCode, 409)
  t.same(errorLines(logs, response.headers['x-request-id'] as string), [], 'a 4xx at info is not described when the level is off')
})
