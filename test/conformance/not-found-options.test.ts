import t from 'tap'
import Fastify from 'fastify'
import { contractErrors } from '../helper.js'
import errorEnvelope from '../../index.js'
import { errorEnvelope as expressEnvelope } from '../../express.js'
import { answerPathAdapters, type Route } from './adapters.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'

// The 404 to a request no route took, as an API wants it to read: its own
// code, and a message that can point at the docs.

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', handler: () => ({ id: 'w_1' }) }
]

async function answerOf (base: string, path: string, method = 'GET'): Promise<{ status: number, body: any, id: string | null }> {
  const response = await fetch(base + path, { method })
  return { status: response.status, body: await response.json(), id: response.headers.get('x-request-id') }
}

for (const adapter of answerPathAdapters) {
  t.test(`${adapter.name}: answers an unmatched path with the notFound option's code and message`, async (t) => {
    const { base } = await adapter.start(t, routes, {
      notFound: { code: 'route_not_found', message: (method, path) => `${method} ${path} is not part of this API; see https://docs.example.com/api` }
    })
    const { status, body, id } = await answerOf(base, '/nowhere?token=secret')
    t.equal(status, 404)
    t.same(contractErrors(body), [])
    t.same(body, { error: { code: 'route_not_found', message: 'GET /nowhere is not part of this API; see https://docs.example.com/api', type: 'invalid_request_error', request_id: id } })
    const other = await answerOf(base, '/widgets/w_1', 'DELETE')
    t.equal(other.status, 405, 'a 405 is not a 404: it keeps its own answer')
    t.same(other.body, { error: { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/w_1', type: 'invalid_request_error', request_id: other.id } })
  })

  t.test(`${adapter.name}: takes a fixed message, and keeps the default one when the function throws or gives no text`, async (t) => {
    const fixed = await adapter.start(t, routes, { notFound: { message: 'No such endpoint' } })
    const answer = await answerOf(fixed.base, '/nowhere')
    t.same(contractErrors(answer.body), [])
    t.same(answer.body, { error: { code: 'not_found', message: 'No such endpoint', type: 'invalid_request_error', request_id: answer.id } })
    const broken = await adapter.start(t, routes, { notFound: { message: (_method, path) => { if (path === '/throws') throw new Error('oops'); return '' } } })
    for (const path of ['/throws', '/empty']) {
      const { status, body, id } = await answerOf(broken.base, path)
      t.equal(status, 404)
      t.same(contractErrors(body), [])
      t.same(body, { error: { code: 'not_found', message: `No route for GET ${path}`, type: 'invalid_request_error', request_id: id } })
    }
  })
}

const wrong: Array<[unknown, MisuseCode, string]> = [
  ['Not Found', 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "notFound" must be an object, instead got "Not Found"'],
  [{ code: 'Route Missing' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "notFound.code" must be a code of lower-case letters, digits and underscores, instead got "Route Missing"'],
  [{ message: '' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "notFound.message" must be a non-empty string or a function, instead got ""'],
  [{ message: 404 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "notFound.message" must be a non-empty string or a function, instead got 404'],
  [{ status: 410 }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "notFound.status"; known options of notFound: code, message']
]

for (const [notFound, code, message] of wrong) {
  t.test(`refuses notFound: ${JSON.stringify(notFound)} at setup on both adapters`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(app.register(errorEnvelope, { notFound: notFound as never }).ready(), new MisuseError(code, message))
    t.throws(() => expressEnvelope({ notFound: notFound as never }), new MisuseError(code, message))
  })
}
