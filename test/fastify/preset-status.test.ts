import t from 'tap'
import createHttpError from 'http-errors'
import { assertEnvelope, build } from '../helper.js'
import { notFound } from '../../index.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }

t.test('answers the 4xx a route set before throwing a plain Error, with the error\'s message', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.post('/notes', async (_request, reply) => { reply.code(400); throw new Error('Title too long') })
      app.get('/notes/:id', async (_request, reply) => reply.code(404).send(new Error('Note not found')))
      app.get('/locked', async (_request, reply) => { reply.code(423); throw new Error('Note is locked') })
    }
  })
  assertEnvelope(t, await app.inject({ method: 'POST', url: '/notes' }), 400, { code: 'bad_request', message: 'Title too long', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/notes/1'), 404, { code: 'not_found', message: 'Note not found', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/locked'), 423, { code: 'locked', message: 'Note is locked', type: 'invalid_request_error' })
})

t.test('keeps the masked 500 for a plain Error when the route set a 5xx, a 2xx or nothing', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/five', async (_request, reply) => { reply.code(503); throw new Error('db password is hunter2') })
      app.get('/two', async (_request, reply) => { reply.code(201); throw new Error('db password is hunter2') })
      app.get('/none', async () => { throw new Error('db password is hunter2') })
    }
  })
  for (const url of ['/five', '/two', '/none']) assertEnvelope(t, await app.inject(url), 500, MASKED)
})

t.test('lets an error\'s own status win over the status set on the reply', async (t) => {
  const { app } = await build(t, {
    routes (app) {
      app.get('/helper', async (_request, reply) => { reply.code(400); throw notFound('Widget w_1 not found') })
      app.get('/http-errors', async (_request, reply) => { reply.code(400); throw createHttpError(409, 'Already exists') })
      app.get('/status-500', async (_request, reply) => { reply.code(400); throw Object.assign(new Error('secret'), { statusCode: 500 }) })
    }
  })
  assertEnvelope(t, await app.inject('/helper'), 404, { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/http-errors'), 409, { code: 'conflict', message: 'Already exists', type: 'invalid_request_error' })
  assertEnvelope(t, await app.inject('/status-500'), 500, MASKED)
})
