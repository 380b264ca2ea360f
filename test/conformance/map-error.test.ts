import t from 'tap'
import { contractErrors } from '../helper.js'
import { conflict, notFound } from '../../index.js'
import { answerPathAdapters, type Route } from './adapters.js'

// A database driver's errors, as an API meets them.
class UniqueViolation extends Error {
  constructor (readonly column: string) { super(`duplicate key value violates unique constraint "users_${column}_key" (password=hunter2)`) }
}
class RowNotFound extends Error {}

const routes: Route[] = [
  { method: 'POST', path: '/users', handler: () => { throw new UniqueViolation('email') } },
  { method: 'GET', path: '/users/:id', handler: () => { throw new RowNotFound('no row') } },
  { method: 'GET', path: '/other', handler: () => { throw new Error('something else') } },
  { method: 'GET', path: '/mapper-breaks', handler: () => { throw new TypeError('break the mapper') } }
]

function mapError (thrown: unknown): unknown {
  if (thrown instanceof UniqueViolation) return conflict(`A user with this ${thrown.column} exists`, { param: thrown.column, code: `${thrown.column}_taken` })
  if (thrown instanceof RowNotFound) return notFound('User not found', { param: 'id' })
  if (thrown instanceof TypeError) throw new Error('the mapper itself failed')
  return undefined
}

for (const adapter of answerPathAdapters) {
  t.test(`${adapter.name}: answers what mapError turns a thrown error into, and the thrown error otherwise`, async (t) => {
    const { base, logs } = await adapter.start(t, routes, { mapError })
    const cases: Array<[string, string, number, object]> = [
      ['POST', '/users', 409, { code: 'email_taken', message: 'A user with this email exists', type: 'invalid_request_error', param: 'email' }],
      ['GET', '/users/7', 404, { code: 'not_found', message: 'User not found', type: 'invalid_request_error', param: 'id' }],
      ['GET', '/other', 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }],
      ['GET', '/mapper-breaks', 500, { code: 'internal_error', message: 'Internal server error', type: 'api_error' }]
    ]
    for (const [method, path, status, expected] of cases) {
      const response = await fetch(base + path, { method })
      t.equal(response.status, status, path)
      const body = await response.json()
      t.same(contractErrors(body), [])
      t.same(body, { error: { ...expected, request_id: response.headers.get('x-request-id') } })
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    const logged = logs.find((line) => line.code === 'email_taken')
    t.match(logged?.err?.reason, /duplicate key value/, 'the log line keeps the driver\'s own error')
  })
}
