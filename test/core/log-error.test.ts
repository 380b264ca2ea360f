import t from 'tap'
import createHttpError from 'http-errors'
import { errorForLog, internalError } from '../../index.js'

/** A logged error as plain data, the way a log line carries it. */
function logged (thrown: unknown, withStack = true): unknown {
  return JSON.parse(JSON.stringify(errorForLog(thrown, withStack)))
}

t.test('describes an Error by type, message, code and status, with its stack only when asked', async (t) => {
  const error = Object.assign(new TypeError('bad input'), { code: 'E_INPUT', statusCode: 400, secret: 'not logged' })
  const withStack = logged(error) as Record<string, unknown>
  t.match(withStack.stack, /^TypeError: bad input\n\s+at /)
  t.same(withStack, { type: 'TypeError', message: 'bad input', stack: error.stack, code: 'E_INPUT', statusCode: 400 })
  t.same(logged(error, false), { type: 'TypeError', message: 'bad input', code: 'E_INPUT', statusCode: 400 })
})

t.test('keeps the type name out of the reach of the name property', async (t) => {
  const described = errorForLog(internalError('x'), false)
  t.equal(Object.getPrototypeOf(described), null)
  t.equal((described as unknown as { name: string }).name, 'ApiError')
  t.same(Object.keys(described), ['type', 'message', 'code', 'statusCode'])
})

t.test('reads status when there is no statusCode and a numeric code as it is', async (t) => {
  t.same(logged({ status: 503, code: 42, message: 'down' }), { type: 'Object', message: 'down', code: 42, statusCode: 503 })
  t.same(logged({ statusCode: '404', code: { nested: true }, message: 7 }), { type: 'Object', message: '' })
})

t.test('follows causes, each described the same way', async (t) => {
  const root = new Error('ECONNREFUSED 10.0.0.7:5432')
  const error = new Error('query failed', { cause: new Error('pool exhausted', { cause: root }) })
  t.same(logged(error, false), {
    type: 'Error',
    message: 'query failed',
    cause: { type: 'Error', message: 'pool exhausted', cause: { type: 'Error', message: 'ECONNREFUSED 10.0.0.7:5432' } }
  })
  t.same(logged(new Error('wrapped', { cause: 'a string cause' }), false),
    { type: 'Error', message: 'wrapped', cause: { type: 'string', message: 'a string cause' } })
})

t.test('describes the errors of an AggregateError, at most ten', async (t) => {
  const inner = Array.from({ length: 12 }, (_, i) => new RangeError(`attempt ${i}`))
  const described = logged(new AggregateError(inner, 'all attempts failed'), false) as { errors: unknown[] }
  t.equal(described.errors.length, 10)
  t.same(described.errors[0], { type: 'RangeError', message: 'attempt 0' })
  t.same(described.errors[9], { type: 'RangeError', message: 'attempt 9' })
  t.same(logged(new AggregateError([], 'none'), false), { type: 'AggregateError', message: 'none', errors: [] })
})

t.test('marks a circular cause instead of following it', async (t) => {
  const a = new Error('a')
  const b = new Error('b', { cause: a })
  Object.assign(a, { cause: b })
  t.same(logged(a, false), {
    type: 'Error',
    message: 'a',
    cause: { type: 'Error', message: 'b', cause: { type: 'circular', message: '[circular]' } }
  })
  const self: Record<string, unknown> = { message: 'self' }
  self.cause = self
  self.errors = [self]
  t.same(logged(self, false), {
    type: 'Object',
    message: 'self',
    cause: { type: 'circular', message: '[circular]' },
    errors: [{ type: 'circular', message: '[circular]' }]
  })
})

t.test('stops following causes four levels down', async (t) => {
  let error = new Error('level 10')
  for (let level = 9; level >= 0; level--) error = new Error(`level ${level}`, { cause: error })
  let described = logged(error, false) as { message: string, cause?: unknown }
  const messages: string[] = []
  while (described !== undefined) {
    messages.push(described.message)
    described = described.cause as typeof described
  }
  t.same(messages, ['level 0', 'level 1', 'level 2', 'level 3', 'level 4'])
})

t.test('caps messages, stacks, codes and type names at 8192 characters', async (t) => {
  const long = 'x'.repeat(10000)
  const error = Object.assign(new Error(long), { code: long, stack: long })
  const described = logged(error) as Record<string, string>
  t.equal(described.message, 'x'.repeat(8192) + '…')
  t.equal(described.stack, 'x'.repeat(8192) + '…')
  t.equal(described.code, 'x'.repeat(8192) + '…')
  const named = { constructor: { name: long } }
  t.equal((logged(named) as Record<string, string>).type, 'x'.repeat(8192) + '…')
  t.equal((logged(long) as Record<string, string>).message, 'x'.repeat(8192) + '…')
})

t.test('never carries the headers of an error or any property it does not know', async (t) => {
  const error = createHttpError(401, 'no', { headers: { 'set-cookie': 'session=1', authorization: 'Bearer secret' } })
  Object.assign(error, { config: { headers: { authorization: 'Bearer secret' } }, password: 'hunter2' })
  const text = JSON.stringify(errorForLog(error, true))
  t.notMatch(text, /headers|secret|session|hunter2/)
  t.same(Object.keys(JSON.parse(text)), ['type', 'message', 'stack', 'statusCode'])
})

t.test('survives getters and Proxy traps that throw', async (t) => {
  const getters = Object.defineProperties({}, {
    message: { get () { throw new Error('getter') } },
    constructor: { get () { throw new Error('getter') } },
    cause: { get () { throw new Error('getter') } }
  })
  t.same(logged(getters), { type: 'Object', message: '' })
  const trap = () => { throw new Error('trap') }
  const proxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap })
  t.same(logged(proxy), { type: 'Object', message: '' })
  const hostileErrors = { message: 'list', errors: new Proxy([], { get: trap }) }
  t.same(logged(hostileErrors), { type: 'Object', message: 'list' }, 'an unreadable errors list is left out')
  const { proxy: revoked, revoke } = Proxy.revocable([], {})
  revoke()
  t.same(logged({ message: 'revoked', errors: revoked, cause: revoked }), {
    type: 'Object',
    message: 'revoked',
    cause: { type: 'Object', message: '' }
  }, 'a revoked Proxy reads as an empty object')
  class Hostile extends Array {
    override map (): never { throw new Error('map') }
    override slice (): never { throw new Error('slice') }
  }
  const list = Hostile.from([new Error('inner')])
  t.same(logged({ message: 'subclass', errors: list }, false),
    { type: 'Object', message: 'subclass', errors: [{ type: 'Error', message: 'inner' }] }, 'an Array subclass runs none of its own methods')
})

t.test('describes primitives by their type and text', async (t) => {
  t.same(logged('db down'), { type: 'string', message: 'db down' })
  t.same(logged(null), { type: 'null', message: 'null' })
  t.same(logged(undefined), { type: 'undefined', message: 'undefined' })
  t.same(logged(404), { type: 'number', message: '404' })
  t.same(logged(10n), { type: 'bigint', message: '10' })
  t.same(logged(Symbol('boom')), { type: 'symbol', message: 'boom' })
  // eslint-disable-next-line symbol-description -- a symbol without a description is the case tested
  t.same(logged(Symbol()), { type: 'symbol', message: '' })
  t.same(logged(false), { type: 'boolean', message: 'false' })
})

t.test('describes objects without a usable constructor as Object', async (t) => {
  t.same(logged(Object.assign(Object.create(null), { message: 'bare', statusCode: 409 })),
    { type: 'Object', message: 'bare', statusCode: 409 })
  t.same(logged({ constructor: { name: '' }, message: 'anonymous' }), { type: 'Object', message: 'anonymous' })
  t.same(logged({ message: 'big', size: 10n }), { type: 'Object', message: 'big' })
})
