import t from 'tap'
import express from 'express'
import pino from 'pino'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import type { LogLine } from '../helper.js'
import { errorEnvelope } from '../../express.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'

const prefix = 'error-envelope option'

t.test('refuses a wrong option when errorEnvelope() is called, naming it and what was given', async (t) => {
  const wrong: Array<[unknown, MisuseCode, string]> = [
    [{ exposeErrors: true }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "exposeErrors"; known options: exposeServerErrors, errorHeaders, requestId, logLevels, validation, mapError, notFound, format, catalog, docs, telemetry, logger, rateLimit, underPressure'],
    [{ logger: console }, 'ERR_ENVELOPE_INVALID_OPTION', `${prefix} "logger" must be a pino logger (child, fatal, error, warn, info, debug, trace) or false, instead got an object`],
    [{ logger: true }, 'ERR_ENVELOPE_INVALID_OPTION', `${prefix} "logger" must be a pino logger (child, fatal, error, warn, info, debug, trace) or false, instead got true`],
    [{ errorHeaders: ['transfer-encoding'] }, 'ERR_ENVELOPE_INVALID_OPTION', `${prefix} "errorHeaders[0]" must be a header an error may set, not one of content-length, content-type, transfer-encoding, trailer, connection, keep-alive, proxy-connection, te, upgrade, host, set-cookie, instead got "transfer-encoding"`],
    [{ validation: { maxDetail: 5 } }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "validation.maxDetail"; known options of validation: maxDetails, status'],
    ['strict', 'ERR_ENVELOPE_INVALID_OPTION', `${prefix} "options" must be an object, instead got "strict"`]
  ]
  for (const [options, code, message] of wrong) {
    t.throws(() => errorEnvelope(options as never), new MisuseError(code, message), JSON.stringify(options))
  }
})

async function firstRequest (t: Parameters<Parameters<typeof t.test>[1]>[0], app: express.Express): Promise<void> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await (await fetch(base + '/ok')).text()
  await (await fetch(base + '/ok')).text()
}

const WARNING = 'error-envelope: beforeRoutes() is mounted but afterRoutes() is not; add app.use(envelope.afterRoutes()) after the routes, or errors answer with Express\'s HTML page'

t.test('warns once in the log at the first request when afterRoutes() was never mounted', async (t) => {
  const logs: LogLine[] = []
  const stream = new Writable({ write (chunk, _e, done) { for (const l of chunk.toString().split('\n')) if (l !== '') logs.push(JSON.parse(l)); done() } })
  const app = express()
  const envelope = errorEnvelope({ logger: pino({}, stream) })
  app.use(envelope.beforeRoutes())
  app.get('/ok', (_req, res) => { res.json({ ok: true }) })
  await firstRequest(t, app)
  t.same(logs.filter((line) => line.level === 40).map((line) => line.msg), [WARNING])
})

t.test('warns through process warnings without a logger, and not at all when afterRoutes() is mounted in a router', async (t) => {
  const warnings: string[] = []
  const listener = (warning: Error): void => { warnings.push(warning.message) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const bare = express()
  const envelope = errorEnvelope()
  bare.use(envelope.beforeRoutes())
  bare.get('/ok', (_req, res) => { res.json({ ok: true }) })
  await firstRequest(t, bare)
  const mounted = express()
  const other = errorEnvelope()
  const router = express.Router()
  mounted.use(other.beforeRoutes())
  router.get('/ok', (_req, res) => { res.json({ ok: true }) })
  router.use(other.afterRoutes())
  mounted.use(router)
  await firstRequest(t, mounted)
  await new Promise((resolve) => setImmediate(resolve))
  t.same(warnings, [WARNING])
})

t.test('exposes the pieces of beforeRoutes() and afterRoutes() for apps that compose their own order', async (t) => {
  const envelope = errorEnvelope()
  // One layer before the routes by default: the request id, which also
  // checks for afterRoutes() on the first request.
  t.equal(envelope.beforeRoutes().length, 1)
  t.equal(envelope.requestId().length, 3)
  t.same(envelope.afterRoutes(), [envelope.notFound(), envelope.errorHandler()])
  t.equal(envelope.errorHandler().length, 4, 'Express recognises the error handler by its four parameters')
})

t.test('refuses a mapError that is not a function, on both adapters', async (t) => {
  t.throws(() => errorEnvelope({ mapError: 'nope' } as never), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `${prefix} "mapError" must be a function, instead got "nope"`))
  const { normalizeOptions } = await import('../../lib/fastify/options.js')
  t.throws(() => normalizeOptions({ mapError: 42 }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `${prefix} "mapError" must be a function, instead got 42`))
})
