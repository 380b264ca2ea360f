import t from 'tap'
import { catalogEntries, defineErrors, isApiError, normalizeError } from '../../index.js'
import { errors } from '../fixtures/catalog.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'

t.test('makes each entry a thrower of its ApiError, placeholders filled in', async (t) => {
  const error = errors.widget_not_found({ id: 'w_1' }, { param: 'id' })
  t.ok(isApiError(error))
  t.same(normalizeError(error), { status: 404, code: 'widget_not_found', type: 'invalid_request_error', message: 'Widget w_1 not found', param: 'id' })
  t.same(normalizeError(errors.card_declined()), { status: 402, code: 'card_declined', type: 'card_error', message: 'The card was declined' })
  t.same(normalizeError(errors.quota_exceeded({ limit: 50 })), { status: 429, code: 'quota_exceeded', type: 'rate_limit_error', message: 'Quota of 50 exports a day used up' })
})

t.test('refuses a thrower call without a placeholder\'s value, naming the error and the placeholder', async (t) => {
  const missing = 'error-envelope: the catalog error "widget_not_found" needs a value for {id}, instead got'
  t.same(t.throws(() => errors.widget_not_found({} as never)), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `${missing} undefined`))
  t.same(t.throws(() => (errors.widget_not_found as (values?: unknown) => unknown)()), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `${missing} undefined`))
  t.same(t.throws(() => errors.widget_not_found({ id: { toString: () => 'x' } } as never)), new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `${missing} an object`))
})

t.test('lists the built-in codes, described where the catalog describes them, then its own', async (t) => {
  const entries = catalogEntries(errors) ?? []
  const notFound = entries.find((entry) => entry.code === 'not_found')
  t.same(notFound, { code: 'not_found', status: 404, type: 'invalid_request_error', title: 'Not found', message: 'Not found', builtIn: true, description: 'No route has this path.', fix: 'Check the path against the API reference.' })
  t.same(entries.filter((entry) => !entry.builtIn).map((entry) => entry.code), ['widget_not_found', 'card_declined', 'quota_exceeded'])
  t.ok(entries.some((entry) => entry.code === 'validation_failed' && entry.builtIn), 'special codes are built in too')
  t.equal(entries.find((entry) => entry.code === 'quota_exceeded')?.title, 'Quota of {limit} exports a day used up', 'the title defaults to the message')
  t.equal(catalogEntries({}), undefined, 'an object that is not a catalog has none')
})

const wrong: Array<[unknown, MisuseCode, string]> = [
  [[], 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() takes an object of error definitions, instead got an array'],
  [{ 'Widget-Missing': { status: 404, message: 'x' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "Widget-Missing": a code is lower-case letters, digits and underscores, starting with a letter, at most 64'],
  [{ widget_gone: { status: 302, message: 'x' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": status must be an integer from 400 to 599, instead got 302'],
  [{ widget_gone: { status: 410, message: '' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": message must be a non-empty string, instead got ""'],
  [{ widget_gone: { status: 410, message: 'Widget {} is gone' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": the placeholder {} of its message is not a name (letters, digits and underscores)'],
  [{ widget_gone: { status: 410, message: 'Widget { id } is gone' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": the placeholder { id } of its message is not a name (letters, digits and underscores)'],
  [{ widget_gone: { status: 410, message: 'x', type: 'Card Error' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": type must be lower-case letters, digits and underscores, instead got "Card Error"'],
  [{ widget_gone: { status: 410, message: 'x', fix: 7 } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone": fix must be a non-empty string, instead got 7'],
  [{ widget_gone: { status: 410, message: 'x', docs: 'y' } }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope: defineErrors() entry "widget_gone": unknown field "docs"; known fields: status, message, type, title, description, fix'],
  [{ widget_gone: 'gone' }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_gone" must be an object, instead got "gone"'],
  [{ not_found: { status: 410 } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "not_found": not_found is a built-in code of status 404; describe it, or give your error another code'],
  [{ not_found: { message: 'Nothing here' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "not_found": "not_found" is a built-in code, which an entry may only describe with title, description, fix and its status 404, instead got the field "message": its message is the package\'s own; for another message, give your error a code of its own'],
  [{ conflict: { status: 409, message: 'x' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "conflict": "conflict" is a built-in code, which an entry may only describe with title, description, fix and its status 409, instead got the field "message": its message is the package\'s own; for another message, give your error a code of its own'],
  [{ conflict: { type: 'card_error' } }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "conflict": "conflict" is a built-in code, which an entry may only describe with title, description, fix and its status 409, instead got the field "type": its type is the package\'s own; for another type, give your error a code of its own'],
  [{ not_found: { docs: 'y' } }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope: defineErrors() entry "not_found": "not_found" is a built-in code, which an entry may only describe with title, description, fix and its status 404, instead got the field "docs"'],
  [{ not_found: 'gone' }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "not_found" must be an object, instead got "gone"'],
  [{ ...errors }, 'ERR_ENVELOPE_INVALID_CATALOG', 'error-envelope: defineErrors() entry "widget_not_found" is an error of a catalog, not a definition; spreading catalogs ({ ...a, ...b }) makes no catalog: combine them with combineErrors(a, b)']
]

for (const [definitions, code, message] of wrong) {
  t.test(`refuses ${JSON.stringify(definitions)} when the catalog is made`, async (t) => {
    t.same(t.throws(() => defineErrors(definitions as never)), new MisuseError(code, message))
  })
}

t.test('takes a built-in code restated with its own status', async (t) => {
  const entries = catalogEntries(defineErrors({ not_found: { status: 404, title: 'Nothing here' } })) ?? []
  t.equal(entries.find((entry) => entry.code === 'not_found')?.title, 'Nothing here')
})
