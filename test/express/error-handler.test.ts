import t from 'tap'
import express from 'express'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import { assertFetched, buildExpress, rawExchange } from './helper.js'
import { waitFor, type LogLine } from '../helper.js'
import { conflict, errorEnvelope, notFound } from '../../express.js'

const masked = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

t.test('answers next(err), sync throws and rejections from handlers, middleware and nested routers', async (t) => {
  const { app, listen } = buildExpress(t)
  const deep = express.Router()
  deep.get('/boom', async () => { throw conflict('Deep conflict') })
  const mid = express.Router()
  mid.use('/deep', deep)
  app.use('/mid', mid)
  app.use('/guarded', (_req, _res, next) => { next(notFound('Guarded resource not found')) })
  app.get('/sync', () => { throw new Error('secret') })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/mid/deep/boom'), 409, { code: 'conflict', message: 'Deep conflict', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/guarded/x'), 404, { code: 'not_found', message: 'Guarded resource not found', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/sync'), 500, masked)
})

t.test('answers the 4xx a route set with res.status() before a plain Error, with its message; a 5xx stays masked', async (t) => {
  const { app, listen } = buildExpress(t)
  app.post('/notes', (_req, res) => { res.status(400); throw new Error('Title too long') })
  app.get('/five', (_req, res) => { res.status(502); throw new Error('secret') })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/notes', { method: 'POST' }), 400, { code: 'bad_request', message: 'Title too long', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/five'), 500, masked)
})

t.test('replaces the headers of the content the route meant to send', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/file', (_req, res) => {
    res.setHeader('Content-Disposition', 'attachment; filename="a.csv"')
    res.setHeader('Content-Encoding', 'gzip')
    throw notFound('File not found')
  })
  const base = await listen()
  const response = await fetch(base + '/file')
  t.equal(response.headers.get('content-disposition'), null)
  t.equal(response.headers.get('content-encoding'), null)
  await assertFetched(t, response, 404, { code: 'not_found', message: 'File not found', type: 'invalid_request_error' })
})

t.test('cuts a response whose headers were sent, and logs it once', async (t) => {
  const { app, logs, listen } = buildExpress(t)
  app.get('/stream', (_req, res, next) => {
    // Fails once the first part has gone to the socket.
    res.write('part-one;', () => { next(new Error('stream broke')) })
  })
  const base = await listen()
  const raw = await rawExchange(base, 'GET /stream HTTP/1.1\r\nHost: x\r\nX-Request-Id: cut-1\r\n\r\n')
  t.match(raw, /^HTTP\/1\.1 200 OK/)
  t.match(raw, /part-one;/)
  t.notMatch(raw, /internal_error/)
  t.notMatch(raw, /0\r\n\r\n$/, 'no final chunk: the client can tell the body is cut')
  const mine = (): LogLine[] => logs.filter((line) => line.request_id === 'cut-1' && line.code !== undefined)
  t.ok(await waitFor(() => mine().length > 0), 'the failure is logged')
  const lines = mine()
  t.same(lines.map((line) => [line.level, line.statusCode, line.msg]), [[50, 500, 'stream broke']])
})

t.test('answers the fixed 500 envelope when writing the answer fails', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/bad-header', () => {
    // A header an ApiError may carry, whose value Node refuses to write.
    throw Object.assign(conflict('Clash'), { headers: { 'retry-after': { toString () { throw new Error('no') } } } })
  })
  app.get('/hostile-set-header', (_req, res) => {
    res.setHeader = () => { throw new Error('setHeader broke') }
    throw notFound('Widget w_1 not found')
  })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/bad-header'), 409, { code: 'conflict', message: 'Clash', type: 'invalid_request_error' })
  const response = await fetch(base + '/hostile-set-header').catch((error: Error) => error)
  t.ok(response instanceof Error || response.status === 500, 'the request is answered 500 or cut, never left hanging')
})

t.test('writes nothing to a client that left before its handler failed, and logs it once', async (t) => {
  const { app, logs, listen } = buildExpress(t)
  // The handler fails once the client has left: when the response closes
  // unfinished.
  app.get('/slow', async (_req, res) => {
    await once(res, 'close')
    throw new Error('too late')
  })
  const base = await listen()
  const raw = await rawExchange(base, 'GET /slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: left-1\r\n\r\n', 10)
  t.equal(raw, '')
  const mine = (): LogLine[] => logs.filter((line) => line.request_id === 'left-1' && line.code !== undefined)
  t.ok(await waitFor(() => mine().length > 0), 'the failure is logged')
  const lines = mine()
  t.same(lines.map((line) => [line.level, line.statusCode, line.err?.message]), [[50, 500, 'too late']])
})

t.test('answers an error thrown after the request body was read to its end, later than the tick it ended in', async (t) => {
  const { app, listen } = buildExpress(t)
  app.post('/later', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    throw conflict('Email already registered', { param: 'email' })
  })
  app.post('/next-later', (_req, _res, next) => { setTimeout(() => { next(notFound('Widget w_9 not found')) }, 5) })
  const base = await listen()
  const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' }
  await assertFetched(t, await fetch(base + '/later', json), 409, { code: 'conflict', message: 'Email already registered', type: 'invalid_request_error', param: 'email' })
  await assertFetched(t, await fetch(base + '/next-later', json), 404, { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error' })
})

t.test('writes no line for an answer below the logger\'s level, and one for an answer at it', async (t) => {
  const logs: LogLine[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line)); done() } })
  const { app, listen } = buildExpress(t, { logger: pino({ level: 'warn' }, stream) })
  app.get('/missing', () => { throw notFound('Widget w_1 not found') })
  app.get('/broken', () => { throw new Error('db down') })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/missing', { headers: { 'x-request-id': 'quiet-1' } }), 404, { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/broken', { headers: { 'x-request-id': 'loud-1' } }), 500, masked)
  // The 4xx finished first: its line, had it one, would be written by now.
  t.ok(await waitFor(() => logs.some((line) => line.request_id === 'loud-1')), 'the 5xx is logged')
  t.same(logs.map((line) => [line.request_id, line.level, line.msg]), [['loud-1', 50, 'db down']], 'the 4xx is logged at info, below warn')
})

t.test('logs an error answered by errorHandler() mounted without beforeRoutes() under the id it sent', async (t) => {
  const logs: LogLine[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line)); done() } })
  const envelope = errorEnvelope({ logger: pino({ level: 'info' }, stream) })
  const app = express()
  app.get('/missing', () => { throw notFound('Widget w_1 not found') })
  app.use(envelope.errorHandler())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/missing`)
  const body = await assertFetched(t, response, 404, { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' })
  t.ok(await waitFor(() => logs.some((line) => line.request_id === body.error.request_id)), 'the answer is logged')
  t.match(body.error.request_id, /^req_[A-Za-z0-9_-]{20}$/)
  t.same(logs.map((line) => [line.request_id, line.level, line.msg]), [
    [undefined, 40, 'error-envelope: beforeRoutes() is not mounted, so answers that succeed carry no request id and req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes'],
    [body.error.request_id, 30, 'Widget w_1 not found']
  ])
})
