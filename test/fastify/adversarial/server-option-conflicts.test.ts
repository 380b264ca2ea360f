import t from 'tap'
import Fastify from 'fastify'
import { Writable } from 'node:stream'
import { build, linesOf, type LogLine } from '../../helper.js'
import errorEnvelope, { serverOptions } from '../../../index.js'
import { MisuseError } from '../../../lib/core/misuse.js'

t.test('refuses Fastify\'s own requestIdHeader option at registration, naming it, since it would let any id through', async (t) => {
  for (const requestIdHeader of ['x-request-id', 'X-Correlation-Id', true] as const) {
    const app = Fastify({ requestIdHeader, ...serverOptions() })
    t.teardown(() => app.close().catch(() => {}))
    await t.rejects(app.register(errorEnvelope).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION',
      `error-envelope cannot check the ids that Fastify's requestIdHeader option (${JSON.stringify(typeof requestIdHeader === 'string' ? requestIdHeader.toLowerCase() : 'request-id')}) accepts: ` +
      'remove it from the Fastify options; error-envelope reads x-request-id itself, and its requestId.header option names another header'
    ))
  }
})

t.test('never lets an id that breaks the pattern reach a header, a body or a log, and keeps the three equal', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), routes (app) { app.get('/ok', async () => ({ ok: true })) } })
  for (const bad of ['bad id', '<script>alert(1)</script>', 'a'.repeat(300), 'caf\u00e9']) {
    const response = await app.inject({ url: '/ok', headers: { 'x-request-id': bad } })
    const id = response.headers['x-request-id'] as string
    t.match(id, /^req_[A-Za-z0-9_-]{20}$/)
    t.notOk(logs.some((line) => JSON.stringify(line).includes(bad)), 'the bad id is in no log line')
    t.ok(linesOf(logs, id).length > 0, 'the log lines carry the id of the header')
  }
})

t.test('keeps disableRequestLogging when serverOptions() is spread beside it', async (t) => {
  for (const disableRequestLogging of [true, () => true]) {
    const lines: LogLine[] = []
    const stream = new Writable({ write (chunk, _encoding, done) { lines.push(...chunk.toString().split('\n').filter(Boolean).map((line: string) => JSON.parse(line))); done() } })
    const app = Fastify({ logger: { level: 'info', stream }, disableRequestLogging, ...serverOptions() })
    t.teardown(() => app.close())
    await app.register(errorEnvelope)
    app.get('/ok', async () => ({ ok: true }))
    await app.inject('/ok')
    await app.inject('/ok')
    t.same(lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed'), [])
  }
})

t.test('still logs requests with serverOptions() when request logging is left on', async (t) => {
  const { app, logs } = await build(t, { server: serverOptions(), routes (app) { app.get('/ok', async () => ({ ok: true })) } })
  const response = await app.inject('/ok')
  t.same(linesOf(logs, response.headers['x-request-id'] as string).map((line) => line.msg), ['incoming request', 'request completed'])
})
