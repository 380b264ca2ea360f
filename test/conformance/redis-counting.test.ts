import { once } from 'node:events'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { redisAvailable, startRedis, type RedisServer } from '../fixtures/redis-server.js'
import { envelopeAdapters, type Adapter, type Route } from './adapters.js'

// Counting on a shared Redis, the same on both adapters: instances sharing
// one Redis let exactly `max` requests through between them, and a key
// expires with its window. redis-faults.test.ts holds Redis failing.

const routes: Route[] = [{ method: 'GET', path: '/widgets', handler: () => ({ widgets: [] }) }]

async function client (t: Test, server: RedisServer): Promise<Redis> {
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
  t.teardown(() => redis.disconnect())
  await once(redis, 'ready')
  return redis
}

// storeTimeout is raised here: 100 requests in one burst keep the event
// loop busy longer than the default deadline, and this file is about
// counting; redis-faults.test.ts holds the deadline to 100 ms.
async function instance (t: Test, adapter: Adapter, server: RedisServer, max: number, timeWindow: number): Promise<string> {
  const { base } = await adapter.start(t, routes, { rateLimit: { max, timeWindow, redis: await client(t, server), nameSpace: 'test:', storeTimeout: 2000 } })
  return base
}

if (redisAvailable(t)) {
  const server = await startRedis(t)

  for (const adapter of envelopeAdapters) {
    t.test(`${adapter.name}: lets exactly max requests through across two instances sharing one Redis`, async (t) => {
      const admin = await client(t, server)
      await admin.flushall()
      const bases = [await instance(t, adapter, server, 10, 60_000), await instance(t, adapter, server, 10, 60_000)]
      const responses = await Promise.all(Array.from({ length: 100 }, async (_, i) => await fetch(`${bases[i % 2]}/widgets`)))
      const passed = responses.filter((response) => response.status === 200)
      t.equal(passed.length, 10)
      t.same(passed.map((response) => response.headers.get('x-ratelimit-remaining')).sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
      const limited = responses.filter((response) => response.status === 429)
      t.equal(limited.length, 90)
      const body = await limited[0].json()
      t.same(contractErrors(body), [], 'the 429 answers the contract')
      t.same(body, {
        error: {
          code: 'rate_limit_exceeded',
          message: 'Rate limit exceeded, retry in 60 seconds',
          type: 'rate_limit_error',
          request_id: limited[0].headers.get('x-request-id')
        }
      })
      t.match(body.error.request_id, /^req_/)
      t.equal(await admin.get('test:127.0.0.1'), '100')
    })

    t.test(`${adapter.name}: lets the counter expire with the window, then counts afresh`, async (t) => {
      const admin = await client(t, server)
      await admin.flushall()
      const base = await instance(t, adapter, server, 1, 300)
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

    t.test(`${adapter.name}: starts a window afresh for a key left without an expiry`, async (t) => {
      const admin = await client(t, server)
      await admin.flushall()
      await admin.set('test:127.0.0.1', '4')
      const base = await instance(t, adapter, server, 10, 60_000)
      const response = await fetch(`${base}/widgets`)
      t.equal(response.status, 200)
      t.equal(response.headers.get('x-ratelimit-remaining'), '9', 'the stale count is not carried on')
      t.equal(await admin.get('test:127.0.0.1'), '1')
      const ttl = await admin.pttl('test:127.0.0.1')
      t.ok(ttl > 0 && ttl <= 60_000, `the key expires with the window (${ttl} ms left)`)
    })
  }
}
