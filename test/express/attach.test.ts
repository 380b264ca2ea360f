import t, { type Test } from 'tap'
import express from 'express'
import pino from 'pino'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { assertFetched, rawExchange } from './helper.js'
import { badRequest, errorEnvelope } from '../../express.js'

// A request the app lets fall out of its stack reaches Express's own final
// handler (an HTML page) unless envelope.attach(server) is installed.
async function start (t: Test, attach: boolean, withAfterRoutes = true): Promise<string> {
  const app = express()
  const envelope = errorEnvelope({ logger: pino({ level: 'silent' }, new Writable({ write (_chunk, _encoding, done) { done() } })) })
  app.use(envelope.beforeRoutes())
  app.get('/top', (_req, _res, next) => { next('router') })
  app.get('/top', (_req, res) => { res.json({ reached: true }) })
  app.get('/thrown', () => { throw badRequest('Thrown where no afterRoutes() follows') })
  if (withAfterRoutes) app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  if (attach) {
    envelope.attach(server)
    envelope.attach(server)
  }
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('with attach(), next(\'router\') at the app\'s level answers the 404 envelope', async (t) => {
  const base = await start(t, true)
  await assertFetched(t, await fetch(base + '/top'), 404, { code: 'not_found', message: 'No route for GET /top', type: 'invalid_request_error' })
  const again = await fetch(base + '/top')
  t.equal(again.status, 404, 'every time, the first request included')
  await again.text()
})

t.test('with attach() and no afterRoutes(), an error falling out of the app answers its envelope', async (t) => {
  const base = await start(t, true, false)
  await assertFetched(t, await fetch(base + '/thrown'), 400, { code: 'bad_request', message: 'Thrown where no afterRoutes() follows', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/nowhere'), 404, { code: 'not_found', message: 'No route for GET /nowhere', type: 'invalid_request_error' })
})

t.test('attach() on a server whose listener is not an Express app answers parser errors and leaves the listener', async (t) => {
  const server = createServer((_req, res) => { res.end('plain') })
  errorEnvelope().attach(server)
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.equal(await (await fetch(base + '/')).text(), 'plain')
  const raw = await rawExchange(base, 'NOT A REQUEST\r\n\r\n')
  t.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(raw, /"code":"bad_request","message":"Malformed HTTP request"/)
})

t.test('without attach(), the same request reaches Express\'s own page, which attach() exists to prevent', async (t) => {
  const base = await start(t, false)
  const response = await fetch(base + '/top')
  t.equal(response.status, 404)
  t.match(response.headers.get('content-type'), /^text\/html/)
  t.match(await response.text(), /Cannot GET \/top/)
})

t.test('attach() keeps close() working: a request arriving while closing gets the 503 envelope', async (t) => {
  const app = express()
  const envelope = errorEnvelope()
  app.use(envelope.beforeRoutes())
  app.get('/ok', (_req, res) => { res.json({ ok: true }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  envelope.attach(server)
  await new Promise((resolve) => server.once('listening', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.equal(server.listeners('request').length, 1, 'one request listener, in the app\'s place')
  const ok = await fetch(base + '/ok')
  t.same(await ok.json(), { ok: true })
  const closing = envelope.close(server)
  t.equal(server.listeners('request').length, 1, 'the closing answer replaced the attached listener')
  server.closeAllConnections()
  await closing
})
