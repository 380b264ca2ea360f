import { once } from 'node:events'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { assertFetched, buildExpress } from './helper.js'
import { redisAvailable, startRedis, type RedisServer } from '../fixtures/redis-server.js'

async function client (t: Test, server: RedisServer): Promise<Redis> {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
  t.teardown(() => redis.disconnect())
  await once(redis, 'ready')
  return redis
}

// storeTimeout is raised here, as on the Fastify side: 100 requests in one
// burst keep the event loop busy longer than the default deadline, and this
// file is about counting; test/conformance/redis-faults.test.ts holds the
// deadline to 100 ms.
async function instance (t: Test, server: RedisServer, max: number, timeWindow: number): Promise<string> {
  const built = buildExpress(t, { rateLimit: { max, timeWindow, redis: await client(t, server), nameSpace: 'test:', storeTimeout: 2000 } })
  built.app.get('/widgets', (_req, res) => { res.json({ widgets: [] }) })
  return await built.listen()
}

if (redisAvailable(t)) {
  const server = await startRedis(t)

  t.test('lets exactly max requests through across two Express instances sharing one Redis', async (t) => {
    const admin = await client(t, server)
    await admin.flushall()
    const bases = [await instance(t, server, 10, 60_000), await instance(t, server, 10, 60_000)]
    const responses = await Promise.all(Array.from({ length: 100 }, async (_, i) => await fetch(`${bases[i % 2]}/widgets`)))
    const passed = responses.filter((response) => response.status === 200)
    t.equal(passed.length, 10)
    t.same(passed.map((response) => response.headers.get('x-ratelimit-remaining')).sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const limited = responses.filter((response) => response.status === 429)
    t.equal(limited.length, 90)
    await assertFetched(t, limited[0], 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' })
    t.equal(await admin.get('test:127.0.0.1'), '100')
  })

  t.test('lets the counter expire with the window, then counts afresh', async (t) => {
    const admin = await client(t, server)
    await admin.flushall()
    const base = await instance(t, server, 1, 300)
    t.equal((await fetch(`${base}/widgets`)).status, 200)
    t.equal((await fetch(`${base}/widgets`)).status, 429)
    const ttl = await admin.pttl('test:127.0.0.1')
    t.ok(ttl > 0 && ttl <= 300, `the key expires with the window (${ttl} ms left)`)
    await new Promise((resolve) => setTimeout(resolve, 350))
    t.equal(await admin.exists('test:127.0.0.1'), 0, 'the key is gone')
    const fresh = await fetch(`${base}/widgets`)
    t.equal(fresh.status, 200)
    t.equal(fresh.headers.get('x-ratelimit-remaining'), '0')
  })
}
