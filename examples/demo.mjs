// A demo API with a route for every kind of failure. `npm start` runs it on
// localhost and prints curl lines to try; every error answers the envelope.
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import errorEnvelope, { conflict, gone, notFound, serverOptions, unauthorized, unprocessable } from 'error-envelope'
import { errors } from './errors.mjs'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' }, ...serverOptions() })
// Rate limiting, on the /search route only: counted in memory; with
// REDIS_URL set, in Redis, shared by every instance.
const redis = process.env.REDIS_URL === undefined
  ? undefined
  : new (await import('ioredis')).Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 })
// ERROR_FORMAT=problem answers RFC 9457 problem details instead.
await app.register(errorEnvelope, {
  format: process.env.ERROR_FORMAT ?? 'envelope',
  rateLimit: { global: false, redis },
  catalog: errors,
  docs: { path: '/errors', title: 'the widgets demo API' }
})
if (redis !== undefined) app.addHook('onClose', async () => { redis.disconnect() })

const widgets = new Map([['w_1', { id: 'w_1', name: 'Sprocket' }]])

app.get('/widgets/:id', async (request) => {
  const widget = widgets.get(request.params.id)
  if (widget === undefined) throw errors.widget_not_found({ id: request.params.id }, { param: 'id' })
  return widget
})

app.post('/widgets', {
  schema: {
    body: {
      type: 'object',
      required: ['name', 'email'],
      properties: {
        name: { type: 'string', minLength: 3 },
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string' } }
      }
    }
  }
}, async (request, reply) => {
  if (request.body.email === 'taken@example.com') {
    throw unprocessable('Email already registered', { details: [{ field: 'email', message: 'is already taken' }] })
  }
  if ([...widgets.values()].some((widget) => widget.name === request.body.name)) {
    throw conflict(`A widget named ${request.body.name} exists`, { param: 'name' })
  }
  const widget = { id: `w_${widgets.size + 1}`, name: request.body.name }
  widgets.set(widget.id, widget)
  return reply.code(201).send(widget)
})

app.get('/private', async (request) => {
  if (request.headers.authorization !== 'Bearer demo') throw unauthorized('Invalid API key')
  return { secret: 'only for you' }
})

app.get('/search', { config: { rateLimit: { max: 3, timeWindow: '1 minute' } } }, async (request) => {
  return { query: request.query.q ?? '', hits: [] }
})

app.get('/legacy', async () => { throw gone('This endpoint was retired') })
app.get('/crash', async () => { throw new Error('connection to db-primary:5432 refused (password=hunter2)') })

// The client half in a browser: /client/ loads error-envelope/client as ES
// modules straight from the package's build, fetches a failing route and
// shows what readError() made of it.
const clientBuild = dirname(fileURLToPath(import.meta.resolve('error-envelope/client')))
const CLIENT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>error-envelope/client</title></head>
<body><main><h1>readError() in a browser</h1><p>GET /widgets/w_9 answered:</p><pre id="error">reading…</pre></main>
<script type="module">
import { readError } from '/client/client.js'
const res = await fetch('/widgets/w_9')
const err = await readError(res)
const shown = { name: err.name, status: err.status, code: err.code, type: err.type, message: err.message, param: err.param,
  details: err.details, requestId: err.requestId, header: res.headers.get('x-request-id'), docUrl: err.docUrl,
  retryable: err.retryable, format: err.format, body: err.body, bodyStillUnread: !res.bodyUsed }
const out = document.getElementById('error')
out.textContent = JSON.stringify(shown, null, 2)
out.dataset.ready = 'true'
</script></body></html>
`
app.get('/client/', async (request, reply) => reply.type('text/html; charset=utf-8').send(CLIENT_PAGE))
app.get('/client/*', async (request, reply) => {
  const file = request.params['*']
  // Only the client's own modules and the table of codes it imports.
  if (!/^(client|lib\/client\/[a-z-]+|lib\/core\/code-table)\.js$/.test(file)) throw notFound(`No client module ${file}`)
  return reply.type('text/javascript; charset=utf-8').send(await readFile(join(clientBuild, file), 'utf8'))
})

await app.listen({ port, host })

const base = `http://${host}:${app.server.address().port}`
const tries = [
  ['a widget', `curl -i ${base}/widgets/w_1`],
  ['404 from a helper', `curl -i ${base}/widgets/w_9`],
  ['404 for an unknown path', `curl -i ${base}/nothing-here`],
  ['405 with Allow', `curl -i -X DELETE ${base}/widgets/w_1`],
  ['501 for an unknown method', `curl -i -X PROPFIND ${base}/widgets/w_1`],
  ['422 naming every bad field', `curl -i -X POST ${base}/widgets -H 'content-type: application/json' -d '{"name":"x","email":"nope"}'`],
  ['400 malformed JSON', `curl -i -X POST ${base}/widgets -H 'content-type: application/json' -d '{"name":'`],
  ['422 business rule', `curl -i -X POST ${base}/widgets -H 'content-type: application/json' -d '{"name":"Gear","email":"taken@example.com"}'`],
  ['409 conflict', `curl -i -X POST ${base}/widgets -H 'content-type: application/json' -d '{"name":"Sprocket","email":"a@example.com"}'`],
  ['401 with WWW-Authenticate', `curl -i ${base}/private`],
  ['410 from gone()', `curl -i ${base}/legacy`],
  ['500, masked', `curl -i ${base}/crash`],
  ['429 after 3 searches a minute', `for i in 1 2 3 4; do curl -s -i ${base}/search?q=gear | head -1; done; curl -i ${base}/search`],
  ['your own request id', `curl -i -H 'X-Request-Id: my-trace-1' ${base}/widgets/w_9`]
]
process.stdout.write(`\nerror-envelope demo on ${base}; try:\n\n`)
for (const [what, line] of tries) process.stdout.write(`  # ${what}\n  ${line}\n\n`)
process.stdout.write(`The "Errors" reference page of these codes: ${base}/errors (JSON: ${base}/errors.json)\n\n`)
process.stdout.write(`error-envelope/client reading an error in a browser: ${base}/client/\n\n`)
