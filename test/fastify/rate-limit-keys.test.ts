import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import t, { type Test } from 'tap'
import { build, type LogLine } from '../helper.js'
import type { RateLimitOptions } from '../../index.js'

async function keyedApp (t: Test, rateLimit: RateLimitOptions, server?: FastifyServerOptions): Promise<{ app: FastifyInstance, logs: LogLine[] }> {
  return await build(t, {
    server,
    plugin: { rateLimit: { max: 1, ...rateLimit } },
    routes (app) {
      app.get('/widgets', async () => ({ widgets: [] }))
      app.get('/search', { config: { rateLimit: { max: 1, keyGenerator: (request) => request.headers['x-user'] as string } } }, async () => ({ hits: [] }))
    }
  })
}

async function status (app: FastifyInstance, headers: Record<string, string> = {}, remoteAddress?: string, url = '/widgets'): Promise<number> {
  return (await app.inject({ url, headers, remoteAddress })).statusCode
}

t.test('counts each client IP in a bucket of its own', async (t) => {
  const { app } = await keyedApp(t, {})
  t.equal(await status(app, {}, '203.0.113.1'), 200)
  t.equal(await status(app, {}, '203.0.113.1'), 429)
  t.equal(await status(app, {}, '203.0.113.2'), 200)
})

t.test('groups IPv6 clients by /64 and reads an IPv4-mapped address as IPv4', async (t) => {
  const { app } = await keyedApp(t, {})
  t.equal(await status(app, {}, '2001:db8:1:2::1'), 200)
  t.equal(await status(app, {}, '2001:db8:1:2:ffff:ffff:ffff:ffff'), 429, 'same /64')
  t.equal(await status(app, {}, '2001:db8:1:3::1'), 200, 'next /64')
  t.equal(await status(app, {}, '198.51.100.7'), 200)
  t.equal(await status(app, {}, '::ffff:198.51.100.7'), 429, 'IPv4-mapped IPv6 is the IPv4 client')
})

t.test('counts by the keyGenerator\'s key, a string or a number', async (t) => {
  const { app } = await keyedApp(t, { keyGenerator: (request) => request.headers['x-api-key'] === 'seven' ? 7 : request.headers['x-api-key'] as string })
  t.equal(await status(app, { 'x-api-key': 'alpha' }), 200)
  t.equal(await status(app, { 'x-api-key': 'alpha' }), 429)
  t.equal(await status(app, { 'x-api-key': 'beta' }), 200, 'another key, same IP')
  t.equal(await status(app, { 'x-api-key': 'seven' }), 200)
  t.equal(await status(app, { 'x-api-key': 'seven' }), 429)
})

t.test('counts by client IP when the keyGenerator gives an empty or missing key, rather than one shared bucket', async (t) => {
  const { app } = await keyedApp(t, {
    async keyGenerator (request) {
      const key = request.headers['x-api-key']
      if (key === 'null') return null
      if (key === 'nan') return Number.NaN
      return key as string | undefined
    }
  })
  t.equal(await status(app, { 'x-api-key': '' }, '203.0.113.1'), 200)
  t.equal(await status(app, {}, '203.0.113.1'), 429, 'undefined is the same IP bucket as an empty key')
  t.equal(await status(app, { 'x-api-key': 'null' }, '203.0.113.1'), 429)
  t.equal(await status(app, { 'x-api-key': 'nan' }, '203.0.113.1'), 429)
  t.equal(await status(app, {}, '203.0.113.2'), 200, 'another client without a key has its own bucket')
})

t.test('counts by client IP and logs a warning when the keyGenerator throws', async (t) => {
  const { app, logs } = await keyedApp(t, { keyGenerator () { throw new Error('token store offline') } })
  t.equal(await status(app, {}, '203.0.113.1'), 200)
  t.equal(await status(app, {}, '203.0.113.1'), 429)
  t.equal(await status(app, {}, '203.0.113.2'), 200)
  const warnings = logs.filter((line) => line.msg === 'Rate limit keyGenerator failed; counting the request by client IP')
  t.equal(warnings.length, 3)
  t.equal(warnings[0].level, 40)
  t.equal(warnings[0].err.message, 'token store offline')
})

t.test('counts by client IP and logs a warning when an async keyGenerator rejects', async (t) => {
  const { app, logs } = await keyedApp(t, { async keyGenerator () { throw new Error('token store timed out') } })
  t.equal(await status(app, {}, '203.0.113.1'), 200)
  t.equal(await status(app, {}, '203.0.113.1'), 429)
  t.equal(await status(app, {}, '203.0.113.2'), 200)
  const warnings = logs.filter((line) => line.msg === 'Rate limit keyGenerator failed; counting the request by client IP')
  t.equal(warnings.length, 3)
  t.equal(warnings[0].err.message, 'token store timed out')
})

t.test('awaits a keyGenerator that returns a thenable other than a Promise', async (t) => {
  const { app } = await keyedApp(t, {
    keyGenerator: (request) => ({
      then (resolve: (key: string) => void) { setImmediate(resolve, request.headers['x-api-key'] as string) }
    }) as unknown as Promise<string>
  })
  t.equal(await status(app, { 'x-api-key': 'alpha' }, '203.0.113.1'), 200)
  t.equal(await status(app, { 'x-api-key': 'alpha' }, '203.0.113.2'), 429, 'counted by the key, not the IP')
  t.equal(await status(app, { 'x-api-key': 'beta' }, '203.0.113.1'), 200)
})

t.test('uses a route\'s own keyGenerator, with the same IP fallback', async (t) => {
  const { app } = await keyedApp(t, {})
  t.equal(await status(app, { 'x-user': 'u_1' }, '203.0.113.1', '/search'), 200)
  t.equal(await status(app, { 'x-user': 'u_2' }, '203.0.113.1', '/search'), 200)
  t.equal(await status(app, { 'x-user': 'u_1' }, '203.0.113.9', '/search'), 429)
  t.equal(await status(app, {}, '203.0.113.1', '/search'), 200)
  t.equal(await status(app, {}, '203.0.113.1', '/search'), 429)
})

t.test('ignores a spoofed X-Forwarded-For when no proxy is trusted', async (t) => {
  const { app } = await keyedApp(t, {})
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.1' }, '203.0.113.1'), 200)
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.2' }, '203.0.113.1'), 429, 'a new forwarded address is no new bucket')
})

t.test('counts by the forwarded client address when the proxy is trusted', async (t) => {
  const { app } = await keyedApp(t, {}, { trustProxy: '10.0.0.1' })
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.1' }, '10.0.0.1'), 200)
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.2' }, '10.0.0.1'), 200)
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.1' }, '10.0.0.1'), 429)
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.3' }, '203.0.113.1'), 200, 'an untrusted sender is counted by its own address')
  t.equal(await status(app, { 'x-forwarded-for': '192.0.2.4' }, '203.0.113.1'), 429)
})
