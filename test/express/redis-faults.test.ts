import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { buildExpress } from './helper.js'
import { redisAvailable, startRedis, type RedisServer } from '../fixtures/redis-server.js'

const deadline = 100
// "Within the deadline plus a few ms": the slack covers the event loop of a
// busy test machine, not a second wait.
const slack = 30
const driverText = /ECONNREFUSED|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable|Reached the max retries|ioredis|did not answer/i
const unavailable = '"code":"service_unavailable","message":"Rate limiting is unavailable, retry in 1 second","type":"api_error"'

// Reconnects every 50 ms and fails a queued command after one retry, so
// that a test sees Redis come back quickly; the deadline does not depend
// on these settings.
function client (t: Test, server: RedisServer): Redis {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50 })
  redis.on('error', () => {})
  t.teardown(() => redis.disconnect())
  return redis
}

interface Limited { base: string, inject: (path: string) => Promise<Answer> }
interface Answer { headers: Record<string, string>, body: string }

async function app (t: Test, redis: Redis, onStoreError: 'open' | 'closed'): Promise<Limited> {
  const built = buildExpress(t, { rateLimit: { max: 3, timeWindow: '1 minute', redis, storeTimeout: deadline, onStoreError } })
  built.app.get('/widgets', (_req, res) => { res.json({ widgets: [] }) })
  const base = await built.listen()
  return {
    base,
    async inject (path) {
      const response = await fetch(`${base}${path}`)
      return { headers: Object.fromEntries(response.headers), body: await response.text() }
    }
  }
}

interface Timed { response: Answer, ms: number }

async function timed (app: Limited): Promise<Timed> {
  const start = performance.now()
  const response = await app.inject('/widgets')
  return { response, ms: performance.now() - start }
}

// Sends requests during a fault and checks each one's time and body.
async function duringFault (t: Test, app: Limited, count: number, expectBody: (body: string) => void): Promise<number> {
  let slowest = 0
  for (let i = 0; i < count; i++) {
    const { response, ms } = await timed(app)
    slowest = Math.max(slowest, ms)
    t.ok(ms < deadline + slack, `answered in ${ms.toFixed(1)} ms`)
    t.notMatch(response.body, driverText, 'no driver text in the body')
    expectBody(response.body)
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
  const next = await app.inject('/widgets')
  t.equal(Number(next.headers['x-ratelimit-remaining']), Math.max(0, Number(remaining) - 1), 'and the next one counts on')
}

if (redisAvailable(t)) {
  // The first error of a process makes the test runner's source-map support
  // read the maps of every file on its stack, which takes tens of ms; one
  // unmeasured fault pays for that before any request is timed.
  t.before(async () => {
    const nowhere = await startRedis(t, false)
    const warm = await app(t, client(t, nowhere), 'closed')
    await warm.inject('/widgets')
    await warm.inject('/widgets')
  })

  t.test('answers 503 within the deadline while Redis refuses connections, and counts once it listens', async (t) => {
    const server = await startRedis(t, false)
    const limited = await app(t, client(t, server), 'closed')
    // rate-limit-redis loads its scripts when the limiter is made; an app
    // started while Redis refuses has seen that load fail before its first
    // request, which is the state measured here.
    await new Promise((resolve) => setTimeout(resolve, 150))
    const slowest = await duringFault(t, limited, 8, (body) => t.match(body, unavailable))
    t.comment(`refused: slowest answer ${slowest.toFixed(1)} ms`)
    await server.start()
    await countingResumes(t, limited)
  })

  t.test('lets requests through within the deadline while Redis is stopped with SIGSTOP, and counts after SIGCONT', async (t) => {
    const server = await startRedis(t)
    const redis = client(t, server)
    await once(redis, 'ready')
    const limited = await app(t, redis, 'open')
    t.equal((await limited.inject('/widgets')).headers['x-ratelimit-remaining'], '2')
    server.pause()
    const slowest = await duringFault(t, limited, 8, (body) => t.equal(body, '{"widgets":[]}'))
    t.comment(`SIGSTOP: slowest answer ${slowest.toFixed(1)} ms`)
    server.resume()
    await countingResumes(t, limited)
  })

  t.test('answers 503 within the deadline while Redis restarts, and counts afresh once it is back', async (t) => {
    const server = await startRedis(t)
    const redis = client(t, server)
    await once(redis, 'ready')
    const limited = await app(t, redis, 'closed')
    t.equal((await limited.inject('/widgets')).headers['x-ratelimit-remaining'], '2')
    await server.stop()
    const slowest = await duringFault(t, limited, 8, (body) => t.match(body, unavailable))
    t.comment(`restart: slowest answer ${slowest.toFixed(1)} ms`)
    await server.start()
    await countingResumes(t, limited)
  })
}
