import Fastify from 'fastify'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { contractErrors, problemErrors, waitFor } from '../helper.js'
import errorEnvelope from '../../index.js'
import { errorEnvelope as expressEnvelope } from '../../express.js'
import { envelopeAdapters, type Route } from './adapters.js'
import { MisuseError } from '../../lib/core/misuse.js'

// A server past its limits sheds requests with the envelope, before their
// route runs, and serves again once the load is gone.

const OVERLOADED = { code: 'service_unavailable', message: 'The server is overloaded; retry later', type: 'api_error' }

function blockFor (ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) { /* the event loop is blocked */ }
}

let ran = 0
const routes: Route[] = [
  { method: 'GET', path: '/work', handler: () => { ran++; blockFor(60); return { ok: true } } },
  { method: 'GET', path: '/ok', handler: () => ({ ok: true }) }
]

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// Asks for /ok until the monitor, sampling in the background, sheds it
// (a bounded number of tries); the last answer.
async function untilShed (base: string): Promise<Response> {
  let response = await fetch(`${base}/ok`)
  for (let i = 0; i < 100 && response.status !== 503; i++) {
    await response.body?.cancel()
    await sleep(10)
    response = await fetch(`${base}/ok`)
  }
  return response
}

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: sheds with envelopes within a second under a blocking load, and recovers once it stops`, async (t) => {
    const { base, logs } = await adapter.start(t, routes, { underPressure: { maxEventLoopDelay: 20, sampleInterval: 50, retryAfter: 2 } })
    const started = Date.now()
    let firstShed = Infinity
    const others: string[] = []
    const shedIds: string[] = []
    const load = { stopped: false }
    async function client (): Promise<void> {
      while (!load.stopped) {
        const response = await fetch(base + '/work')
        const body = await response.json()
        if (response.status === 503) {
          firstShed = Math.min(firstShed, Date.now() - started)
          const id = response.headers.get('x-request-id') as string
          shedIds.push(id)
          if (contractErrors(body).length > 0 || JSON.stringify(body) !== JSON.stringify({ error: { ...OVERLOADED, request_id: id } }) || response.headers.get('retry-after') !== '2') {
            others.push(`${response.status} ${JSON.stringify(body)}`)
          }
        } else if (response.status !== 200) {
          others.push(`${response.status} ${JSON.stringify(body)}`)
        }
      }
    }
    const clients = Array.from({ length: 8 }, client)
    // The load runs until a few requests were shed, for 1.5 s at the most.
    await waitFor(() => shedIds.length >= 5, 1500)
    load.stopped = true
    await Promise.all(clients)
    t.ok(firstShed < 1000, `the first request was shed ${firstShed} ms after the load began`)
    t.ok(shedIds.length > 0, 'requests were shed')
    t.same(others, [], 'every answer was a 200 or the overload envelope')
    const ranBefore = ran
    // Recovery: within a few samples of the load stopping.
    let recovered = -1
    for (let i = 0; i < 60 && recovered === -1; i++) {
      await sleep(50)
      const response = await fetch(base + '/ok')
      const body = await response.json()
      if (response.status === 200) recovered = i
      else t.same(body, { error: { ...OVERLOADED, request_id: response.headers.get('x-request-id') } }, 'still the overload envelope')
    }
    t.ok(recovered >= 0, 'serves again once the load is gone')
    t.equal(ran, ranBefore, 'no shed request ran its route')
    const lines = logs.filter((line) => line.request_id === shedIds[0] && line.code !== undefined)
    t.same(lines.map((line) => [line.level, line.statusCode, line.code, line.msg, line.err]), [[40, 503, 'service_unavailable', 'The server is overloaded; retry later', undefined]], 'one line at warn, with no internal figure')
  })
}

const wrong: Array<[unknown, string]> = [
  [true, 'error-envelope option "underPressure" must be an object, instead got true'],
  [{ maxEventLoopDelay: -1 }, 'error-envelope option "underPressure.maxEventLoopDelay" must be a number of 0 or more, instead got -1'],
  [{ maxEventLoopUtilization: 2 }, 'error-envelope option "underPressure.maxEventLoopUtilization" must be a number from 0 to 1, instead got 2'],
  [{ retryAfter: 1.5 }, 'error-envelope option "underPressure.retryAfter" must be a whole number of seconds, 1 or more, instead got 1.5'],
  [{ sampleInterval: 1 }, 'error-envelope option "underPressure.sampleInterval" must be a number of milliseconds, 10 or more, instead got 1']
]

for (const [underPressure, message] of wrong) {
  t.test(`refuses underPressure: ${JSON.stringify(underPressure)} at setup on both adapters`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(app.register(errorEnvelope, { underPressure: underPressure as never }).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
    t.throws(() => expressEnvelope({ underPressure: underPressure as never }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
  })
}

t.test('refuses the options only @fastify/under-pressure has, on Express, and a healthCheck that is no function', async (t) => {
  t.throws(() => expressEnvelope({ underPressure: { healthCheck: async () => true } as never }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "underPressure.healthCheck"; known options of underPressure: maxEventLoopDelay, maxHeapUsedBytes, maxRssBytes, maxEventLoopUtilization, retryAfter, sampleInterval'))
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(app.register(errorEnvelope, { underPressure: { healthCheck: true as never } }).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "underPressure.healthCheck" must be a function, instead got true'))
})

t.test('fastify: checks the options passed on to @fastify/under-pressure at registration, naming each', async (t) => {
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ healthCheckInterval: 0 }, 'error-envelope option "underPressure.healthCheckInterval" must be a whole number of milliseconds above 0, instead got 0'],
    [{ healthCheckInterval: '5s' }, 'error-envelope option "underPressure.healthCheckInterval" must be a whole number of milliseconds above 0, instead got "5s"'],
    [{ exposeStatusRoute: 'status' }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got "status"'],
    [{ exposeStatusRoute: { path: '/status' } }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got an object'],
    [{ exposeStatusRoute: ['/status'] }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got an array'],
    [{ exposeStatusRoute: null }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got null'],
    [{ exposeStatusRoute: { url: 'status' } }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got an object'],
    [{ exposeStatusRoute: { url: '/status', routeOpts: 3 } }, 'error-envelope option "underPressure.exposeStatusRoute" must be a boolean, a path starting with "/" or { url, routeOpts, routeSchemaOpts, routeResponseSchemaOpts }, instead got an object'],
    [{ healthCheck: async () => true }, 'error-envelope option "underPressure.healthCheck" needs "underPressure.healthCheckInterval" or "underPressure.exposeStatusRoute": @fastify/under-pressure runs the check on that interval or when the status route is asked'],
    [{ healthCheck: async () => true, exposeStatusRoute: false }, 'error-envelope option "underPressure.healthCheck" needs "underPressure.healthCheckInterval" or "underPressure.exposeStatusRoute": @fastify/under-pressure runs the check on that interval or when the status route is asked']
  ]
  for (const [underPressure, message] of refused) {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(app.register(errorEnvelope, { underPressure: underPressure as never }).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message), JSON.stringify(underPressure))
  }
  // What @fastify/under-pressure accepts is accepted.
  for (const underPressure of [{ exposeStatusRoute: true }, { exposeStatusRoute: { url: '/health', routeOpts: { logLevel: 'warn' } } }, { healthCheck: async () => true, healthCheckInterval: 60_000 }]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(errorEnvelope, { underPressure: underPressure as never })
    await app.ready()
    t.pass(`accepted ${JSON.stringify(underPressure)}`)
  }
})

t.test('fastify: a failed external health check sheds requests, the status route\'s too, with the envelope', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope, { underPressure: { exposeStatusRoute: '/status', healthCheck: async () => false, healthCheckInterval: 60_000 } })
  const response = await app.inject('/status')
  t.equal(response.statusCode, 503)
  t.equal(response.headers['retry-after'], '10')
  const body = response.json()
  t.same(contractErrors(body), [])
  t.same(body, { error: { code: 'service_unavailable', message: 'The server cannot serve requests right now; retry later', type: 'api_error', request_id: response.headers['x-request-id'] } })
})

// An Express app with one route between the adapter's middleware, listening
// on a free port; the test closes it with envelope.close(server).
async function listenExpress (envelope: ReturnType<typeof expressEnvelope>): Promise<{ server: Server, base: string }> {
  const { default: express } = await import('express')
  const app = express()
  app.use(envelope.beforeRoutes())
  app.get('/ok', (_req, res) => { res.json({ ok: true }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

t.test('express: sheds past a heap, RSS or event loop utilization limit, each measured on its own', async (t) => {
  for (const limit of [{ maxHeapUsedBytes: 1 }, { maxRssBytes: 1 }, { maxEventLoopUtilization: 0.000001 }]) {
    const envelope = expressEnvelope({ underPressure: { ...limit, sampleInterval: 20, retryAfter: 3 } })
    const { server, base } = await listenExpress(envelope)
    // Busy for a moment, so that utilization is above its limit too.
    const end = Date.now() + 80
    while (Date.now() < end) { /* working */ }
    const response = await untilShed(base)
    const body = await response.json()
    t.equal(response.status, 503, JSON.stringify(limit))
    t.equal(response.headers.get('retry-after'), '3')
    t.same(contractErrors(body), [])
    t.same(body, { error: { ...OVERLOADED, request_id: response.headers.get('x-request-id') } })
    await envelope.close(server)
  }
})

t.test('sheds with problem details when the format asks for them, on both adapters', async (t) => {
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(errorEnvelope, { format: 'problem', underPressure: { exposeStatusRoute: '/status', healthCheck: async () => false, healthCheckInterval: 60_000 } })
  const unhealthy = await fastify.inject('/status')
  t.equal(unhealthy.statusCode, 503)
  t.equal(unhealthy.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(unhealthy.headers['retry-after'], '10')
  const id = unhealthy.headers['x-request-id'] as string
  t.same(problemErrors(unhealthy.json()), [])
  t.same(unhealthy.json(), { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The server cannot serve requests right now; retry later', instance: `urn:request:${id}`, code: 'service_unavailable', request_id: id })

  const envelope = expressEnvelope({ format: 'problem', underPressure: { maxHeapUsedBytes: 1, sampleInterval: 20, retryAfter: 3 } })
  const { server, base } = await listenExpress(envelope)
  const shed = await untilShed(base)
  t.equal(shed.status, 503)
  t.equal(shed.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.equal(shed.headers.get('retry-after'), '3')
  const body = await shed.json()
  const shedId = shed.headers.get('x-request-id') as string
  t.same(problemErrors(body), [])
  t.same(body, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: OVERLOADED.message, instance: `urn:request:${shedId}`, code: 'service_unavailable', request_id: shedId })
  await envelope.close(server)
})
