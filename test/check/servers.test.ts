import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { check, CHECKS, type CheckReport } from '../../check.js'
import { checkFlags, checkOptions, startBareExpress, startBareFastify, startDemo, startHostile } from '../fixtures/check-apps.mjs'

// The proof: the checks pass on this package's demos (both adapters, both
// formats) and fail on bare Fastify 5, bare Express 5, Fastify 5 with
// @fastify/sensible and a hostile server, through the helper and through
// the built command.

// Servers in child processes on a shared machine: more than the default 30 s.
t.setTimeout(240_000)
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const openapi = JSON.parse(readFileSync(join(root, 'examples', 'demo-openapi.json'), 'utf8'))
const ids = CHECKS.map((info) => info.id)

interface Server { url: string, close: () => Promise<void> }

/** Runs the built command (dist/esm/cli.js) in a plain Node and returns its exit code and output. */
function command (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  env._TAPJS_PROCESSINFO_COVERAGE_ = '0'
  const child = spawn(process.execPath, [join(root, 'dist', 'esm', 'cli.js'), 'check', ...args], { env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += chunk })
  child.stderr.on('data', (chunk) => { stderr += chunk })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

async function serve (t: Tap.Test, start: () => Promise<Server>): Promise<Server> {
  const server = await start()
  t.teardown(server.close)
  return server
}

function failedIds (report: CheckReport): string[] {
  return report.results.filter((result) => result.status === 'fail').map((result) => result.id)
}

for (const adapter of ['fastify', 'express']) {
  for (const format of ['envelope', 'problem']) {
    t.test(`every check passes on the ${adapter} demo in the ${format} format`, async (t) => {
      const server = await serve(t, () => startDemo(adapter, format))
      const report = await check(server.url, checkOptions(openapi))
      t.same(report.results.filter((result) => result.status !== 'pass'), [], 'no check failed or skipped')
      t.same(report.results.map((result) => result.id), ids)
      t.match(report, { url: server.url, ok: true, passed: ids.length, failed: 0, skipped: 0 })
      const negotiation = report.results.find((result) => result.id === 'EE14')
      t.equal(negotiation?.reason, format === 'problem' ? 'negotiates: answered problem details' : 'does not negotiate: answered the envelope')
    })
  }
}

t.test('the command exits 0 on the Fastify demo, and its JSON says every check passed', async (t) => {
  const server = await serve(t, () => startDemo('fastify', 'envelope'))
  const { code, stdout, stderr } = await command([server.url, ...checkFlags, '--format', 'json'])
  t.equal(stderr, '')
  t.equal(code, 0)
  const report = JSON.parse(stdout)
  t.same(report.results.map((result: { id: string, status: string }) => [result.id, result.status]), ids.map((id) => [id, 'pass']))
})

const bare: Array<[string, () => Promise<Server>, string[]]> = [
  ['bare Fastify 5', () => startBareFastify(), ['EE01', 'EE03', 'EE04', 'EE05', 'EE06', 'EE07', 'EE08', 'EE09', 'EE10', 'EE11', 'EE14', 'EE15', 'EE16']],
  ['Fastify 5 with @fastify/sensible', () => startBareFastify({ sensible: true }), ['EE01', 'EE03', 'EE04', 'EE05', 'EE06', 'EE07', 'EE08', 'EE09', 'EE10', 'EE11', 'EE14', 'EE15', 'EE16']],
  ['bare Express 5', () => startBareExpress(), ['EE01', 'EE03', 'EE04', 'EE05', 'EE06', 'EE07', 'EE08', 'EE09', 'EE10', 'EE11', 'EE12', 'EE13', 'EE14', 'EE15', 'EE16']]
]
for (const [name, start, expected] of bare) {
  t.test(`the command exits 1 on ${name} with at least 8 failures in its JSON, each with a reason`, async (t) => {
    const server = await serve(t, start)
    const { code, stdout } = await command([server.url, ...checkFlags, '--format', 'json'])
    t.equal(code, 1)
    const report = JSON.parse(stdout) as CheckReport
    const failed = failedIds(report)
    t.ok(failed.length >= 8, `${failed.length} failures`)
    t.same(failed, expected)
    t.equal(report.failed, expected.length)
    for (const result of report.results.filter((one) => one.status === 'fail')) t.match(result.reason, /\S/, `${result.id} says why`)
    t.match(report.results.find((result) => result.id === 'EE03'), { status: 'fail', reason: /^DELETE \/private: 404 .*expected 405 with Allow$/, request: { method: 'DELETE', path: '/private' }, response: { status: 404 } })
    t.match(report.results.find((result) => result.id === 'EE15'), { status: 'fail', reason: 'GET /search answered no 429 in 10 requests' })
    t.match(report.results.find((result) => result.id === 'EE17'), { status: 'skip', reason: 'no error answer carried a doc_url' })
  })
}

t.test('a hostile server fails the checks, each with its reason, and crashes nothing', async (t) => {
  const server = await serve(t, startHostile)
  const report = await check(server.url, { ...checkOptions(openapi), timeout: 500, maxRead: 4096 })
  const reasons = Object.fromEntries(report.results.map((result) => [result.id, `${result.status}: ${result.reason ?? ''}`]))
  t.same(reasons, {
    EE01: 'fail: the body is not JSON: <!doctype html><h1>Not Found</h1><pre>Error: no route at handle (/srv/app/server…',
    EE02: 'pass: ',
    EE03: 'fail: DELETE /private: the server reset the connection, expected 405 with Allow',
    EE04: 'fail: the server closed the connection without answering, expected 204 with Allow',
    EE05: 'fail: PROPFIND /private: no answer within 500 ms, expected 501',
    EE06: 'fail: POST /widgets: the body is longer than the read cap; reading stopped',
    EE07: 'fail: POST /widgets: 400 application/json, expected 415',
    EE08: 'fail: POST /widgets: 400 application/json, expected 413',
    EE09: 'fail: POST /widgets: the body is longer than the read cap; reading stopped',
    EE10: 'fail: the body is not JSON: <!doctype html><h1>Not Found</h1><pre>Error: no route at handle (/srv/app/server…',
    EE11: `fail: GET ${report.results[0].request?.path as string}: the body is not JSON: <!doctype html><h1>Not Found</h1><pre>Error: no route at handle (/srv/app/server…`,
    EE12: `fail: GET ${report.results[0].request?.path as string}: Content-Type text/html, expected application/json`,
    EE13: `fail: GET ${report.results[0].request?.path as string}: a stack frame: at handle (/srv/app/server.js:12:5)`,
    EE14: 'fail: the body is not JSON: <!doctype html><h1>Not Found</h1><pre>Error: no route at handle (/srv/app/server…',
    EE15: 'fail: GET /search: no answer within 500 ms',
    EE16: 'fail: GET /crash: invalid HTTP from the server (HPE_INVALID_STATUS), expected 500',
    EE17: 'skip: no error answer carried a doc_url'
  })
  t.match(report.results.find((result) => result.id === 'EE06'), { response: { status: 400, bytes: 4096, truncated: true } })
  t.match(report, { ok: false, passed: 1, failed: 15, skipped: 1 })
})

t.test('the command exits 1 on the hostile server and prints every failure', async (t) => {
  const server = await serve(t, startHostile)
  const { code, stdout, stderr } = await command([server.url, ...checkFlags, '--timeout', '500', '--format', 'tap'])
  t.equal(stderr, '')
  t.equal(code, 1)
  t.equal(stdout.match(/^not ok /gm)?.length, 15)
  t.match(stdout, /^TAP version 14\n1\.\.17\n/)
})
