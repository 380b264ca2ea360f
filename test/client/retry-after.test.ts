import t from 'tap'
import { parseError, retryAfterMs, retryDelay } from '../../client.js'

t.test('reads Retry-After as seconds or as an HTTP-date, on any status', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(retryAfterMs(429, { 'retry-after': '45' }, now), 45_000)
  t.equal(retryAfterMs(503, new Headers({ 'Retry-After': ' 0 ' }), now), 0)
  t.equal(retryAfterMs(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now), 30_000)
  t.equal(retryAfterMs(503, { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now), 0, 'a date past is now')
  t.equal(retryAfterMs(503, { 'retry-after': 'soon' }, now), undefined)
  t.equal(retryAfterMs(503, { 'retry-after': '' }, now), undefined)
  t.equal(retryAfterMs(404, {}, now), undefined)
})

t.test('on a 429 without Retry-After, reads the rate-limit headers the server sends', async (t) => {
  t.equal(retryAfterMs(429, { ratelimit: '"default";r=0;t=30', 'ratelimit-policy': '"default";q=100;w=60' }), 30_000)
  t.equal(retryAfterMs(429, { 'ratelimit-reset': '12' }), 12_000)
  t.equal(retryAfterMs(429, { 'x-ratelimit-reset': '7' }), 7000)
  t.equal(retryAfterMs(429, { 'x-ratelimit-reset': 'later' }), undefined)
  t.equal(retryAfterMs(429, { 'retry-after': 'soon', ratelimit: '"default";r=0;t=3' }), 3000, 'an unreadable Retry-After gives way')
  t.equal(retryAfterMs(503, { ratelimit: '"default";r=0;t=30' }), undefined, 'only a 429 is about the rate limit')
  t.equal(retryAfterMs(429, {}), undefined)
})

t.test('a ClientError carries the wait', async (t) => {
  t.equal(parseError(429, { 'retry-after': '45' }, undefined).retryAfterMs, 45_000)
})

t.test('retryDelay waits what the response names, at most maxMs, else the fallback', async (t) => {
  const delay = retryDelay({ fallbackMs: 250, maxMs: 10_000 })
  t.equal(delay({ response: { status: 429, headers: new Headers({ 'retry-after': '2' }) } }), 2000)
  t.equal(delay({ response: { status: 503, headers: { 'retry-after': '45' } } }), 10_000)
  t.equal(delay({ response: { status: 502, headers: {} } }), 250)
  t.equal(delay({}), 250, 'no response: a network failure')
  t.equal(retryDelay()({ response: { status: 500, headers: {} } }), 1000)
  t.equal(retryDelay()({ response: { status: 429, headers: { 'retry-after': '120' } } }), 60_000)
})
