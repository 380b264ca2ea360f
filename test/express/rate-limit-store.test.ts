import t from 'tap'
import { waitFor } from '../helper.js'
import { storeHealth } from '../../lib/core/store-health.js'
import { deadlineRedisStore, type CountingStore, type RedisStoreClass } from '../../lib/express/rate-limit-store.js'

// A stand-in for rate-limit-redis's store that records what it is asked and
// fails while `failing` is set.
function fakeStoreClass (calls: string[], state: { failing: boolean }): RedisStoreClass {
  return class FakeRedisStore implements CountingStore {
    readonly prefix: string
    constructor (options: { prefix: string }) { this.prefix = options.prefix }
    async init (options: { windowMs: number }): Promise<void> { calls.push(`init ${options.windowMs}`); if (state.failing) throw new Error('ECONNREFUSED') }
    async increment (key: string): Promise<{ totalHits: number, resetTime: Date }> {
      calls.push(`increment ${this.prefix}${key}`)
      if (state.failing) throw new Error('ECONNREFUSED')
      return { totalHits: 1, resetTime: new Date(Date.now() + 1000) }
    }

    async decrement (key: string): Promise<void> { calls.push(`decrement ${this.prefix}${key}`) }
    async resetKey (key: string): Promise<void> { calls.push(`reset ${this.prefix}${key}`) }
    async get (key: string): Promise<undefined> { calls.push(`get ${this.prefix}${key}`); if (state.failing) throw new Error('ECONNREFUSED') }
  } as unknown as RedisStoreClass
}

const redis = { defineCommand () {}, call: async () => 'OK' }

t.test('passes every store call through under the deadline, with the prefix', async (t) => {
  const calls: string[] = []
  const health = storeHealth({ timeout: 100, onOutage () {}, onRecovery () {} })
  const store = deadlineRedisStore(fakeStoreClass(calls, { failing: false }), redis, 'rl-', health)
  store.init({ windowMs: 5000 })
  t.same((await store.increment('k')).totalHits, 1)
  await store.decrement('k')
  await store.resetKey('k')
  t.equal(await store.get('k'), undefined)
  t.same(calls, ['init 5000', 'increment rl-k', 'decrement rl-k', 'reset rl-k', 'get rl-k'])
})

t.test('swaps in a fresh store once a probe answers after an outage that began at setup', async (t) => {
  const calls: string[] = []
  const state = { failing: true }
  const events: string[] = []
  const health = storeHealth({ timeout: 100, onOutage () { events.push('down') }, onRecovery () { events.push('up') } })
  const store = deadlineRedisStore(fakeStoreClass(calls, state), redis, 'rl-', health)
  store.init({ windowMs: 5000 })
  t.ok(await waitFor(() => events.length > 0), 'the script load has failed')
  t.same(events, ['down'], 'the failed script load is an outage')
  await t.rejects(store.increment('k'), { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store is unavailable' })
  t.ok(await waitFor(() => !health.probing), 'the probe has settled')
  t.equal(health.down, true, 'the probe failed too')
  state.failing = false
  await t.rejects(store.increment('k'), { code: 'ERR_RATE_LIMIT_STORE' })
  t.ok(await waitFor(() => !health.probing), 'the next probe has settled')
  t.same(events, ['down', 'up'], 'a probe answered')
  t.same((await store.increment('k')).totalHits, 1, 'the fresh store counts')
})

t.test('refuses a Redis client without call() at setup', async (t) => {
  const health = storeHealth({ timeout: 100, onOutage () {}, onRecovery () {} })
  t.throws(() => deadlineRedisStore(fakeStoreClass([], { failing: false }), { defineCommand () {} }, 'rl-', health), {
    code: 'ERR_ENVELOPE_INVALID_OPTION',
    message: 'error-envelope option "rateLimit.redis" must be an ioredis client (with call()) on Express'
  })
})
