import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { rawRequest } from '../fixtures/raw-http.js'
import { GENERATED_ID, invalidRequestIds } from '../fixtures/request-ids.js'
import { answerPathAdapters, answerPathEnvelopeAdapters, type LogLine, type Route, type RunningApp } from './adapters.js'
import { routes as failureRoutes } from './failures.js'

// The request id on both adapters: read from the request when it is valid
// and trusted, generated otherwise, the same in the header, the body, a 2xx
// and the log line.

const routes: Route[] = [...failureRoutes, { method: 'GET', path: '/id', handler: ({ requestId }) => ({ id: requestId }) }]
const NOT_FOUND = { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id' }

interface Failed { id: string, header: string | null }

// A 404 of the helper, checked whole against the contract; its id and header.
async function notFound (t: Test, app: RunningApp, headers: Record<string, string> = {}, header = 'x-request-id'): Promise<Failed> {
  const response = await fetch(app.base + '/helper/not-found', { headers })
  t.equal(response.status, 404)
  t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
  const body = await response.json() as Record<string, any>
  t.same(contractErrors(body), [], 'the contract')
  t.type(body.error?.request_id, 'string')
  t.same(body, { error: { ...NOT_FOUND, request_id: body.error.request_id } }, 'whole envelope')
  return { id: body.error.request_id, header: response.headers.get(header) }
}

// A 2xx of a route that answers the id it was given; that id and the header.
async function ok (app: RunningApp, headers: Record<string, string> = {}, header = 'x-request-id'): Promise<Failed> {
  const response = await fetch(app.base + '/id', { headers })
  const body = await response.json() as Record<string, any>
  return { id: response.status === 200 ? body.id : `status ${response.status}`, header: response.headers.get(header) }
}

// The error line of a request, once written: Express writes it when the
// response has finished, which may be after the client has read it all.
async function errorLine (logs: LogLine[], id: string): Promise<LogLine | undefined> {
  const until = Date.now() + 2000
  let line = logs.find((line) => line.request_id === id && line.code !== undefined)
  while (line === undefined && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    line = logs.find((line) => line.request_id === id && line.code !== undefined)
  }
  return line
}

for (const adapter of answerPathEnvelopeAdapters) {
  t.test(`${adapter.name}: gives each request a fresh generated id when none comes in`, async (t) => {
    const app = await adapter.start(t, routes)
    const ids = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const { id, header } = await notFound(t, app)
      t.match(id, GENERATED_ID)
      t.equal(header, id, 'the header is the same id')
      ids.add(id)
    }
    t.equal(ids.size, 200)
  })
}

t.test('uses a valid incoming X-Request-Id in the body, the header, a 2xx and the log line, up to 128 characters', async (t) => {
  for (const adapter of answerPathAdapters) {
    const app = await adapter.start(t, routes)
    for (const incoming of ['Client-42.a:b=c_d', 'my-trace-1', 'a'.repeat(128)]) {
      const failed = await notFound(t, app, { 'x-request-id': incoming })
      t.same(failed, { id: incoming, header: incoming }, `${adapter.name}: ${incoming}`)
      t.equal((await errorLine(app.logs, incoming))?.code, 'not_found', 'the log line carries it')
      t.same(await ok(app, { 'x-request-id': incoming }), { id: incoming, header: incoming }, 'a 2xx echoes it, and the route reads it')
    }
  }
})

t.test('echoes a generated id on a 2xx, the id the route reads', async (t) => {
  for (const adapter of answerPathAdapters) {
    const app = await adapter.start(t, routes)
    const generated = await ok(app)
    t.match(generated.id, GENERATED_ID, adapter.name)
    t.equal(generated.header, generated.id)
  }
})

for (const [name, value] of invalidRequestIds) {
  t.test(`replaces ${name} with a generated id, on both`, async (t) => {
    for (const adapter of answerPathAdapters) {
      const app = await adapter.start(t, routes)
      const { id, header } = await notFound(t, app, { 'x-request-id': value })
      t.match(id, GENERATED_ID, adapter.name)
      t.equal(header, id, 'the header is the same id')
      t.equal((await errorLine(app.logs, id))?.code, 'not_found', 'the log line carries the generated id')
      t.equal(app.logs.filter((line) => line.request_id === value).length, 0, 'the rejected value is not an id in any line')
      const generated = await ok(app, { 'x-request-id': value })
      t.match(generated.id, GENERATED_ID, 'a 2xx carries a generated id')
      t.equal(generated.header, generated.id)
    }
  })
}

t.test('replaces an id of UTF-8 bytes and a duplicated X-Request-Id header, sent over a socket, with a generated id', async (t) => {
  const requests: Array<[string, Buffer]> = [
    ['UTF-8 bytes', Buffer.concat([
      Buffer.from('GET /helper/not-found HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: caf'),
      Buffer.from('é', 'utf8'),
      Buffer.from('\r\n\r\n')
    ])],
    ['a duplicated header', Buffer.from('GET /helper/not-found HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: first\r\nX-Request-Id: second\r\n\r\n')]
  ]
  for (const adapter of answerPathEnvelopeAdapters) {
    const app = await adapter.start(t, routes)
    for (const [name, request] of requests) {
      const response = await rawRequest(Number(new URL(app.base).port), request)
      t.equal(response.status, 404, `${adapter.name}, ${name}`)
      t.match(response.headers['x-request-id'], GENERATED_ID)
      const body = JSON.parse(response.body)
      t.same(contractErrors(body), [])
      t.same(body, { error: { ...NOT_FOUND, request_id: response.headers['x-request-id'] } })
    }
  }
})

t.test('reads and echoes the header named by requestId.header, and not the default one', async (t) => {
  for (const adapter of answerPathAdapters) {
    const app = await adapter.start(t, routes, { requestId: { header: 'X-Correlation-Id' } })
    const failed = await notFound(t, app, { 'x-correlation-id': 'corr-1', 'x-request-id': 'other-1' }, 'x-correlation-id')
    t.same(failed, { id: 'corr-1', header: 'corr-1' }, adapter.name)
    const other = await ok(app, { 'x-request-id': 'other-1' })
    t.match(other.id, GENERATED_ID, 'the default header is not read')
    t.equal(other.header, null, 'nor echoed')
    t.same(await ok(app, { 'x-correlation-id': 'corr-2' }, 'x-correlation-id'), { id: 'corr-2', header: 'corr-2' }, 'a 2xx echoes it')
  }
})

t.test('generates every id when trustIncoming is false, under its own header too', async (t) => {
  for (const adapter of answerPathAdapters) {
    for (const header of ['x-request-id', 'x-correlation-id']) {
      const app = await adapter.start(t, routes, { requestId: { header, trustIncoming: false } })
      const failed = await notFound(t, app, { [header]: 'client-1' }, header)
      t.match(failed.id, GENERATED_ID, `${adapter.name}, ${header}`)
      t.equal(failed.header, failed.id)
      const generated = await ok(app, { [header]: 'client-1' }, header)
      t.match(generated.id, GENERATED_ID, 'a 2xx too')
      t.equal(generated.header, generated.id)
      if (header === 'x-request-id') continue
      const forbidden = await fetch(app.base + '/helper/forbidden', { headers: { [header]: 'abc-1' } })
      const id = forbidden.headers.get(header)
      t.match(id, GENERATED_ID)
      t.equal(forbidden.headers.get('x-request-id'), null, 'the default header is not sent')
      t.same(await forbidden.json(), { error: { code: 'forbidden', message: 'Not your widget', type: 'permission_error', request_id: id } })
    }
  }
})

t.test('echoes no header and reads none when requestId.header is false', async (t) => {
  for (const adapter of answerPathAdapters) {
    const app = await adapter.start(t, routes, { requestId: { header: false } })
    const { id, header } = await notFound(t, app, { 'x-request-id': 'client-1' })
    t.match(id, GENERATED_ID, adapter.name)
    t.equal(header, null)
    t.equal((await errorLine(app.logs, id))?.code, 'not_found', 'the log line carries the generated id')
    t.equal((await fetch(app.base + '/nowhere')).headers.get('x-request-id'), null, 'nor on a 404 of no route')
    const generated = await ok(app, { 'x-request-id': 'client-1' })
    t.match(generated.id, GENERATED_ID, 'a 2xx has a generated id')
    t.equal(generated.header, null, 'and sends no header')
  }
})

t.test('uses the ids of a custom generate function; a valid incoming id still wins', async (t) => {
  for (const adapter of answerPathAdapters) {
    let n = 0
    const app = await adapter.start(t, routes, { requestId: { generate: () => `custom-${++n}` } })
    t.equal((await notFound(t, app)).id, 'custom-1', adapter.name)
    const unrouted = await fetch(app.base + '/nowhere')
    t.equal((await unrouted.json() as Record<string, any>).error.request_id, 'custom-2')
    t.equal(unrouted.headers.get('x-request-id'), 'custom-2')
    t.equal((await notFound(t, app, { 'x-request-id': 'client-1' })).id, 'client-1')
    t.same(await ok(app), { id: 'custom-3', header: 'custom-3' }, 'a 2xx too')
  }
})

const badGenerators: Array<[string, () => string]> = [
  ['returns an id outside the pattern', () => 'bad id'],
  ['returns a non-string', () => 42 as unknown as string],
  ['throws', () => { throw new Error('generator broke') }]
]
for (const [name, generate] of badGenerators) {
  t.test(`falls back to a generated id when the custom generate ${name}`, async (t) => {
    for (const adapter of answerPathAdapters) {
      const app = await adapter.start(t, routes, { requestId: { generate } })
      const { id, header } = await notFound(t, app)
      t.match(id, GENERATED_ID, adapter.name)
      t.equal(header, id)
    }
  })
}
