// The server of `npm run soak`: the plugin with the in-memory rate limiter and
// a route for every kind of error. Counts the responses it sends, by status:
// the client's count misses some of those that close their connection (a
// malformed body's 400, as Fastify answers it). Answers 'served' messages
// with that count, and 'memory' messages with it and its memory use after a
// full garbage collection.
import Fastify from 'fastify'
import errorEnvelope, { notFound, serverOptions } from 'error-envelope'

const app = Fastify({ logger: false, ...serverOptions() })
await app.register(errorEnvelope, {
  rateLimit: {
    max: 1e9,
    timeWindow: '1 hour',
    keyGenerator: (request) => request.headers['x-api-key']
  }
})
const statuses = {}
app.addHook('onResponse', function countStatus (_request, reply, done) {
  statuses[reply.statusCode] = (statuses[reply.statusCode] ?? 0) + 1
  done()
})
app.get('/ok', async () => ({ ok: true }))
app.get('/widgets/:id', async (request) => {
  if (request.params.id !== 'w_1') throw notFound(`Widget ${request.params.id} not found`, { param: 'id' })
  return { id: 'w_1' }
})
app.get('/crash', async () => { throw new Error('connection refused (password=hunter2)') })
app.post('/items', {
  schema: {
    body: {
      type: 'object',
      required: ['name', 'email', 'age'],
      properties: { name: { type: 'string' }, email: { type: 'string' }, age: { type: 'integer' } }
    }
  }
}, async () => ({ ok: true }))
app.get('/limited', { config: { rateLimit: { max: 1, timeWindow: '1 hour' } } }, async () => ({ ok: true }))

function servedCount () {
  let served = 0
  for (const status in statuses) served += statuses[status]
  return served
}

await app.listen({ port: 0, host: '127.0.0.1' })
process.send({ port: app.server.address().port })
process.on('message', (message) => {
  if (message === 'served') {
    process.send({ served: servedCount() })
    return
  }
  if (message !== 'memory') return
  globalThis.gc()
  globalThis.gc()
  const { heapUsed, rss } = process.memoryUsage()
  process.send({ heapUsed, rss, served: servedCount(), statuses: { ...statuses } })
})
// A soak that dies without killing its server leaves no server behind.
process.on('disconnect', () => { app.close().then(() => process.exit(0)) })
