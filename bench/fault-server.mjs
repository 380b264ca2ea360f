// The server of `npm run soak:faults`: the plugin with the Redis rate limit
// store, `node bench/fault-server.mjs <redis port> <open|closed>`. Reports its
// port over IPC, and counts unhandled errors, which it reports on 'stats'.
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import errorEnvelope, { serverOptions } from 'error-envelope'

const [redisPort, onStoreError] = process.argv.slice(2)
let unhandled = 0
process.on('unhandledRejection', () => { unhandled++ })
process.on('uncaughtException', () => { unhandled++ })

const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: true })
redis.on('error', () => {}) // connection errors are the point of this run; the store reports outages
await redis.connect()
const app = Fastify({ logger: false, ...serverOptions() })
await app.register(errorEnvelope, {
  rateLimit: { max: 1e9, timeWindow: '1 minute', redis, storeTimeout: 100, onStoreError }
})
app.get('/ok', async () => ({ ok: true }))
app.addHook('onClose', async () => { redis.disconnect() })
await app.listen({ port: 0, host: '127.0.0.1' })
process.send({ port: app.server.address().port })
process.on('message', (message) => {
  if (message === 'stats') process.send({ unhandled })
})
process.on('disconnect', () => { app.close().then(() => process.exit(0)) })
