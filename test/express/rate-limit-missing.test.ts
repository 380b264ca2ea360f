import t from 'tap'
import { assertFetched, buildExpress } from './helper.js'

t.test('answers the masked 500 and keeps serving when express-rate-limit cannot be loaded', async (t) => {
  const { rateLimitShared, globalRateLimit } = await t.mockImport<typeof import('../../lib/express/rate-limit.js')>('../../lib/express/rate-limit.js', {
    'rate-limit-redis': { get RedisStore () { throw new Error('Cannot find package rate-limit-redis') } }
  })
  const built = buildExpress(t)
  const settings = { logger: { warn () {}, info () {} }, rateLimit: {} } as any
  const options = { max: 1, timeWindow: 1000, ban: -1, keyGenerator: undefined, headers: 'legacy', redis: { defineCommand () {}, call: async () => 'OK' }, nameSpace: 'x-', storeTimeout: 100, onStoreError: 'open', global: true } as const
  built.app.get('/widgets', globalRateLimit(rateLimitShared(settings, options)), (_req, res) => { res.json({ widgets: [] }) })
  const base = await built.listen()
  await assertFetched(t, await fetch(`${base}/widgets`), 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' })
})
