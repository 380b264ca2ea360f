import t from 'tap'
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { assertEnvelope, build, errorLines } from '../helper.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

// An app-wide hook that fails on every error answer, and the app's routes.
function failingOnErrors (app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400) throw new Error('hook secret')
    return payload
  })
  app.get('/widgets/:id', async () => ({ ok: true }))
}

for (const [name, method, url] of [
  ['an unmatched path (404)', 'GET', '/nowhere'],
  ['another method on a routed path (405)', 'DELETE', '/widgets/1'],
  ['an unknown method (501)', 'PROPFIND', '/widgets/1'],
  ['OPTIONS on an unknown path (404)', 'OPTIONS', '/nowhere']
] as const) {
  t.test(`answers the masked 500 envelope, logged once, when an app-wide onSend hook fails on ${name}`, async (t) => {
    const { app, logs } = await build(t, { routes: failingOnErrors })
    const response = await app.inject({ method: method as HTTPMethods, url, headers: { 'x-request-id': 'client-1' } })
    assertEnvelope(t, response, 500, MASKED)
    t.notMatch(response.body, /hook secret/)
    t.equal(response.headers.allow, undefined)
    t.same(errorLines(logs, 'client-1').map((line) => [line.level, line.err?.message]), [[50, 'hook secret']])
  })
}
