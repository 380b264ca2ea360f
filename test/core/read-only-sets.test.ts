import t from 'tap'
import { ApiError, defaultErrorHeaders, normalizeError, refusedErrorHeaders } from '../../index.js'
import { errorEnvelope } from '../../express.js'

const REFUSED = ['connection', 'content-length', 'content-type', 'host', 'keep-alive', 'proxy-connection', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade']

// What an error that asks for a cookie and a Retry-After answers.
function answerOfCookieError (): unknown {
  const error = new ApiError(429, 'Slow down', { headers: { 'Set-Cookie': 'session=stolen', 'Retry-After': '30' } })
  return normalizeError(error, { errorHeaders: new Set(['set-cookie', 'retry-after']) })
}
const ANSWER = { status: 429, code: 'rate_limit_exceeded', type: 'rate_limit_error', message: 'Slow down', headers: { 'retry-after': '30' } }

t.test('exports defaultErrorHeaders and refusedErrorHeaders as frozen sets without add, delete or clear', async (t) => {
  for (const [name, names] of Object.entries({ defaultErrorHeaders, refusedErrorHeaders })) {
    t.ok(Object.isFrozen(names), `${name} is frozen`)
    t.ok(Object.isFrozen(Object.getPrototypeOf(names)), `${name}'s prototype is frozen`)
    for (const method of ['add', 'delete', 'clear']) t.notOk(method in names, `${name} has no ${method}`)
    t.notOk(names instanceof Set, `${name} is no Set that Set.prototype's methods could change`)
  }
  t.equal(Object.prototype.toString.call(refusedErrorHeaders), '[object ReadonlySet]')
})

t.test('reads like a ReadonlySet: has, size, iteration, forEach, keys, values, entries and the composition methods', async (t) => {
  const names = refusedErrorHeaders
  t.equal(names.size, REFUSED.length)
  t.ok(names.has('set-cookie'))
  t.notOk(names.has('retry-after'))
  t.same([...names].sort(), REFUSED)
  t.same([...names.keys()].sort(), REFUSED)
  t.same([...names.values()].sort(), REFUSED)
  t.same([...names.entries()].map(([key, value]) => `${key}=${value}`).sort(), REFUSED.map((name) => `${name}=${name}`))
  const seen: string[] = []
  const self = { seen }
  names.forEach(function collect (this: typeof self, value, key, set) {
    t.equal(key, value)
    t.equal(set, names)
    this.seen.push(value)
  }, self)
  t.same(seen.sort(), REFUSED)
  t.ok(defaultErrorHeaders.has('retry-after'))
  t.notOk(defaultErrorHeaders.has('set-cookie'))

  // ES2025's composition methods, which a ReadonlySet has under a newer lib.
  const composed = names as unknown as Record<string, (other: unknown) => unknown>
  const other = new Set(['host', 'retry-after'])
  t.same([...composed.union(other) as Set<string>].sort(), [...REFUSED, 'retry-after'].sort())
  t.same([...composed.intersection(other) as Set<string>], ['host'])
  t.same([...composed.difference(other) as Set<string>].sort(), REFUSED.filter((name) => name !== 'host'))
  t.same([...composed.symmetricDifference(other) as Set<string>].sort(), [...REFUSED.filter((name) => name !== 'host'), 'retry-after'].sort())
  t.equal(composed.isSubsetOf(new Set([...REFUSED, 'x'])), true)
  t.equal(composed.isSupersetOf(new Set(['host'])), true)
  t.equal(composed.isDisjointFrom(defaultErrorHeaders), true)
  // A view is set-like: a real Set composes with it.
  const withView = new Set(['host']) as unknown as Record<string, (other: unknown) => Set<string>>
  t.same([...withView.union(defaultErrorHeaders)].sort(), [...defaultErrorHeaders, 'host'].sort())
})

t.test('a module that calls Set.prototype.delete or add on the exports does not let Set-Cookie through', async (t) => {
  t.same(answerOfCookieError(), ANSWER, 'before')
  t.throws(() => Set.prototype.delete.call(refusedErrorHeaders, 'set-cookie'), TypeError)
  t.throws(() => Set.prototype.clear.call(refusedErrorHeaders), TypeError)
  t.throws(() => Set.prototype.add.call(defaultErrorHeaders, 'set-cookie'), TypeError)
  t.throws(() => { (refusedErrorHeaders as unknown as Record<string, unknown>).has = () => false }, TypeError)
  t.throws(() => { (Object.getPrototypeOf(refusedErrorHeaders) as Record<string, unknown>).has = () => false }, TypeError)
  t.ok(refusedErrorHeaders.has('set-cookie'))
  t.notOk(defaultErrorHeaders.has('set-cookie'))
  t.same(answerOfCookieError(), ANSWER, 'an error with a Set-Cookie header still loses it')
  t.same(normalizeError(new ApiError(400, 'Bad', { headers: { 'set-cookie': 'a=b' } })),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'Bad' })
  t.throws(() => errorEnvelope({ errorHeaders: ['Set-Cookie'] }), {
    name: 'TypeError',
    code: 'ERR_ENVELOPE_INVALID_OPTION',
    message: `error-envelope option "errorHeaders[0]" must be a header an error may set, not one of ${[...refusedErrorHeaders].join(', ')}, instead got "Set-Cookie"`
  })
})
