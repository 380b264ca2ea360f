import express, { type Request } from 'express'
import { errorEnvelope, type RateLimitOptions, type RouteRateLimit } from 'error-envelope/express'

const app = express()
const envelope = errorEnvelope({
  rateLimit: {
    max: 100,
    timeWindow: '1 minute',
    headers: 'both',
    // The key generator receives Express's own request.
    keyGenerator: (req: Request) => req.get('x-api-key') ?? req.ip
  }
})
app.use(envelope.beforeRoutes())
app.get('/search', envelope.rateLimit({ max: 10, ban: 2 }), (_req, res) => { res.json({ hits: [] }) })
app.get('/export', envelope.rateLimit(), (_req, res) => { res.json({}) })
app.use(envelope.afterRoutes())

const options: RateLimitOptions<Request> = { global: false, onStoreError: 'closed', storeTimeout: 50 }
const route: RouteRateLimit = { timeWindow: 60_000 }

// @ts-expect-error headers is legacy, draft or both
errorEnvelope({ rateLimit: { headers: 'ietf' } })
// @ts-expect-error a route limit takes no store options
envelope.rateLimit({ redis: undefined, max: 1 })
// @ts-expect-error onStoreError is open or closed
const wrong: RateLimitOptions = { onStoreError: 'retry' }

export { options, route, wrong }

// openApi() returns the document's own type, with the error responses added.
const spec = envelope.openApi({ openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' }, paths: { '/widgets/{id}': { get: { 'x-errors': ['not_found'], responses: {} } } } })
const title: string = spec.info.title
export { title }
// @ts-expect-error a document is an object
envelope.openApi('openapi: 3.1.0')
// A document typed by an interface without index signatures (as openapi-types
// writes them), or as the object swagger-jsdoc returns.
interface Spec {
  openapi: string
  info: { title: string, version: string }
  paths: { '/widgets': { get: { responses: { 200: { description: string } } } } }
  components?: { schemas?: { Widget: { type: 'object' } } }
}
const typed: Spec = { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' }, paths: { '/widgets': { get: { responses: { 200: { description: 'OK' } } } } } }
const copied: Spec = envelope.openApi(typed)
const untyped: object = envelope.openApi(JSON.parse('{"openapi":"3.1.0","paths":{}}') as object)
export { copied, untyped }
