// The demo API of `npm start`, served by Express 5: `npm run start:express`
// runs it on localhost and prints the same curl lines; every error answers
// the envelope.
import express from 'express'
import pino from 'pino'
import { conflict, errorEnvelope, gone, unauthorized, unprocessable, unsupportedMediaType } from 'error-envelope/express'
import { errors } from './errors.mjs'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'

const app = express()
// Rate limiting, on the /search route only: counted in memory; with
// REDIS_URL set, in Redis, shared by every instance.
const redis = process.env.REDIS_URL === undefined
  ? undefined
  : new (await import('ioredis')).Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 })
// ERROR_FORMAT=problem answers RFC 9457 problem details instead.
const envelope = errorEnvelope({
  format: process.env.ERROR_FORMAT ?? 'envelope',
  logger: pino({ level: process.env.LOG_LEVEL ?? 'info' }),
  rateLimit: { global: false, redis },
  catalog: errors,
  docs: { path: '/errors', title: 'the widgets demo API' }
})
app.use(envelope.beforeRoutes())
app.use(express.json())

const widgets = new Map([['w_1', { id: 'w_1', name: 'Sprocket' }]])

app.get('/widgets/:id', (req, res) => {
  const widget = widgets.get(req.params.id)
  if (widget === undefined) throw errors.widget_not_found({ id: req.params.id }, { param: 'id' })
  res.json(widget)
})

const widgetSchema = {
  type: 'object',
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 3 },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } }
  }
}

// express.json() leaves a body of another type unread: say so with a 415
// rather than validate an empty body.
function jsonOnly (req, res, next) {
  next(req.is('application/json') === false ? unsupportedMediaType('Send the widget as application/json') : undefined)
}

app.post('/widgets', jsonOnly, envelope.validate({ body: widgetSchema }), (req, res) => {
  if (req.body.email === 'taken@example.com') {
    throw unprocessable('Email already registered', { details: [{ field: 'email', message: 'is already taken' }] })
  }
  if ([...widgets.values()].some((widget) => widget.name === req.body.name)) {
    throw conflict(`A widget named ${req.body.name} exists`, { param: 'name' })
  }
  const widget = { id: `w_${widgets.size + 1}`, name: req.body.name }
  widgets.set(widget.id, widget)
  res.status(201).json(widget)
})

app.get('/private', (req, res) => {
  if (req.headers.authorization !== 'Bearer demo') throw unauthorized('Invalid API key')
  res.json({ secret: 'only for you' })
})

// The search route's own limit: 3 requests a minute per client.
app.get('/search', envelope.rateLimit({ max: 3, timeWindow: '1 minute' }), (req, res) => {
  res.json({ query: req.query.q ?? '', hits: [] })
})

app.get('/legacy', () => { throw gone('This endpoint was retired') })
app.get('/crash', async () => { throw new Error('connection to db-primary:5432 refused (password=hunter2)') })

app.use(envelope.afterRoutes())

const server = app.listen(port, host, () => {
  const base = `http://${host}:${server.address().port}`
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
  process.stdout.write(`\nerror-envelope demo (Express) on ${base}; try:\n\n`)
  for (const [what, line] of tries) process.stdout.write(`  # ${what}\n  ${line}\n\n`)
  process.stdout.write(`The "Errors" reference page of these codes: ${base}/errors (JSON: ${base}/errors.json)\n\n`)
})
