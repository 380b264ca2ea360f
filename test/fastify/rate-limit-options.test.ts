import Fastify from 'fastify'
import t from 'tap'
import rateLimit from '@fastify/rate-limit'
import errorEnvelope, { routeRateLimit } from '../../index.js'
import { assertEnvelope, contractErrors } from '../helper.js'
import { normalizeRateLimitOptions } from '../../lib/fastify/rate-limit-options.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'

const redis = { defineCommand () {} }

t.test('fills in every default of rateLimit: {}', async (t) => {
  t.same(normalizeRateLimitOptions({}), {
    max: 100,
    timeWindow: 60_000,
    ban: -1,
    keyGenerator: undefined,
    headers: 'legacy',
    redis: undefined,
    nameSpace: 'fastify-rate-limit-',
    storeTimeout: 100,
    onStoreError: 'open',
    global: true
  })
  t.equal(normalizeRateLimitOptions(undefined), false)
  t.equal(normalizeRateLimitOptions(false), false)
})

t.test('keeps every valid option as given, a window string read as milliseconds', async (t) => {
  const keyGenerator = (): string => 'k'
  t.same(normalizeRateLimitOptions({
    max: 5, timeWindow: '1.5s', ban: 0, keyGenerator, headers: 'both', redis, nameSpace: 'rl:', storeTimeout: 50, onStoreError: 'closed', global: false
  }), { max: 5, timeWindow: 1500, ban: 0, keyGenerator, headers: 'both', redis, nameSpace: 'rl:', storeTimeout: 50, onStoreError: 'closed', global: false })
  t.equal((normalizeRateLimitOptions({ timeWindow: 2.5 }) as { timeWindow: number }).timeWindow, 3)
})

const wrong: Array<[string, unknown, MisuseCode, string]> = [
  ['rateLimit', true, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit" must be an object, instead got true'],
  ['rateLimit', { maximum: 5 }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "rateLimit.maximum"; known options of rateLimit: max, timeWindow, ban, keyGenerator, headers, redis, nameSpace, storeTimeout, onStoreError, global'],
  ['rateLimit.max', { max: 0 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.max" must be a positive integer, instead got 0'],
  ['rateLimit.max', { max: '10' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.max" must be a positive integer, instead got "10"'],
  ['rateLimit.timeWindow', { timeWindow: 'soon' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.timeWindow" must be a positive number of milliseconds or a duration such as "1 minute", instead got "soon"'],
  ['rateLimit.timeWindow', { timeWindow: -1 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.timeWindow" must be a positive number of milliseconds or a duration such as "1 minute", instead got -1'],
  ['rateLimit.timeWindow', { timeWindow: 2 ** 60 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.timeWindow" must be a positive number of milliseconds or a duration such as "1 minute", instead got 1152921504606847000'],
  ['rateLimit.ban', { ban: -1 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.ban" must be an integer of 0 or more, instead got -1'],
  ['rateLimit.keyGenerator', { keyGenerator: 'ip' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.keyGenerator" must be a function, instead got "ip"'],
  ['rateLimit.headers', { headers: 'ietf' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.headers" must be one of legacy, draft, both, instead got "ietf"'],
  ['rateLimit.redis', { redis: 'redis://localhost' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.redis" must be an ioredis client, instead got "redis://localhost"'],
  ['rateLimit.redis', { redis: null }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.redis" must be an ioredis client, instead got null'],
  ['rateLimit.nameSpace', { nameSpace: '' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.nameSpace" must be a non-empty string, instead got ""'],
  ['rateLimit.storeTimeout', { storeTimeout: 0 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.storeTimeout" must be a positive integer, instead got 0'],
  ['rateLimit.onStoreError', { onStoreError: 'fail' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.onStoreError" must be one of open, closed, instead got "fail"'],
  ['rateLimit.global', { global: 'no' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "rateLimit.global" must be a boolean, instead got "no"']
]

for (const [name, rateLimit, code, message] of wrong) {
  t.test(`refuses ${name} given as ${JSON.stringify(rateLimit)} at registration with a message naming it`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(errorEnvelope, { rateLimit: rateLimit as never }) }, new MisuseError(code, message))
  })
}

const wrongRoutes: Array<[unknown, MisuseCode, string]> = [
  [true, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "config.rateLimit of GET /search" must be an object or false, instead got true'],
  [null, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "config.rateLimit of GET /search" must be an object or false, instead got null'],
  [{ max: 0 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "config.rateLimit of GET /search.max" must be a positive integer, instead got 0'],
  [{ hook: 'preHandler' }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "config.rateLimit of GET /search.hook"; known options of config.rateLimit of GET /search: max, timeWindow, ban, keyGenerator'],
  [{ keyGenerator: 1 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "config.rateLimit of GET /search.keyGenerator" must be a function, instead got 1']
]

for (const [config, code, message] of wrongRoutes) {
  t.test(`refuses config.rateLimit given as ${JSON.stringify(config)} when the route is added, naming the route`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(errorEnvelope, { rateLimit: {} })
    t.throws(() => app.get('/search', { config: { rateLimit: config as never } }, async () => 'x'), new MisuseError(code, message))
  })
}

t.test('refuses a route\'s config.rateLimit that nothing would count, saying which option to give', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  t.throws(() => app.get('/search', { config: { rateLimit: { max: 10 } } }, async () => 'x'), new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED',
    'error-envelope: config.rateLimit of GET /search would not be counted, since the plugin\'s rateLimit option is not given: register it with rateLimit: { global: false } to limit only the routes that set config.rateLimit, or rateLimit: {} to limit every route'
  ))
  app.get('/health', { config: { rateLimit: false } }, async () => 'ok')
  t.equal((await app.inject('/health')).statusCode, 200, 'config.rateLimit: false is no limit to count')
})

t.test('leaves config.rateLimit to @fastify/rate-limit when the plugin\'s rateLimit is off and it is registered', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  await app.register(rateLimit, { global: false })
  app.get('/search', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => 'x')
  t.equal((await app.inject('/search')).statusCode, 200)
  const limited = await app.inject('/search')
  t.equal(limited.statusCode, 429, '@fastify/rate-limit counts it')
  t.same(contractErrors(limited.json()), [], 'and its 429 is answered in the envelope')
})

t.test('routeRateLimit() checks a route\'s limit when called, and the route counts it', async (t) => {
  t.throws(() => routeRateLimit({ max: 0 }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "config.rateLimit of routeRateLimit().max" must be a positive integer, instead got 0'))
  t.throws(() => routeRateLimit({ maxx: 1 } as never), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "config.rateLimit of routeRateLimit().maxx"; known options of config.rateLimit of routeRateLimit(): max, timeWindow, ban, keyGenerator'))
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope, { rateLimit: { global: false } })
  app.get('/search', { config: { rateLimit: routeRateLimit({ max: 1, timeWindow: '1 minute' }) } }, async () => 'x')
  t.equal((await app.inject('/search')).statusCode, 200)
  assertEnvelope(t, await app.inject('/search'), 429, { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error' })
})

const TWO_LIMITERS = 'error-envelope: @fastify/rate-limit is registered and the plugin\'s rateLimit option is given: both would count every request, and the smaller max would win. Keep one: remove app.register(rateLimit), or the plugin\'s rateLimit option'

t.test('refuses the rateLimit option when @fastify/rate-limit is registered before the plugin, naming both', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { max: 2 })
  await t.rejects(async () => { await app.register(errorEnvelope, { rateLimit: { max: 5 } }) }, { code: 'ERR_ENVELOPE_TWO_RATE_LIMITERS', message: TWO_LIMITERS })
})

t.test('refuses the first route added where @fastify/rate-limit was registered after the plugin with rateLimit', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errorEnvelope, { rateLimit: { max: 5 } })
  await app.register(async function routes (child) {
    await child.register(rateLimit, { max: 2 })
    t.throws(() => child.get('/search', async () => 'x'), { code: 'ERR_ENVELOPE_TWO_RATE_LIMITERS', message: TWO_LIMITERS })
  })
})
