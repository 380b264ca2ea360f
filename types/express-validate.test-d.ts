import express from 'express'
import { errorEnvelope } from 'error-envelope/express'

const app = express()
const envelope = errorEnvelope()
app.use(envelope.beforeRoutes())
app.use(express.json())

const widget = {
  type: 'object',
  required: ['item', 'qty'],
  additionalProperties: false,
  properties: { item: { type: 'string' }, qty: { type: 'integer' }, note: { type: 'string' } }
} as const

app.post('/widgets', envelope.validate({ body: widget }), (req, res) => {
  const item: string = req.body.item
  const qty: number = req.body.qty
  const note: string | undefined = req.body.note
  // @ts-expect-error admin is not a property of the schema
  const admin = req.body.admin
  // @ts-expect-error qty is a number
  const wrong: string = req.body.qty
  res.status(201).json({ item, qty, note, admin, wrong })
})

// Inline schemas are read as literals; query and params too.
app.get('/widgets/:id', envelope.validate({
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
  query: { type: 'object', properties: { limit: { type: 'integer' } } }
}), (req, res) => {
  const id: string = req.params.id
  const limit: number | undefined = req.query.limit
  // @ts-expect-error limit is a number
  req.query.limit.toUpperCase()
  res.json({ id, limit })
})

// A path parameter is always there, listed in required or not.
app.get('/orders/:id', envelope.validate({ params: { type: 'object', properties: { id: { type: 'string', pattern: '^o_[0-9]+$' } } } }), (req, res) => {
  const id: string = req.params.id
  res.json({ id })
})

// A schema held in a variable without `as const` keeps req.body as before.
const loose: object = { type: 'object' }
app.post('/loose', envelope.validate({ body: loose }), (req, res) => {
  const anything: { whatever: boolean } = req.body
  res.json(anything)
})

// A part without a schema keeps Express's own type.
app.get('/plain', envelope.validate({ headers: { type: 'object' } }), (req, res) => {
  const q: unknown = req.query
  res.json({ q })
})
app.use(envelope.afterRoutes())
