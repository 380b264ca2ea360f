import t from 'tap'
import express from 'express'
import { assertFetched, buildExpress } from './helper.js'
import { methodsAt } from '../../lib/express/not-found.js'

const ok = (_req: unknown, res: express.Response): void => { res.json({ ok: true }) }

function notAllowed (method: string, path: string): { code: string, message: string, type: string } {
  return { code: 'method_not_allowed', message: `Method ${method} is not allowed for ${path}`, type: 'invalid_request_error' }
}
function noRoute (method: string, path: string): { code: string, message: string, type: string } {
  return { code: 'not_found', message: `No route for ${method} ${path}`, type: 'invalid_request_error' }
}

t.test('answers 405 with Allow across routers mounted at any depth, app.route() and parametric paths', async (t) => {
  const { app, listen } = buildExpress(t)
  const inner = express.Router()
  inner.get('/reports/:year', ok)
  inner.route('/exports').get(ok).post(ok)
  const admin = express.Router()
  admin.use('/v2', inner)
  admin.patch('/users/:id', ok)
  admin.get('/', ok)
  app.use('/admin', admin)
  app.route('/widgets/:id').get(ok).delete(ok)
  const base = await listen()
  const cases: Array<[string, string, string]> = [
    ['POST', '/admin/v2/reports/2024', 'GET, HEAD'],
    ['DELETE', '/admin/v2/exports', 'GET, HEAD, POST'],
    ['GET', '/admin/users/7', 'PATCH'],
    ['DELETE', '/admin', 'GET, HEAD'],
    ['PUT', '/widgets/w_1', 'GET, HEAD, DELETE']
  ]
  for (const [method, path, allow] of cases) {
    const response = await fetch(base + path, { method })
    t.equal(response.headers.get('allow'), allow, `${method} ${path}`)
    await assertFetched(t, response, 405, notAllowed(method, path))
  }
  await assertFetched(t, await fetch(base + '/admin/v3/reports/2024', { method: 'POST' }), 404, noRoute('POST', '/admin/v3/reports/2024'))
  await assertFetched(t, await fetch(base + '/adminx/users/7'), 404, noRoute('GET', '/adminx/users/7'))
})

t.test('answers 404, never 405, where router.all() serves the path or the route handed the request on', async (t) => {
  const { app, listen } = buildExpress(t)
  const router = express.Router()
  router.all('/any', (_req, _res, next) => { next() })
  app.use('/r', router)
  app.get('/items/:id', (_req, _res, next) => { next() })
  const base = await listen()
  await assertFetched(t, await fetch(base + '/r/any', { method: 'DELETE' }), 404, noRoute('DELETE', '/r/any'))
  await assertFetched(t, await fetch(base + '/items/gone'), 404, noRoute('GET', '/items/gone'))
})

t.test('follows the app\'s case sensitive routing and strict routing settings', async (t) => {
  const { app, listen } = buildExpress(t, {}, { 'case sensitive routing': true, 'strict routing': true })
  const router = express.Router({ caseSensitive: true, strict: true })
  router.get('/Items/', ok)
  app.use('/api', router)
  app.get('/Widgets', ok)
  const base = await listen()
  await assertFetched(t, await fetch(base + '/Widgets', { method: 'POST' }), 405, notAllowed('POST', '/Widgets'))
  await assertFetched(t, await fetch(base + '/widgets', { method: 'POST' }), 404, noRoute('POST', '/widgets'))
  await assertFetched(t, await fetch(base + '/api/Items/', { method: 'POST' }), 405, notAllowed('POST', '/api/Items/'))
  await assertFetched(t, await fetch(base + '/api/Items', { method: 'POST' }), 404, noRoute('POST', '/api/Items'))
})

t.test('answers OPTIONS with 204 and Allow unless the path has its own OPTIONS route', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/widgets', ok)
  app.options('/custom', (_req, res) => { res.status(200).send('mine') })
  const base = await listen()
  const response = await fetch(base + '/widgets', { method: 'OPTIONS' })
  t.equal(response.status, 204)
  t.equal(response.headers.get('allow'), 'GET, HEAD')
  t.match(response.headers.get('x-request-id'), /^req_/)
  t.equal(await (await fetch(base + '/custom', { method: 'OPTIONS' })).text(), 'mine')
})

t.test('answers 501 to a method no route handles, and routes one that a route handles', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/widgets', ok)
  app.propfind('/dav', ok)
  const base = await listen()
  await assertFetched(t, await fetch(base + '/widgets', { method: 'PROPFIND' }), 501, { code: 'not_implemented', message: 'Method PROPFIND is not implemented', type: 'api_error' })
  t.same(await (await fetch(base + '/dav', { method: 'PROPFIND' })).json(), { ok: true })
  await assertFetched(t, await fetch(base + '/dav', { method: 'MKCOL' }), 501, { code: 'not_implemented', message: 'Method MKCOL is not implemented', type: 'api_error' })
})

t.test('answers a path parameter that does not decode with a 400 that echoes nothing', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/files/:name', ok)
  const base = await listen()
  for (const method of ['GET', 'DELETE']) {
    await assertFetched(t, await fetch(base + '/files/%E0%A4%A', { method }), 400, { code: 'bad_request', message: 'Request URL is malformed', type: 'invalid_request_error' })
  }
})

t.test('answers HEAD on an unknown path with 404 headers and no body', async (t) => {
  const { listen } = buildExpress(t)
  const base = await listen()
  const response = await fetch(base + '/nowhere', { method: 'HEAD' })
  t.equal(response.status, 404)
  t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(await response.text(), '')
})

t.test('stops walking routers nested deeper than any app nests them, and answers 404', async (t) => {
  const { app, listen } = buildExpress(t)
  let router = express.Router()
  router.get('/leaf', ok)
  let path = '/leaf'
  for (let depth = 0; depth < 18; depth++) {
    const parent = express.Router()
    parent.use('/d', router)
    router = parent
    path = '/d' + path
  }
  app.use(router)
  const base = await listen()
  t.same(await (await fetch(base + path)).json(), { ok: true }, 'Express itself routes it')
  await assertFetched(t, await fetch(base + path, { method: 'DELETE' }), 404, noRoute('DELETE', path))
})

t.test('answers 405 with Allow for a sub-app mounted with app.use(), on the first request too, and 404 where it routes nothing', async (t) => {
  const { app, listen } = buildExpress(t)
  const sub = express()
  sub.get('/thing', ok)
  sub.route('/orders').post(ok).put(ok)
  app.use('/sub', sub)
  const base = await listen()
  // The first request of the app enters the sub-app before afterRoutes() answers it.
  const first = await fetch(base + '/sub/thing', { method: 'DELETE' })
  t.equal(first.headers.get('allow'), 'GET, HEAD')
  await assertFetched(t, first, 405, notAllowed('DELETE', '/sub/thing'))
  const orders = await fetch(base + '/sub/orders')
  t.equal(orders.headers.get('allow'), 'POST, PUT')
  await assertFetched(t, orders, 405, notAllowed('GET', '/sub/orders'))
  t.same(await (await fetch(base + '/sub/thing')).json(), { ok: true })
  await assertFetched(t, await fetch(base + '/sub/nothing', { method: 'DELETE' }), 404, noRoute('DELETE', '/sub/nothing'))
  await assertFetched(t, await fetch(base + '/subway/thing', { method: 'DELETE' }), 404, noRoute('DELETE', '/subway/thing'))
})

t.test('answers a body the app\'s parser rejects by its error on a sub-app\'s route, and by the 405 on another method', async (t) => {
  const { app, listen } = buildExpress(t)
  const sub = express()
  sub.get('/thing', ok)
  sub.post('/orders', ok)
  app.use('/sub', sub)
  const base = await listen()
  t.same(await (await fetch(base + '/sub/thing')).json(), { ok: true }, 'a request has entered the sub-app')
  const json = { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } }
  await assertFetched(t, await fetch(base + '/sub/orders', json), 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' })
  await assertFetched(t, await fetch(base + '/sub/thing', json), 405, notAllowed('POST', '/sub/thing'))
})

t.test('walks sub-apps mounted in sub-apps, a sub-app mounted twice, and parameters in the mount path', async (t) => {
  const { app, listen } = buildExpress(t)
  const inner = express()
  inner.get('/deep', ok)
  const middle = express()
  middle.use('/inner', inner)
  middle.patch('/mid', ok)
  app.use('/outer', middle)
  app.use('/again', middle)
  const shop = express()
  shop.get('/orders/:id', ok)
  app.use('/shops/:shop', shop)
  const base = await listen()
  const cases: Array<[string, string, string]> = [
    ['DELETE', '/outer/inner/deep', 'GET, HEAD'],
    ['GET', '/outer/mid', 'PATCH'],
    ['POST', '/again/inner/deep', 'GET, HEAD'],
    ['POST', '/shops/s_1/orders/7', 'GET, HEAD']
  ]
  for (const [method, path, allow] of cases) {
    const response = await fetch(base + path, { method })
    t.equal(response.headers.get('allow'), allow, `${method} ${path}`)
    await assertFetched(t, response, 405, notAllowed(method, path))
  }
  t.same(await (await fetch(base + '/shops/s_2/orders/8')).json(), { ok: true })
  await assertFetched(t, await fetch(base + '/outer/inner/nothing', { method: 'DELETE' }), 404, noRoute('DELETE', '/outer/inner/nothing'))
  await assertFetched(t, await fetch(base + '/shops/s_1/nothing', { method: 'POST' }), 404, noRoute('POST', '/shops/s_1/nothing'))
})

t.test('walks an app that a router runs as middleware, though Express leaves req.app naming it once the request is out', async (t) => {
  const { app, listen } = buildExpress(t)
  const nested = express()
  nested.put('/x', ok)
  const shop = express()
  shop.get('/thing', ok)
  shop.use('/nested', nested)
  const router = express.Router()
  router.use('/shop', shop)
  app.use('/r', router)
  const base = await listen()
  const cases: Array<[string, string, string]> = [
    ['DELETE', '/r/shop/thing', 'GET, HEAD'],
    ['GET', '/r/shop/nested/x', 'PUT']
  ]
  for (const [method, path, allow] of cases) {
    const response = await fetch(base + path, { method })
    t.equal(response.headers.get('allow'), allow, `${method} ${path}`)
    await assertFetched(t, response, 405, notAllowed(method, path))
  }
  await assertFetched(t, await fetch(base + '/r/shop/nothing', { method: 'DELETE' }), 404, noRoute('DELETE', '/r/shop/nothing'))
})

t.test('runs a sub-app\'s own middleware once per request and keeps the res.locals the apps set', async (t) => {
  const { app, listen } = buildExpress(t)
  app.use((_req, res, next) => { res.locals.parent = 'p'; next() })
  const sub = express()
  let entered = 0
  sub.use((_req, res, next) => { entered++; res.locals.sub = 's'; next() })
  sub.get('/thing', (_req, res) => { res.json({ ...res.locals }) })
  app.use('/sub', sub)
  const base = await listen()
  t.same(await (await fetch(base + '/sub/thing')).json(), { parent: 'p', sub: 's' }, 'the request that finds the sub-app')
  await assertFetched(t, await fetch(base + '/sub/thing', { method: 'DELETE' }), 405, notAllowed('DELETE', '/sub/thing'))
  t.same(await (await fetch(base + '/sub/thing')).json(), { parent: 'p', sub: 's' })
  t.equal(entered, 3, 'once for each request')
})

t.test('keeps res.locals that a replaced handle of the sub-app writes, and waits for a response whose locals is Express\'s own', async (t) => {
  const { app, listen } = buildExpress(t)
  app.use((req, res, next) => {
    if (req.headers['x-drop-locals'] !== undefined) delete (res as { locals?: unknown }).locals
    next()
  })
  const sub = express()
  const handle = (sub as unknown as { handle: (...args: unknown[]) => unknown }).handle
  Object.assign(sub, {
    handle: function tracedHandle (this: unknown, req: unknown, res: express.Response, next: unknown) {
      res.locals = { ...res.locals, traced: true }
      return handle.call(this, req, res, next)
    }
  })
  sub.get('/thing', (_req, res) => { res.json({ ...res.locals }) })
  app.use('/sub', sub)
  const base = await listen()
  const dropped = { method: 'DELETE', headers: { 'x-drop-locals': '1' } }
  await assertFetched(t, await fetch(base + '/sub/thing', dropped), 404, noRoute('DELETE', '/sub/thing'))
  t.same(await (await fetch(base + '/sub/thing')).json(), { traced: true })
  await assertFetched(t, await fetch(base + '/sub/thing', dropped), 405, notAllowed('DELETE', '/sub/thing'))
})

t.test('leaves OPTIONS on a path of a sub-app or router to Express\'s router: 200, Allow, the methods as text', async (t) => {
  const { app, listen } = buildExpress(t)
  const sub = express()
  sub.get('/thing', ok)
  const router = express.Router()
  router.get('/thing', ok)
  app.use('/sub', sub)
  app.use('/r', router)
  const base = await listen()
  for (const path of ['/sub/thing', '/r/thing']) {
    const response = await fetch(base + path, { method: 'OPTIONS' })
    t.equal(response.status, 200, path)
    t.equal(response.headers.get('allow'), 'GET, HEAD')
    t.equal(response.headers.get('content-type'), 'text/plain')
    t.match(response.headers.get('x-request-id'), /^req_/)
    t.equal(await response.text(), 'GET, HEAD')
  }
  await assertFetched(t, await fetch(base + '/sub/nothing', { method: 'OPTIONS' }), 404, noRoute('OPTIONS', '/sub/nothing'))
})

t.test('what a path allows is remembered, and seen again when a router or a route it enters changes', async (t) => {
  const { app, listen } = buildExpress(t)
  const router = express.Router()
  const widget = router.route('/widgets/:id')
  widget.get(ok)
  app.use('/r', router)
  const base = await listen()
  for (let i = 0; i < 2; i++) {
    const remembered = await fetch(base + '/r/widgets/1', { method: 'DELETE' })
    t.equal(remembered.headers.get('allow'), 'GET, HEAD', `answer ${i + 1}`)
    await assertFetched(t, remembered, 405, notAllowed('DELETE', '/r/widgets/1'))
  }
  widget.post(ok)
  const grown = await fetch(base + '/r/widgets/1', { method: 'DELETE' })
  t.equal(grown.headers.get('allow'), 'GET, HEAD, POST', 'a method added to the route is seen')
  await assertFetched(t, grown, 405, notAllowed('DELETE', '/r/widgets/1'))

  await assertFetched(t, await fetch(base + '/r/late', { method: 'DELETE' }), 404, noRoute('DELETE', '/r/late'))
  router.get('/late', ok)
  const late = await fetch(base + '/r/late', { method: 'DELETE' })
  t.equal(late.headers.get('allow'), 'GET, HEAD', 'a route added to the router is seen')
  await assertFetched(t, late, 405, notAllowed('DELETE', '/r/late'))
})

t.test('past a thousand paths the remembered ones are dropped, and answers stay right', async (t) => {
  const { app, listen } = buildExpress(t)
  app.get('/kept', ok)
  const base = await listen()
  await assertFetched(t, await fetch(base + '/kept', { method: 'DELETE' }), 405, notAllowed('DELETE', '/kept'))
  for (let i = 0; i < 1001; i++) {
    const response = await fetch(`${base}/gone/${i}`, { method: 'DELETE' })
    t.equal(response.status, 404)
    await response.arrayBuffer()
  }
  const again = await fetch(base + '/kept', { method: 'DELETE' })
  t.equal(again.headers.get('allow'), 'GET, HEAD')
  await assertFetched(t, again, 405, notAllowed('DELETE', '/kept'))
})

t.test('a value that is no Express app routes nothing, and nothing of it is remembered', async (t) => {
  for (const app of [undefined, null, {}, { router: { stack: 'no' } }]) {
    t.same([...methodsAt(app, '/widgets/1')], [], JSON.stringify(app))
  }
})
