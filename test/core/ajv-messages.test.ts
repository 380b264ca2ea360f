import t from 'tap'
import { describeAjvErrors } from '../../lib/core/ajv-messages.js'

t.test('names the property a propertyNames error reports, as ajv with allErrors lists it', async (t) => {
  t.same(describeAjvErrors([{ keyword: 'propertyNames', instancePath: '/meta', params: { propertyName: 'Bad Key' } }], 'body'),
    [{ field: 'meta["Bad Key"]', message: 'is not an allowed name', keyword: 'propertyNames', whole: false }])
})

t.test('words every type failure the same, however many types the schemas name', async (t) => {
  // More type keywords than the messages kept: the first ones are kept,
  // the others worded each time, alike.
  const types = Array.from({ length: 80 }, (_, index) => index % 2 === 0 ? `kind${index}` : [`kind${index}`, 'null'])
  for (let pass = 0; pass < 2; pass++) {
    for (const type of types) {
      const names = Array.isArray(type) ? type : [type]
      t.same(describeAjvErrors([{ keyword: 'type', instancePath: '/value', params: { type } }], 'body'),
        [{ field: 'value', message: `must be ${names.map((name) => name === 'null' ? 'null' : `a ${name}`).join(' or ')}`, keyword: 'type', whole: false }])
    }
  }
  t.same(describeAjvErrors([{ keyword: 'type', instancePath: '/a', params: { type: 'integer' } }, { keyword: 'type', instancePath: '/b', params: { type: 'integer' } }], 'body'),
    [{ field: 'a', message: 'must be an integer', keyword: 'type', whole: false }, { field: 'b', message: 'must be an integer', keyword: 'type', whole: false }])
})
