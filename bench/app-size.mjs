// The size of a realistic API, given to both servers of every pair, so that a
// pair measures what differs between them (the plugin, the adapter's
// middleware) rather than the size of the app: 30 routes with schemas and two
// small plugins, each with a hook or a decorator, as an API has for its
// authentication and its own headers.
import fp from 'fastify-plugin'

const ROUTES = 30
const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z]_[0-9]+$' } } }
const PAGE_QUERY = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, cursor: { type: 'string' } } }
const RESOURCE_BODY = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', maxLength: 100 }, tags: { type: 'array', items: { type: 'string' } }, count: { type: 'integer' } }
}
const RESOURCE = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } }

/**
 * Adds 30 routes with schemas (a list with a query schema, a read with a
 * params schema and a response schema, a create with a body schema, for ten
 * resources) and two plugins to a Fastify app.
 *
 * @example
 * ```js
 * const app = Fastify()
 * await app.register(errorEnvelope)
 * await addFastifyAppSize(app)
 * ```
 */
export async function addFastifyAppSize (app) {
  await app.register(fp(async function authentication (instance) {
    instance.decorateRequest('account', null)
    instance.addHook('onRequest', function readAccount (request, _reply, done) {
      request.account = request.headers.authorization === undefined ? null : 'acct_1'
      done()
    })
  }))
  await app.register(fp(async function apiVersion (instance) {
    instance.decorateReply('apiVersion', '2026-12-01')
  }))
  for (let i = 0; i < ROUTES / 3; i++) {
    const base = `/v1/resource${i}`
    app.get(base, { schema: { querystring: PAGE_QUERY } }, async function list () { return { data: [] } })
    app.get(`${base}/:id`, { schema: { params: ID_PARAMS, response: { 200: RESOURCE } } }, async function read (request) { return { id: request.params.id, name: 'x' } })
    app.post(base, { schema: { body: RESOURCE_BODY } }, async function create (request, reply) { reply.code(201); return { id: 'r_1', name: request.body.name } })
  }
}

/**
 * The same size for an Express app: 30 routes, two application middleware
 * functions and a JSON body parser on the routes that read a body.
 *
 * @example
 * ```js
 * const app = express()
 * addExpressAppSize(app, express.json)
 * ```
 */
export function addExpressAppSize (app, json) {
  app.use(function readAccount (req, _res, next) {
    req.account = req.headers.authorization === undefined ? null : 'acct_1'
    next()
  })
  app.use(function apiVersion (_req, res, next) {
    res.locals.apiVersion = '2026-12-01'
    next()
  })
  for (let i = 0; i < ROUTES / 3; i++) {
    const base = `/v1/resource${i}`
    app.get(base, function list (_req, res) { res.json({ data: [] }) })
    app.get(`${base}/:id`, function read (req, res) { res.json({ id: req.params.id, name: 'x' }) })
    app.post(base, json(), function create (req, res) { res.status(201).json({ id: 'r_1', name: req.body?.name }) })
  }
}
