import t from 'tap'
import express from 'express'
import type { AddressInfo } from 'node:net'
import { Agent } from 'node:http'
import { request as httpRequest } from 'node:http'
import { notFound } from '../../index.js'
import { errorEnvelope } from '../../express.js'
import { loadTelemetry } from '../../lib/core/telemetry.js'
import { build } from '../helper.js'
import { freshMetrics, pointsOf } from '../fixtures/otel.js'

// The counter's attributes come from bounded lists (codes, statuses, known
// methods, route templates): 10,000 requests to distinct unknown paths, and
// 10,000 to one route with distinct ids, make one series each.

const REQUESTS = 10_000
// Each adapter's loop stops here at the latest; a loop cut short fails the
// counts below.
const LOOP_MS = 100_000
t.setTimeout(240_000)

const expectedSeries = [
  { attributes: { 'error.type': 'not_found', 'http.response.status_code': 404, 'http.request.method': 'GET' }, value: REQUESTS },
  { attributes: { 'error.type': 'not_found', 'http.response.status_code': 404, 'http.request.method': 'GET', 'http.route': '/widgets/:id' }, value: REQUESTS }
]

function sorted<T> (points: T[]): T[] {
  return [...points].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

t.test('fastify: 10,000 distinct unknown paths and 10,000 distinct ids make two series', async (t) => {
  const deadline = Date.now() + LOOP_MS
  const reader = freshMetrics(t)
  const { app } = await build(t, { level: 'warn', routes: (app) => { app.get('/widgets/:id', async () => { throw notFound('No such widget') }) } })
  for (let i = 0; i < REQUESTS && Date.now() < deadline; i++) {
    const [missing, routed] = await Promise.all([app.inject(`/unknown/${i}/p${i * 7}`), app.inject(`/widgets/w_${i}`)])
    if (missing.statusCode !== 404 || routed.statusCode !== 404) { t.fail(`request ${i} answered ${missing.statusCode} and ${routed.statusCode}`); break }
  }
  t.same(sorted(await pointsOf(reader, 'error_envelope.errors')), sorted(expectedSeries))
})

t.test('express: 10,000 distinct unknown paths and 10,000 distinct ids make two series', async (t) => {
  const deadline = Date.now() + LOOP_MS
  const reader = freshMetrics(t)
  const envelope = errorEnvelope()
  await loadTelemetry({ spans: true, metrics: true, logs: true, api: undefined })
  const app = express()
  app.use(envelope.beforeRoutes())
  app.get('/widgets/:id', () => { throw notFound('No such widget') })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  t.teardown(() => new Promise<void>((resolve) => { agent.destroy(); server.closeAllConnections(); server.close(() => resolve()) }))
  const port = (server.address() as AddressInfo).port

  function get (path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume()
        res.on('end', () => { resolve(res.statusCode ?? 0) })
      })
      req.setTimeout(5000, () => { req.destroy(new Error(`timed out on ${path}`)) })
      req.on('error', reject)
      req.end()
    })
  }

  // Eight requests in flight at a time, over eight kept-alive connections.
  let next = 0
  let failed: string | undefined
  async function worker (): Promise<void> {
    while (next < REQUESTS && failed === undefined && Date.now() < deadline) {
      const i = next++
      const statuses = [await get(`/unknown/${i}/p${i * 7}`), await get(`/widgets/w_${i}`)]
      if (statuses[0] !== 404 || statuses[1] !== 404) failed = `request ${i} answered ${statuses.join(' and ')}`
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  t.equal(failed, undefined)
  t.same(sorted(await pointsOf(reader, 'error_envelope.errors')), sorted(expectedSeries))
})
