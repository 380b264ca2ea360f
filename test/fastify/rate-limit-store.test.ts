import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { assertEnvelope, build, type LogLine } from '../helper.js'
import type { RateLimitOptions } from '../../index.js'
import type { FastifyInstance } from 'fastify'

type Reply = (error: Error | null, result?: [number, number]) => void

// A scripted stand-in for an ioredis client: it answers the count command
// the store defines as Redis would, fails with a driver's error, or never
// answers, as the test says.
class ScriptedRedis {
  mode: 'answer' | 'fail' | 'hang' = 'answer'
  readonly keys: string[] = []
  readonly defined: string[] = []
  readonly pending: Array<() => void> = []
  readonly #counts = new Map<string, number>()

  // As ioredis does: the command becomes a method of the client.
  defineCommand (name: string, definition: { numberOfKeys?: number }): void {
    this.defined.push(`${name} ${definition.numberOfKeys}`)
    Object.defineProperty(this, name, { value: this.count.bind(this) })
  }

  count (key: string, timeWindow: number, reply: Reply): void {
    this.keys.push(key)
    if (this.mode === 'fail') {
      setImmediate(() => reply(new Error('connect ECONNREFUSED 10.9.8.7:6379')))
      return
    }
    const answer = (): void => {
      if (this.mode === 'fail') {
        reply(new Error('Connection is closed.'))
        return
      }
      const count = (this.#counts.get(key) ?? 0) + 1
      this.#counts.set(key, count)
      reply(null, [count, timeWindow])
    }
    if (this.mode === 'hang') this.pending.push(answer)
    else setImmediate(answer)
  }

  pttl (key: string, reply: (error: Error | null, ttl?: number) => void): void {
    this.keys.push(`read ${key}`)
    const answer = (): void => reply(this.mode === 'fail' ? new Error('connect ECONNREFUSED 10.9.8.7:6379') : null, 1)
    if (this.mode === 'hang') this.pending.push(answer)
    else setImmediate(answer)
  }

  release (): void {
    for (const answer of this.pending.splice(0)) answer()
  }
}

async function storeApp (t: Test, rateLimit: RateLimitOptions = {}): Promise<{ app: FastifyInstance, logs: LogLine[], redis: ScriptedRedis }> {
  const redis = new ScriptedRedis()
  const { app, logs } = await build(t, {
    plugin: { rateLimit: { max: 2, redis, nameSpace: 'rl:', storeTimeout: 50, ...rateLimit } },
    routes (app) {
      app.get('/widgets', async () => ({ widgets: [] }))
      app.get('/search', { config: { rateLimit: { max: 1 } } }, async () => ({ hits: [] }))
    }
  })
  return { app, logs, redis }
}

async function timed (app: FastifyInstance, url = '/widgets'): Promise<{ response: Awaited<ReturnType<FastifyInstance['inject']>>, ms: number }> {
  const start = performance.now()
  const response = await app.inject(url)
  return { response, ms: performance.now() - start }
}

// Lets the scripted Redis answer what it was sent.
const settle = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

const outageLines = (logs: LogLine[]): LogLine[] => logs.filter((line) => line.msg?.startsWith('Rate limit store unavailable') === true)
const recoveryLines = (logs: LogLine[]): LogLine[] => logs.filter((line) => line.msg === 'Rate limit store answers again; requests are counted')

t.test('counts in Redis under the name space, a route\'s own limit under its method and URL', async (t) => {
  const { app, redis } = await storeApp(t)
  const response = await app.inject('/widgets')
  t.equal(response.headers['x-ratelimit-remaining'], '1')
  t.equal((await app.inject('/search')).statusCode, 200)
  t.equal((await app.inject('/search')).statusCode, 429)
  t.same(redis.keys, ['rl:127.0.0.1', 'rl:GET/search-127.0.0.1', 'rl:GET/search-127.0.0.1'])
  t.same(redis.defined, ['errorEnvelopeCount 1'], 'the count script is defined once on the client')
  const again = await build(t, { plugin: { rateLimit: { max: 2, redis, nameSpace: 'rl:' } } })
  t.equal((await again.app.inject('/nowhere')).statusCode, 404)
  t.same(redis.defined, ['errorEnvelopeCount 1'], 'a second app on the same client defines nothing again')
})

t.test('lets requests through without rate-limit headers while Redis fails, warning once per outage', async (t) => {
  const { app, logs, redis } = await storeApp(t)
  redis.mode = 'fail'
  for (let i = 0; i < 4; i++) {
    const { response } = await timed(app)
    t.equal(response.statusCode, 200)
    t.equal(response.body, '{"widgets":[]}')
    t.notOk('x-ratelimit-remaining' in response.headers)
    await settle()
  }
  const outage = outageLines(logs)
  t.equal(outage.length, 1, 'one warning for the whole outage')
  t.equal(outage[0].level, 40)
  t.equal(outage[0].msg, 'Rate limit store unavailable; requests pass unlimited until it answers')
  t.equal(outage[0].err.message, 'connect ECONNREFUSED 10.9.8.7:6379', 'the driver\'s error is logged, never answered')

  t.same(redis.keys.filter((key) => key.startsWith('read')), ['read rl:127.0.0.1', 'read rl:127.0.0.1', 'read rl:127.0.0.1'], 'a probe per request once the last one failed')

  redis.mode = 'answer'
  const probing = await app.inject('/widgets')
  t.notOk('x-ratelimit-remaining' in probing.headers, 'the request that sends the probe does not wait for it')
  await settle()
  t.equal(recoveryLines(logs).length, 1)
  const back = await app.inject('/widgets')
  t.equal(back.headers['x-ratelimit-remaining'], '1', 'counting resumes')
  redis.mode = 'fail'
  await app.inject('/widgets')
  t.equal(outageLines(logs).length, 2, 'a new outage warns again')
})

t.test('answers 503 service_unavailable with Retry-After and no driver text when onStoreError is closed', async (t) => {
  const { app, logs, redis } = await storeApp(t, { onStoreError: 'closed' })
  redis.mode = 'fail'
  const response = await app.inject('/widgets')
  assertEnvelope(t, response, 503, {
    code: 'service_unavailable',
    message: 'Rate limiting is unavailable, retry in 1 second',
    type: 'api_error'
  })
  t.equal(response.headers['retry-after'], '1')
  t.notMatch(response.body, /ECONNREFUSED|10\.9\.8\.7/)
  t.equal(outageLines(logs)[0].msg, 'Rate limit store unavailable; requests are answered 503 until it answers')
})

t.test('answers within the deadline when Redis never answers, then at once, with one probe out until Redis answers', async (t) => {
  const { app, logs, redis } = await storeApp(t, { onStoreError: 'closed' })
  redis.mode = 'hang'
  const first = await timed(app)
  t.equal(first.response.statusCode, 503)
  t.ok(first.ms >= 49 && first.ms < 90, `first request answered at the deadline (${first.ms.toFixed(1)} ms)`)
  t.equal(outageLines(logs)[0].err.message, 'Rate limit store did not answer within 50 ms')
  for (let i = 0; i < 5; i++) {
    const { response, ms } = await timed(app)
    t.equal(response.statusCode, 503)
    t.ok(ms < 20, `answered at once during the outage (${ms.toFixed(1)} ms)`)
  }
  t.same(redis.keys, ['rl:127.0.0.1', 'read rl:127.0.0.1'], 'one probe, and no command piles up behind the silent Redis')

  redis.release()
  redis.mode = 'answer'
  t.equal(recoveryLines(logs).length, 1)
  const back = await app.inject('/widgets')
  t.equal(back.statusCode, 200)
  t.equal(back.headers['x-ratelimit-remaining'], '0', 'the late answer was counted, and counting goes on')
  t.equal(outageLines(logs).length, 1)
})

t.test('counts the late failure of a call that had timed out as part of the same outage', async (t) => {
  const { app, logs, redis } = await storeApp(t)
  redis.mode = 'hang'
  t.equal((await app.inject('/widgets')).statusCode, 200)
  redis.mode = 'fail'
  redis.release()
  t.equal(outageLines(logs).length, 1)
  t.equal(recoveryLines(logs).length, 0)
})
