import t from 'tap'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { assertEnvelope, build, errorLines } from '../helper.js'
import { conflict } from '../../index.js'

const MASKED = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const CONFLICT = { code: 'conflict', message: 'Widget w_1 already exists', type: 'invalid_request_error' }

type Stage = 'onRequest' | 'preParsing' | 'preValidation' | 'preHandler' | 'handler' | 'preSerialization' | 'onSend'
type Style = 'throws' | 'rejects' | 'calls done with'
const STAGES: Stage[] = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'handler', 'preSerialization', 'onSend']
// Hooks whose callback form takes the payload before `done`.
const WITH_PAYLOAD = new Set<Stage>(['preParsing', 'preSerialization', 'onSend'])

// A route whose `stage` fails the way `style` says, once: the hooks that run
// again for the error answer (onSend) pass it through.
function failingRoute (stage: Stage, style: Style, make: () => unknown): (app: FastifyInstance) => void {
  return function routes (app) {
    const first = (reply: FastifyReply): boolean => reply.statusCode === 200
    const asyncHook = async function (_request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (first(reply)) throw make()
    }
    const rejectingHook = function (_request: FastifyRequest, reply: FastifyReply): Promise<void> {
      return first(reply) ? Promise.reject(make()) : Promise.resolve()
    }
    const callbackHook = WITH_PAYLOAD.has(stage)
      ? function (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: any, value?: unknown) => void) {
        if (first(reply)) done(make())
        else done(null, payload)
      }
      : function (_request: FastifyRequest, reply: FastifyReply, done: (error?: any) => void) {
        done(first(reply) ? make() : undefined)
      }
    const hook = style === 'throws' ? asyncHook : style === 'rejects' ? rejectingHook : callbackHook
    if (stage === 'handler') {
      app.post('/widgets', style === 'throws'
        ? async () => { throw make() }
        : style === 'rejects'
          ? () => Promise.reject(make())
          : (_request, reply) => { reply.send(make()) })
      return
    }
    app.post('/widgets', { [stage]: hook }, async () => ({ id: 'w_1' }))
  }
}

for (const stage of STAGES) {
  for (const style of ['throws', 'rejects', 'calls done with'] as Style[]) {
    if (stage === 'handler' && style === 'calls done with') continue
    t.test(`answers a helper error that ${stage} ${style} with its envelope, logged once at level 30`, async (t) => {
      const { app, logs } = await build(t, { routes: failingRoute(stage, style, () => conflict('Widget w_1 already exists')) })
      const response = await app.inject({ method: 'POST', url: '/widgets', payload: { name: 'w' } })
      const body = assertEnvelope(t, response, 409, CONFLICT)
      t.same(errorLines(logs, body.error.request_id).map((line) => [line.level, line.statusCode]), [[30, 409]])
    })
    t.test(`answers a plain Error that ${stage} ${style} with a masked 500, logged once at level 50`, async (t) => {
      const { app, logs } = await build(t, { routes: failingRoute(stage, style, () => new Error(`${stage} broke`)) })
      const response = await app.inject({ method: 'POST', url: '/widgets', payload: { name: 'w' } })
      const body = assertEnvelope(t, response, 500, MASKED)
      const lines = errorLines(logs, body.error.request_id)
      t.same(lines.map((line) => [line.level, line.statusCode, line.msg]), [[50, 500, `${stage} broke`]])
    })
  }
}

t.test('answers a handler that calls reply.send(error) with the envelope', async (t) => {
  const { app } = await build(t, { routes (app) { app.get('/sent', (_request, reply) => { reply.send(conflict('Widget w_1 already exists')) }) } })
  assertEnvelope(t, await app.inject('/sent'), 409, CONFLICT)
})

t.test('answers a rejection with no value with a masked 500, logged once', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/reject', () => Promise.reject()) // eslint-disable-line prefer-promise-reject-errors
      app.get('/reject-hook', { preHandler: () => Promise.reject() }, async () => ({ ok: true })) // eslint-disable-line prefer-promise-reject-errors
    }
  })
  for (const url of ['/reject', '/reject-hook']) {
    const body = assertEnvelope(t, await app.inject(url), 500, MASKED)
    t.same(errorLines(logs, body.error.request_id).map((line) => line.level), [50], url)
  }
})

t.test('answers throw undefined with a masked 500, logged once with the generic message', async (t) => {
  const { app, logs } = await build(t, { routes (app) { app.get('/undefined', async () => { throw undefined }) } }) // eslint-disable-line no-throw-literal
  const body = assertEnvelope(t, await app.inject('/undefined'), 500, MASKED)
  const lines = errorLines(logs, body.error.request_id)
  t.same(lines.map((line) => [line.level, line.msg]), [[50, 'Internal server error']])
})

t.test('logs the answer\'s message when the thrown error has an empty one', async (t) => {
  const { app, logs } = await build(t, { routes (app) { app.get('/empty', async () => { throw new Error('') }) } })
  const body = assertEnvelope(t, await app.inject('/empty'), 500, MASKED)
  t.same(errorLines(logs, body.error.request_id).map((line) => line.msg), ['Internal server error'])
})

t.test('keeps the answer already sent when the handler throws after reply.send()', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.get('/async', async (_request, reply) => {
        reply.send({ id: 'w_1' })
        throw new Error('late failure')
      })
      app.get('/sync', (_request, reply) => {
        reply.send({ id: 'w_1' })
        throw new Error('late failure')
      })
    }
  })
  for (const url of ['/async', '/sync']) {
    const response = await app.inject(url)
    t.equal(response.statusCode, 200, url)
    t.same(response.json(), { id: 'w_1' })
    const id = response.headers['x-request-id'] as string
    t.same(errorLines(logs, id), [], 'no error answer was written')
    t.ok(logs.some((line) => line.request_id === id && line.level >= 40 && line.err !== undefined), 'Fastify logs the late failure')
  }
})

t.test('answers a schema failure in validation with its envelope, logged once at level 30', async (t) => {
  const { app, logs } = await build(t, {
    routes (app) {
      app.post('/widgets', {
        schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }
      }, async () => ({ id: 'w_1' }))
    }
  })
  const response = await app.inject({ method: 'POST', url: '/widgets', payload: {} })
  const body = assertEnvelope(t, response, 422, {
    code: 'validation_failed',
    message: 'Missing required field: name',
    type: 'validation_error',
    param: 'name',
    details: [{ field: 'name', message: 'is required' }]
  })
  t.same(errorLines(logs, body.error.request_id).map((line) => [line.level, line.statusCode]), [[30, 422]])
})
