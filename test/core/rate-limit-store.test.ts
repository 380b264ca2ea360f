import t from 'tap'
import { memoryStore, type Counted, type RateLimitStore } from '../../lib/core/rate-limit-store.js'

// What the store answered, copied as the limiter reads it: at once.
function count (store: RateLimitStore, key: string, timeWindow = 1000): Counted | Error | undefined {
  let answer: Counted | Error | undefined
  store.incr(key, (error, counted) => { answer = error ?? (counted === undefined ? undefined : { current: counted.current, ttl: counted.ttl }) }, timeWindow)
  return answer
}

t.test('the memory store counts a key in fixed windows, at once, with the time left', async (t) => {
  let now = 1_000_000
  t.capture(Date, 'now', () => now)
  const store = memoryStore()
  t.same(count(store, 'a'), { current: 1, ttl: 1000 }, 'answered before incr() returns')
  now += 400
  t.same(count(store, 'a'), { current: 2, ttl: 600 })
  t.same(count(store, 'b'), { current: 1, ttl: 1000 }, 'each key has its own window')
  now += 600
  t.same(count(store, 'a'), { current: 1, ttl: 1000 }, 'the window ended with its last millisecond: a new one starts')
  now += 999
  t.same(count(store, 'a'), { current: 2, ttl: 1 })
})

t.test('a route\'s store counts apart from the store it came from', async (t) => {
  t.capture(Date, 'now', () => 5000)
  const store = memoryStore()
  const search = store.child({ routeId: 'GET/search' })
  t.same(count(store, 'a'), { current: 1, ttl: 1000 })
  t.same(count(search, 'a'), { current: 1, ttl: 1000 })
  t.same(count(search, 'a'), { current: 2, ttl: 1000 })
  t.same(count(store, 'a'), { current: 2, ttl: 1000 })
})

t.test('the memory store keeps the keys used most recently, up to its size, in two generations of half that', async (t) => {
  t.capture(Date, 'now', () => 5000)
  const store = memoryStore(3)
  for (const key of ['a', 'b', 'c']) count(store, key)
  count(store, 'a')
  count(store, 'd')
  t.same(count(store, 'a'), { current: 3, ttl: 1000 }, 'a key used again is kept')
  t.same(count(store, 'b'), { current: 1, ttl: 1000 }, 'the key used least recently was dropped: it counts afresh')
  t.same(count(store, 'd'), { current: 2, ttl: 1000 })
  const big = memoryStore()
  for (let i = 0; i < 6000; i++) count(big, `k${i}`)
  t.same(count(big, 'k999'), { current: 1, ttl: 1000 }, 'by default at most 5,000 keys are kept')
  t.same(count(big, 'k2500'), { current: 2, ttl: 1000 }, 'and at least the 2,500 used last')
  t.same(count(big, 'k5999'), { current: 2, ttl: 1000 })
})
