import express from 'express'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { pinoHttp } from 'pino-http'
import t, { type Test } from 'tap'
import { contractErrors, type LogLine } from '../helper.js'
import errorEnvelope, { badRequest, conflict, serverOptions } from '../../index.js'
import { errorEnvelope as expressEnvelope } from '../../express.js'
import { capture } from './adapters.js'

// The lines a person reads: the error line of a request comes before the
// framework's "request completed" line, a client error's line says what the
// client was sent (with its details) and carries no stack, a server error's
// line carries the real message and the stack.

const bodySchema = {
  type: 'object',
  required: ['name', 'email'],
  properties: { name: { type: 'string' }, email: { type: 'string' } }
}

class DatabaseError extends Error {
  code = '23505'
}

async function startFastify (t: Test): Promise<{ base: string, logs: LogLine[] }> {
  const { logs, stream } = capture()
  const app = Fastify({ logger: { level: 'info', stream }, ...serverOptions() })
  await app.register(errorEnvelope, { mapError: (thrown) => thrown instanceof DatabaseError ? conflict('Email already registered', { param: 'email' }) : thrown })
  app.get('/client', async () => { throw badRequest('Query is too short', { param: 'q' }) })
  app.get('/mapped', async () => { throw new DatabaseError('duplicate key value violates unique constraint "users_email_key"') })
  app.get('/server', async () => { throw new Error('db down') })
  app.post('/users', { schema: { body: bodySchema } }, async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, logs }
}

async function startExpress (t: Test): Promise<{ base: string, logs: LogLine[] }> {
  const { logs, stream } = capture()
  const logger = pino({ level: 'info' }, stream)
  const envelope = expressEnvelope({ logger, mapError: (thrown) => thrown instanceof DatabaseError ? conflict('Email already registered', { param: 'email' }) : thrown })
  const app = express()
  app.use(pinoHttp({ logger, genReqId: envelope.genReqId, quietReqLogger: true, customAttributeKeys: { reqId: 'request_id' } }))
  app.use(envelope.beforeRoutes())
  app.use(express.json())
  app.get('/client', () => { throw badRequest('Query is too short', { param: 'q' }) })
  app.get('/mapped', () => { throw new DatabaseError('duplicate key value violates unique constraint "users_email_key"') })
  app.get('/server', () => { throw new Error('db down') })
  app.post('/users', envelope.validate({ body: bodySchema }), (req, res) => { res.json({ ok: true }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs }
}

// The framework's last line of a request: pino-http says "request errored"
// for a 5xx.
function isCompletedLine (line: LogLine): boolean {
  return /^request (completed|errored)$/.test(line.msg)
}

// Waits until the request's "request completed" line is written.
async function linesOfRequest (logs: LogLine[], id: string): Promise<LogLine[]> {
  for (let i = 0; i < 100; i++) {
    const lines = logs.filter((line) => line.request_id === id)
    if (lines.some(isCompletedLine)) return lines
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return logs.filter((line) => line.request_id === id)
}

function errorLine (lines: LogLine[]): LogLine {
  const found = lines.filter((line) => typeof line.code === 'string' && typeof line.statusCode === 'number')
  if (found.length !== 1) throw new Error(`expected one error line, found ${found.length}`)
  return found[0]
}

for (const [name, start] of [['fastify', startFastify], ['express', startExpress]] as const) {
  t.test(`${name}: the error line comes before "request completed"`, async (t) => {
    const { base, logs } = await start(t)
    for (const path of ['/client', '/server', '/nowhere']) {
      const response = await fetch(base + path)
      await response.arrayBuffer()
      const lines = await linesOfRequest(logs, response.headers.get('x-request-id') as string)
      const completed = lines.findIndex(isCompletedLine)
      t.ok(completed > 0, `${path} has a "request completed" line`)
      t.ok(lines.indexOf(errorLine(lines)) < completed, `${path}: the error line is first`)
    }
  })

  t.test(`${name}: a client error's line says what the client was sent, without a stack`, async (t) => {
    const { base, logs } = await start(t)
    const response = await fetch(base + '/client')
    const body = await response.json()
    t.same(contractErrors(body), [])
    const line = errorLine(await linesOfRequest(logs, body.error.request_id))
    t.same(
      { level: line.level, statusCode: line.statusCode, code: line.code, err: line.err, msg: line.msg },
      { level: 30, statusCode: 400, code: 'bad_request', err: { type: 'ApiError', code: 'bad_request' }, msg: 'Query is too short' }
    )
    t.notOk('stack' in line.err, 'no stack key, not even an empty one')
  })

  t.test(`${name}: a mapped error's line says what the client was sent and names the original error`, async (t) => {
    const { base, logs } = await start(t)
    const response = await fetch(base + '/mapped')
    const body = await response.json()
    t.same(body, { error: { code: 'conflict', message: 'Email already registered', type: 'invalid_request_error', param: 'email', request_id: response.headers.get('x-request-id') } })
    t.same(contractErrors(body), [])
    const line = errorLine(await linesOfRequest(logs, body.error.request_id))
    t.same(
      { level: line.level, statusCode: line.statusCode, code: line.code, err: line.err, msg: line.msg },
      { level: 30, statusCode: 409, code: 'conflict', err: { type: 'DatabaseError', code: '23505', reason: 'duplicate key value violates unique constraint "users_email_key"' }, msg: 'Email already registered' }
    )
  })

  t.test(`${name}: a validation line has the real status and the details sent`, async (t) => {
    const { base, logs } = await start(t)
    const response = await fetch(base + '/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const body = await response.json()
    const details = [
      { field: 'name', message: 'is required' },
      { field: 'email', message: 'is required' }
    ]
    t.equal(response.status, 422)
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'validation_failed', message: '2 fields failed validation', type: 'validation_error', param: 'name', details, request_id: response.headers.get('x-request-id') } })
    const line = errorLine(await linesOfRequest(logs, body.error.request_id))
    t.same(
      { level: line.level, statusCode: line.statusCode, code: line.code, details: line.details, msg: line.msg },
      { level: 30, statusCode: 422, code: 'validation_failed', details, msg: '2 fields failed validation' }
    )
    t.not(line.err?.statusCode, 400, 'no status but the real one')
  })

  t.test(`${name}: a server error's line has the real message and the stack`, async (t) => {
    const { base, logs } = await start(t)
    const response = await fetch(base + '/server')
    const body = await response.json()
    t.same(body, { error: { code: 'internal_error', message: 'Internal server error', type: 'api_error', request_id: response.headers.get('x-request-id') } })
    t.same(contractErrors(body), [])
    const line = errorLine(await linesOfRequest(logs, body.error.request_id))
    t.same({ level: line.level, statusCode: line.statusCode, code: line.code, msg: line.msg }, { level: 50, statusCode: 500, code: 'internal_error', msg: 'db down' })
    t.match(line.err.stack, /^Error: db down\n\s+at /)
  })
}
