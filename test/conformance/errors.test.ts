import t from 'tap'
import { contractErrors, waitFor } from '../helper.js'
import { answerPathAdapters } from './adapters.js'
import { cases, routes, type Case } from './failures.js'

// One API, declared once in failures.ts, served by every adapter (the Koa
// port of test/port/koa/ included): every failure must answer the same
// status, headers and envelope (the request id aside).

async function send (base: string, c: Case): Promise<{ status: number, headers: Headers, text: string }> {
  const response = await fetch(base + c.path, { method: c.method ?? 'GET', headers: c.headers, body: c.body })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

for (const adapter of answerPathAdapters) {
  t.test(`${adapter.name}: answers every failure with the same envelope`, async (t) => {
    const { base } = await adapter.start(t, routes)
    for (const c of cases) {
      const { status, headers, text } = await send(base, c)
      t.equal(status, c.status, `${c.name}: status`)
      for (const [name, value] of Object.entries(c.expectHeaders ?? {})) t.equal(headers.get(name), value, `${c.name}: ${name}`)
      const id = headers.get('x-request-id')
      t.match(id, /^req_[A-Za-z0-9_-]{20}$/, `${c.name}: a request id`)
      if (c.error === undefined) {
        t.equal(text, '', `${c.name}: no body`)
        continue
      }
      t.equal(headers.get('content-type'), 'application/json; charset=utf-8', `${c.name}: content type`)
      t.equal(headers.get('content-length'), String(Buffer.byteLength(text)), `${c.name}: content length`)
      const body = JSON.parse(text)
      t.same(contractErrors(body), [], `${c.name}: the contract`)
      t.same(body, { error: { ...c.error, request_id: id } }, `${c.name}: whole envelope`)
    }
  })
}

t.test('shows the real message of a 5xx with exposeServerErrors, on every adapter', async (t) => {
  for (const adapter of answerPathAdapters) {
    const { base } = await adapter.start(t, routes, { exposeServerErrors: true })
    const response = await fetch(base + '/thrown/plain-error')
    const body = await response.json()
    t.same(body, { error: { code: 'internal_error', message: 'connection to db-primary refused (password=hunter2)', type: 'api_error', request_id: response.headers.get('x-request-id') } }, adapter.name)
  }
})

t.test('logs one line per error at the same level with the same fields, on every adapter', async (t) => {
  const lines: Record<string, unknown[]> = {}
  for (const adapter of answerPathAdapters) {
    const { base, logs } = await adapter.start(t, routes)
    for (const [method, path] of [['GET', '/helper/not-found'], ['GET', '/thrown/plain-error'], ['GET', '/nothing-here'], ['PROPFIND', '/ok'], ['GET', '/helper/not-implemented']]) {
      const response = await fetch(base + path, { method })
      await response.text()
      const id = response.headers.get('x-request-id')
      const ofRequest = (): typeof logs => logs.filter((line) => line.request_id === id && typeof line.code === 'string')
      t.ok(await waitFor(() => ofRequest().length > 0), `${adapter.name} ${method} ${path}: logged`)
      const mine = ofRequest()
      t.equal(mine.length, 1, `${adapter.name} ${method} ${path}: one line`)
      const [line] = mine
      ;(lines[`${method} ${path}`] ??= []).push({ level: line.level, statusCode: line.statusCode, code: line.code, msg: line.msg, errType: line.err?.type, errMessage: line.err?.message, hasStack: typeof line.err?.stack === 'string' && line.err.stack.length > 0 })
    }
  }
  for (const [request, [fastify, ...others]] of Object.entries(lines)) {
    t.equal(others.length, answerPathAdapters.length - 1, `${request}: a line of every adapter`)
    for (const other of others) t.same(other, fastify, request)
  }
  t.same(Object.values(lines).map(([fastify]) => (fastify as { level: number }).level), [30, 50, 30, 30, 50],
    'a 404 or an unknown method is the client\'s doing; a thrown 5xx, a helper\'s 501 included, is the server\'s')
})
