import t from 'tap'
import { assertEnvelope, build, errorLines } from '../helper.js'
import { notFound } from '../../index.js'

t.test('answers a thrown notFound() with the envelope, its id in the header and one log line', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
    }
  })
  const response = await app.inject('/widgets/w_1')
  const body = assertEnvelope(t, response, 404, {
    code: 'not_found',
    message: 'Widget w_1 not found',
    type: 'invalid_request_error',
    param: 'id'
  })
  const lines = errorLines(logs, body.error.request_id)
  t.equal(lines.length, 1)
  t.equal(lines[0].level, 30)
})
