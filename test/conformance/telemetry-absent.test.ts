import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from '../helper.js'

// Without @opentelemetry/api installed, both builds answer as before and
// load nothing of OpenTelemetry: a process where every @opentelemetry/*
// resolution fails (bench/without-otel.mjs), running the built package.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

const script = `
import { createRequire } from 'node:module'
const require = createRequire(${JSON.stringify(join(root, 'package.json'))})
const Fastify = require('fastify')
const express = require('express')
const { default: errorEnvelope, notFound } = await import(${JSON.stringify(join(root, 'dist', 'esm', 'index.js'))})
const { errorEnvelope: expressEnvelope, notFound: expressNotFound } = require(${JSON.stringify(join(root, 'dist', 'cjs', 'express.js'))})

const fastify = Fastify()
await fastify.register(errorEnvelope)
fastify.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
const fromFastify = JSON.parse((await fastify.inject('/widgets/w_1')).body)
await fastify.close()

const app = express()
const envelope = expressEnvelope()
app.use(envelope.beforeRoutes())
app.get('/widgets/:id', () => { throw expressNotFound('Widget w_1 not found', { param: 'id' }) })
app.use(envelope.afterRoutes())
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const fromExpress = await (await fetch('http://127.0.0.1:' + server.address().port + '/widgets/w_1')).json()
server.close()

const loaded = Object.keys(require.cache).filter((file) => file.includes('@opentelemetry'))
process.stdout.write(JSON.stringify({ fromFastify, fromExpress, refused: globalThis.refusedOtel, loaded }))
`

t.test('without @opentelemetry/api, both adapters answer as they always did and load nothing of it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'error-envelope-no-otel-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'app.mjs')
  writeFileSync(file, script)
  // A plain Node: no loader or coverage of the test runner.
  const env: NodeJS.ProcessEnv = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  const output = execFileSync(process.execPath, ['--import', join(root, 'bench', 'without-otel.mjs'), file], { encoding: 'utf8', timeout: 30_000, env })
  const { fromFastify, fromExpress, refused, loaded } = JSON.parse(output)
  const expected = { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id' }
  for (const body of [fromFastify, fromExpress]) {
    t.same(contractErrors(body), [])
    t.same(body, { error: { ...expected, request_id: body.error.request_id } })
  }
  t.same(refused, ['@opentelemetry/api', '@opentelemetry/api'], 'each build asked for the package once, and only for it')
  t.same(loaded, [], 'nothing of OpenTelemetry loaded')
})
