import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { redisAvailable, startRedis, type RedisServer } from '../fixtures/redis-server.js'
import { envelopeAdapters, type Adapter, type LogLine, type Route } from './adapters.js'

// Redis refused, stopped with SIGSTOP or restarted while the limiter
// counts: both adapters answer within the deadline, with no driver text,
// through (onStoreError 'open') or 503 ('closed'), log one warning when the
// outage starts and one line when Redis answers again, and count again.

const deadline = 100
// "Within the deadline plus a few ms": the slack covers the event loop of a
// busy test machine, not a second wait.
const slack = 30
const driverText = /ECONNREFUSED|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable|Reached the max retries|ioredis|did not answer/i
const UNAVAILABLE = { code: 'service_unavailable', message: 'Rate limiting is unavailable, retry in 1 second', type: 'api_error' }
const OUTAGE = {
  open: 'Rate limit store unavailable; requests pass unlimited until it answers',
  closed: 'Rate limit store unavailable; requests are answered 503 until it answers'
}
const RECOVERY = 'Rate limit store answers again; requests are counted'

const routes: Route[] = [{ method: 'GET', path: '/widgets', handler: () => ({ widgets: [] }) }]

// Reconnects every 50 ms and fails a queued command after one retry, so
// that a test sees Redis come back quickly; the deadline does not depend
// on these settings.
function client (t: Test, server: RedisServer): Redis {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50 })
  redis.on('error', () => {})
  t.teardown(() => redis.disconnect())
  return redis
}

interface Limited { logs: LogLine[], get: () => Promise<Answer> }
interface Answer { status: number, headers: Record<string, string>, body: string }

async function app (t: Test, adapter: Adapter, redis: Redis, onStoreError: 'open' | 'closed'): Promise<Limited> {
  const { base, logs } = await adapter.start(t, routes, { rateLimit: { max: 3, timeWindow: '1 minute', redis, storeTimeout: deadline, onStoreError } })
  return {
    logs,
    async get () {
      const response = await fetch(`${base}/widgets`)
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
    }
  }
}

interface Timed { response: Answer, ms: number }

async function timed (app: Limited): Promise<Timed> {
  const start = performance.now()
  const response = await app.get()
  return { response, ms: performance.now() - start }
}

// The request passes uncounted ('open'), or is answered 503 with the
// envelope and Retry-After: 1 ('closed').
function expectAnswer (t: Test, onStoreError: 'open' | 'closed', response: Answer): void {
  if (onStoreError === 'open') {
    t.equal(response.status, 200, 'passes')
    t.equal(response.body, '{"widgets":[]}')
    return
  }
  t.equal(response.status, 503, 'status')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8', 'content type')
  t.equal(response.headers['retry-after'], '1', 'Retry-After')
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [], 'body satisfies the contract')
  t.same(body, { error: { ...UNAVAILABLE, request_id: response.headers['x-request-id'] } }, 'whole envelope')
}

// A garbage collection on demand. The tests before leave garbage behind;
// collected before a fault begins, it is not collected during the timed
// requests, where a busy machine stretches the pause past the slack.
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

// Sends requests during a fault and checks each one's time and answer.
async function duringFault (t: Test, app: Limited, count: number, onStoreError: 'open' | 'closed'): Promise<number> {
  let slowest = 0
  for (let i = 0; i < count; i++) {
    const { response, ms } = await timed(app)
    slowest = Math.max(slowest, ms)
    t.ok(ms < deadline + slack, `answered in ${ms.toFixed(1)} ms`)
    t.notMatch(response.body, driverText, 'no driver text in the body')
    expectAnswer(t, onStoreError, response)
    t.notOk('x-ratelimit-remaining' in response.headers, 'no rate-limit headers while uncounted')
  }
  return slowest
}

// Polls until a request is counted again, then checks that counting goes on.
async function countingResumes (t: Test, app: Limited): Promise<void> {
  const until = Date.now() + 5000
  let remaining: unknown
  while (remaining === undefined && Date.now() < until) {
    const { response, ms } = await timed(app)
    t.ok(ms < deadline + slack, `answered in ${ms.toFixed(1)} ms while Redis comes back`)
    remaining = response.headers['x-ratelimit-remaining']
    if (remaining === undefined) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.type(remaining, 'string', 'a request is counted again')
  const next = await app.get()
  t.equal(Number(next.headers['x-ratelimit-remaining']), Math.max(0, Number(remaining) - 1), 'and the next one counts on')
}

// One warning when the outage starts, with the driver's error (or the
// deadline's), and one info line when Redis answers again.
function loggedOneOutage (t: Test, logs: LogLine[], onStoreError: 'open' | 'closed'): void {
  const lines = logs.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('Rate limit store'))
  t.same(lines.map((line) => [line.level, line.msg]), [[40, OUTAGE[onStoreError]], [30, RECOVERY]], 'one warning, one recovery line')
  t.type(lines[0]?.err?.message, 'string', 'the warning carries the error')
}

if (redisAvailable(t)) {
  // The first error of a process makes the test runner's source-map support
  // read the maps of every file on its stack, which takes tens of ms; one
  // unmeasured fault per adapter pays for that before any request is timed;
  // its client is then let go, so that it does not reconnect behind the
  // measured requests.
  t.before(async () => {
    const nowhere = await startRedis(t, false)
    for (const adapter of envelopeAdapters) {
      const redis = client(t, nowhere)
      const warm = await app(t, adapter, redis, 'closed')
      await warm.get()
      await warm.get()
      redis.disconnect()
    }
  })

  for (const adapter of envelopeAdapters) {
    // The app starts while Redis refuses. Express's rate-limit-redis loads
    // its scripts when the limiter is made, so its first request meets that
    // load failing, and the ones after it an outage already recorded.
    t.test(`${adapter.name}: answers 503 within the deadline while Redis refuses connections, and counts once it listens`, async (t) => {
      const server = await startRedis(t, false)
      collectGarbage()
      const limited = await app(t, adapter, client(t, server), 'closed')
      const slowest = await duringFault(t, limited, 8, 'closed')
      t.comment(`refused: slowest answer ${slowest.toFixed(1)} ms`)
      await server.start()
      await countingResumes(t, limited)
      loggedOneOutage(t, limited.logs, 'closed')
    })

    t.test(`${adapter.name}: lets requests through within the deadline while Redis is stopped with SIGSTOP, and counts after SIGCONT`, async (t) => {
      const server = await startRedis(t)
      const redis = client(t, server)
      await once(redis, 'ready')
      const limited = await app(t, adapter, redis, 'open')
      t.equal((await limited.get()).headers['x-ratelimit-remaining'], '2')
      collectGarbage()
      server.pause()
      const slowest = await duringFault(t, limited, 8, 'open')
      t.comment(`SIGSTOP: slowest answer ${slowest.toFixed(1)} ms`)
      server.resume()
      await countingResumes(t, limited)
      loggedOneOutage(t, limited.logs, 'open')
    })

    t.test(`${adapter.name}: answers 503 within the deadline while Redis restarts, and counts afresh once it is back`, async (t) => {
      const server = await startRedis(t)
      const redis = client(t, server)
      await once(redis, 'ready')
      const limited = await app(t, adapter, redis, 'closed')
      t.equal((await limited.get()).headers['x-ratelimit-remaining'], '2')
      collectGarbage()
      await server.stop()
      const slowest = await duringFault(t, limited, 8, 'closed')
      t.comment(`restart: slowest answer ${slowest.toFixed(1)} ms`)
      await server.start()
      await countingResumes(t, limited)
      loggedOneOutage(t, limited.logs, 'closed')
    })
  }
}
