import t from 'tap'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { contractErrors } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { freePort } from '../../fixtures/redis-server.js'
import errorEnvelope, { notFound, serverOptions } from '../../../index.js'

// A logger every method of which throws, as a broken transport would, once
// armed (Fastify's own "Server listening" line is not the package's).
function throwingLogger (armed = true): Record<string, unknown> & { arm: () => void } {
  const logger = { child: () => logger, level: 'trace', isLevelEnabled: () => true, arm () { armed = true } } as Record<string, unknown> & { arm: () => void }
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
    logger[level] = function broken () { if (armed) throw new Error('log transport down') }
  }
  return logger
}

t.test('answers a request that Node\'s parser rejects with the envelope when every log call throws', async (t) => {
  const logger = throwingLogger(false)
  const app = Fastify({ loggerInstance: logger as never, disableRequestLogging: true, ...serverOptions() })
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  const port = await listen(app)
  logger.arm()
  const response = await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  t.equal(response.status, 400)
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { code: 'bad_request', message: 'Malformed HTTP request', type: 'invalid_request_error', request_id: response.headers['x-request-id'] } })
})

t.test('answers errors with the envelope when every log call throws, a 4xx and a 5xx', async (t) => {
  const app = Fastify({ loggerInstance: throwingLogger() as never, disableRequestLogging: true })
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  app.get('/missing', async () => { throw notFound('Widget w_1 not found') })
  app.get('/broken', async () => { throw new Error('db down') })
  const missing = await app.inject('/missing')
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', request_id: missing.headers['x-request-id'] } })
  const broken = await app.inject('/broken')
  t.equal(broken.statusCode, 500)
  t.same(broken.json(), { error: { code: 'internal_error', message: 'Internal server error', type: 'api_error', request_id: broken.headers['x-request-id'] } })
})

t.test('answers errors with the envelope when the logger\'s isLevelEnabled throws', async (t) => {
  const logger = throwingLogger()
  logger.isLevelEnabled = () => { throw new Error('broken level check') }
  const app = Fastify({ loggerInstance: logger as never, disableRequestLogging: true })
  t.teardown(() => app.close())
  await app.register(errorEnvelope)
  app.get('/missing', async () => { throw notFound('Widget w_1 not found') })
  const missing = await app.inject('/missing')
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', request_id: missing.headers['x-request-id'] } })
})

t.test('keeps the process and answers when the Redis outage warning\'s log call throws', async (t) => {
  const port = await freePort()
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: false })
  redis.on('error', () => {})
  t.teardown(() => redis.disconnect())
  for (const onStoreError of ['open', 'closed'] as const) {
    const app = Fastify({ loggerInstance: throwingLogger() as never, disableRequestLogging: true })
    t.teardown(() => app.close())
    await app.register(errorEnvelope, { rateLimit: { max: 3, redis, storeTimeout: 50, onStoreError } })
    app.get('/widgets', async () => ({ widgets: [] }))
    for (let i = 0; i < 3; i++) {
      const response = await app.inject('/widgets')
      if (onStoreError === 'open') {
        t.equal(response.statusCode, 200)
      } else {
        t.equal(response.statusCode, 503)
        t.same(contractErrors(response.json()), [])
        t.equal(response.json().error.code, 'service_unavailable')
      }
    }
  }
  // An outage warning thrown from the driver's callback would have ended the process by now.
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.pass('the process lives')
})
