import t from 'tap'
import Fastify from 'fastify'
import { catalogEntries, combineErrors, defineErrors, normalizeError } from '../../index.js'
import errorEnvelope from '../../index.js'
import { errorEnvelope as expressEnvelope, combineErrors as combineFromExpress } from '../../express.js'
import { assertEnvelope } from '../helper.js'
import { MisuseError } from '../../lib/core/misuse.js'

const widgets = defineErrors({
  widget_not_found: { status: 404, message: 'Widget {id} not found', title: 'Widget not found' },
  not_found: { description: 'No route has this path.' }
})
const billing = defineErrors({
  card_declined: { status: 402, type: 'card_error', message: 'The card was declined' },
  conflict: { fix: 'Fetch the resource again, then retry.' }
})

const SPREAD = 'error-envelope option "catalog" must be a catalog made by defineErrors(), instead got catalogs spread into one object; spreading catalogs ({ ...a, ...b }) makes no catalog: combine them with combineErrors(a, b)'

t.test('combines catalogs: the throwers of each, and every entry once, built-in codes first', async (t) => {
  const combined = combineErrors(widgets, billing)
  t.equal(combineFromExpress, combineErrors, 'the same function from error-envelope/express')
  t.ok(Object.isFrozen(combined))
  t.same(normalizeError(combined.widget_not_found({ id: 'w_1' })), { status: 404, code: 'widget_not_found', type: 'invalid_request_error', message: 'Widget w_1 not found' })
  t.same(normalizeError(combined.card_declined()), { status: 402, code: 'card_declined', type: 'card_error', message: 'The card was declined' })
  const entries = catalogEntries(combined) ?? []
  const builtIns = (catalogEntries(defineErrors({})) ?? []).map((entry) => entry.code)
  t.same(entries.map((entry) => entry.code), [...builtIns, 'widget_not_found', 'card_declined'])
  t.same(entries.find((entry) => entry.code === 'not_found'), { code: 'not_found', status: 404, type: 'invalid_request_error', title: 'Not found', message: 'Not found', builtIn: true, description: 'No route has this path.' })
  t.same(entries.find((entry) => entry.code === 'conflict'), { code: 'conflict', status: 409, type: 'invalid_request_error', title: 'Conflict', message: 'Conflict', builtIn: true, fix: 'Fetch the resource again, then retry.' })
  t.same(catalogEntries(combineErrors(combined, widgets)), entries, 'a code in two catalogs with one definition is taken once')
  t.same(catalogEntries(combineErrors()), catalogEntries(defineErrors({})), 'no catalog: the built-in codes')
})

t.test('refuses a code defined twice differently, and what is not a catalog, naming them', async (t) => {
  const other = defineErrors({ widget_not_found: { status: 410, message: 'Widget {id} is gone' } })
  t.throws(() => combineErrors(widgets, billing, other), new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: combineErrors(): the code "widget_not_found" has two different definitions (argument 3 and an earlier one); keep one, or give one of the errors another code'))
  const described = defineErrors({ not_found: { description: 'Nothing lives here.' } })
  t.throws(() => combineErrors(widgets, described), new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: combineErrors(): the code "not_found" has two different definitions (argument 2 and an earlier one); keep one, or give one of the errors another code'))
  t.throws(() => combineErrors(widgets, { ...billing } as never), new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: combineErrors() takes catalogs made by defineErrors(), instead got an object (argument 2)'))
  t.throws(() => combineErrors(undefined as never), new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: combineErrors() takes catalogs made by defineErrors(), instead got undefined (argument 1)'))
})

t.test('a combined catalog is the catalog option of both adapters, and a spread of catalogs is refused pointing to combineErrors()', async (t) => {
  const combined = combineErrors(widgets, billing)
  t.doesNotThrow(() => expressEnvelope({ catalog: combined }))
  t.throws(() => expressEnvelope({ catalog: { ...widgets, ...billing } }), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', SPREAD))
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(app.register(errorEnvelope, { catalog: { ...widgets, ...billing } }).ready(), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', SPREAD))
  const good = Fastify()
  t.teardown(() => good.close())
  await good.register(errorEnvelope, { catalog: combined, docs: { publicUrl: 'https://api.example.com/errors' } })
  good.get('/cards/:id', async () => { throw combined.card_declined() })
  assertEnvelope(t, await good.inject('/cards/c_1'), 402,
    { code: 'card_declined', message: 'The card was declined', type: 'card_error', doc_url: 'https://api.example.com/errors#card_declined' })
})
