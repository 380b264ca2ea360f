import t from 'tap'
import Fastify from 'fastify'
import { build } from '../helper.js'
import errorEnvelope from '../../index.js'

const TWICE = 'error-envelope is registered twice on this server; register it once, at the root, before the routes'
const REPLACED = 'error-envelope\'s error handler was replaced by a later setErrorHandler() on the same instance, so errors leave in that handler\'s shape: remove that call, or make it in a child plugin (app.register(async (child) => { child.setErrorHandler(...) })) for the routes that need it'

t.test('refuses a second registration, at the root or in a child, with a message that says what to do', async (t) => {
  const root = Fastify()
  t.teardown(() => root.close().catch(() => {}))
  await root.register(errorEnvelope)
  await t.rejects(root.register(errorEnvelope).ready(), new Error(TWICE))
  const child = Fastify()
  t.teardown(() => child.close().catch(() => {}))
  await child.register(errorEnvelope)
  await t.rejects(child.register(async (scope) => { await scope.register(errorEnvelope) }).ready(), new Error(TWICE))
})

t.test('warns once at ready when setErrorHandler replaces the envelope\'s handler on the same instance', async (t) => {
  const { logs } = await build(t, { routes (app) { app.setErrorHandler((_error, _request, reply) => { reply.send('mine') }) } })
  t.same(logs.filter((line) => line.msg === REPLACED).map((line) => line.level), [40])
})

t.test('does not warn for an error handler set in a child plugin', async (t) => {
  const { logs } = await build(t, {
    routes (app) { app.register(async (child) => { child.setErrorHandler((_error, _request, reply) => { reply.send('mine') }) }) }
  })
  t.same(logs.filter((line) => line.msg === REPLACED), [])
})
