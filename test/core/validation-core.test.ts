import t from 'tap'
import { describeAjvError, describeAjvErrors } from '../../lib/core/ajv-messages.js'
import { clip } from '../../lib/core/clip.js'
import { appendPointer, fieldPath, pointerSegments } from '../../lib/core/field-path.js'
import { answerValidation, nestedTooDeepMessage, normalizeValidationOptions } from '../../lib/core/validation.js'
import { validate } from '../../lib/core/validate.js'
import { contractErrors } from '../helper.js'
import { buildEnvelope } from '../../index.js'

const settings = normalizeValidationOptions({})

t.test('clips a long string without splitting a surrogate pair', async (t) => {
  t.equal(clip('abcdef', 4), 'abc…')
  t.equal(clip('ab😀cd', 4), 'ab…')
  t.equal(clip('abc', 4), 'abc')
})

t.test('names a whole part after the part, and a non-body field after its parameter', async (t) => {
  t.equal(fieldPath([], 'querystring'), 'querystring')
  t.equal(fieldPath(['filter', 'name'], 'querystring'), 'filter')
})

t.test('escapes a pointer segment only when it holds ~ or /, and reads every segment back', async (t) => {
  t.equal(appendPointer('', 'items'), '/items')
  t.equal(appendPointer('/items', 2), '/items/2')
  t.equal(appendPointer('/meta', 'a/b~c'), '/meta/a~1b~0c')
  t.equal(appendPointer('/meta', '~1'), '/meta/~01')
  t.same(pointerSegments(''), [])
  t.same(pointerSegments('/items/2/sku'), ['items', '2', 'sku'])
  t.same(pointerSegments('/meta/a~1b~0c/~01'), ['meta', 'a/b~c', '~1'])
  for (const name of ['plain', 'a/b', 'a~b', '~1', '~0/', '']) {
    t.same(pointerSegments(appendPointer(appendPointer('', name), 3)), [name, '3'], `round trip of ${JSON.stringify(name)}`)
  }
})

t.test('says "is invalid" for an unknown keyword without a message, and keeps an ajv message otherwise', async (t) => {
  t.same(describeAjvError({ keyword: 'custom' }, 'body'), { field: 'body', message: 'is invalid' })
  t.same(describeAjvError({ keyword: 'custom', message: '' }, 'body'), { field: 'body', message: 'is invalid' })
  t.same(describeAjvError({ keyword: 'custom', instancePath: '/a', message: 'must be odd' }, 'body'), { field: 'a', message: 'must be odd' })
})

t.test('names an errorMessage without the errors it replaced on its own path', async (t) => {
  t.same(describeAjvError({ keyword: 'errorMessage', instancePath: '/email', params: {}, message: 'Enter an email' }, 'body'), { field: 'email', message: 'Enter an email' })
})

t.test('describes an if error that comes alone, and an anyOf without branch errors', async (t) => {
  t.same(describeAjvErrors([{ keyword: 'if', instancePath: '', schemaPath: '#/if', params: { failingKeyword: 'then' } }], 'body'), [
    { field: 'body', message: 'must match the "then" form', keyword: 'if', whole: true }
  ])
  t.same(describeAjvErrors([{ keyword: 'anyOf', instancePath: '/a', schemaPath: '#/properties/a/anyOf', params: {} }], 'body'), [
    { field: 'a', message: 'must match one of the allowed forms', keyword: 'anyOf', whole: false }
  ])
})

t.test('folds nested anyOf branches into the outer one', async (t) => {
  const errors = [
    { keyword: 'type', instancePath: '/a', schemaPath: '#/anyOf/0/anyOf/0/type', params: { type: 'string' } },
    { keyword: 'type', instancePath: '/a', schemaPath: '#/anyOf/0/anyOf/1/type', params: { type: 'number' } },
    { keyword: 'anyOf', instancePath: '/a', schemaPath: '#/anyOf/0/anyOf', params: {} },
    { keyword: 'type', instancePath: '/a', schemaPath: '#/anyOf/1/type', params: { type: ['boolean'] } },
    { keyword: 'anyOf', instancePath: '/a', schemaPath: '#/anyOf', params: {} }
  ]
  t.same(describeAjvErrors(errors, 'body'), [{ field: 'a', message: 'must match one of the allowed forms', keyword: 'anyOf', whole: false }])
})

t.test('answers the generic message when nothing in the list is an ajv error, and reads an unknown context as the body', async (t) => {
  const answer = answerValidation({ validation: ['junk', null], validationContext: 'cookies' }, settings)
  t.same(answer, { status: 422, code: 'validation_failed', type: 'validation_error', message: 'Validation failed' })
})

t.test('clips fields and messages to the contract\'s limits', async (t) => {
  const key = 'k'.repeat(400)
  const answer = answerValidation({
    validation: [{ keyword: 'pattern', instancePath: `/${key}`, params: { pattern: 'p'.repeat(2000) } }],
    validationContext: 'body'
  }, settings)
  t.equal(answer.param?.length, 256)
  t.equal(answer.details?.[0].message.length, 1024)
  t.equal(answer.message.length, 1024)
  t.same(contractErrors(buildEnvelope(answer, 'req_1')), [])
})

t.test('tells a failure of the whole part from one of a field, for an errorMessage too', async (t) => {
  t.same(describeAjvErrors([{ keyword: 'errorMessage', instancePath: '', message: 'Send an object', params: { errors: [{ keyword: 'type', instancePath: '', params: { type: 'object' } }] } }], 'body'),
    [{ field: 'body', message: 'Send an object', keyword: 'errorMessage', whole: true }])
  t.same(describeAjvErrors([{ keyword: 'errorMessage', instancePath: '', message: 'Send an object', params: {} }], 'body'),
    [{ field: 'body', message: 'Send an object', keyword: 'errorMessage', whole: true }])
  t.same(describeAjvErrors([{ keyword: 'errorMessage', instancePath: '', message: 'Say your name', params: { errors: [{ keyword: 'required', instancePath: '', params: { missingProperty: 'name' } }] } }], 'body'),
    [{ field: 'name', message: 'Say your name', keyword: 'errorMessage', whole: false }])
  t.same(describeAjvErrors([{ keyword: 'errorMessage', message: 'Send something else' }, { keyword: 'custom' }], 'body'),
    [{ field: 'body', message: 'Send something else', keyword: 'errorMessage', whole: true }, { field: 'body', message: 'is invalid', keyword: 'custom', whole: true }])
})

t.test('names the part nested too deeply as a client knows it', async (t) => {
  t.equal(nestedTooDeepMessage('body'), 'The request body is nested too deeply to validate')
  t.equal(nestedTooDeepMessage('querystring'), 'The request query is nested too deeply to validate')
  t.equal(nestedTooDeepMessage('params'), 'The request params is nested too deeply to validate')
})

t.test('validate() lets a validator\'s own failure other than a stack overflow through', async (t) => {
  const broken = new Error('the keyword is broken')
  const ajv = { compile: () => () => { throw broken }, getSchema: () => undefined }
  t.throws(() => validate({ type: 'object' }, {}, { ajv }), broken)
  const overflow = { compile: () => () => { throw new RangeError('Maximum call stack size exceeded') }, getSchema: () => undefined }
  t.throws(() => validate({ type: 'object' }, {}, { ajv: overflow, part: 'querystring' }), { status: 400, code: 'bad_request', message: 'The request query is nested too deeply to validate' })
})
