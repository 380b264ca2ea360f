import t from 'tap'
import { describeAjvErrors } from '../../lib/core/ajv-messages.js'

t.test('names the property a propertyNames error reports, as ajv with allErrors lists it', async (t) => {
  t.same(describeAjvErrors([{ keyword: 'propertyNames', instancePath: '/meta', params: { propertyName: 'Bad Key' } }], 'body'),
    [{ field: 'meta["Bad Key"]', message: 'is not an allowed name', keyword: 'propertyNames' }])
})
