// `npm run soak:faults`: 20 seconds of load per failure mode against a server
// whose rate limit counters live in a real redis-server, while Redis is
// stopped (SIGSTOP: it accepts and never answers), resumed, killed (refused)
// and started again on the same port. Passes when no response is a 5xx other
// than the fail-closed 503, none took longer than the store deadline plus
// 50 ms, no request failed, and the server saw no unhandled error.
import autocannon from 'autocannon'
import { fork, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const SECONDS = 20
const DEADLINE = 100
const SLACK = 50

function freePort () {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function startRedis (port, dir) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    const started = Date.now()
    const probe = async () => {
      const connection = (await import('node:net')).connect(port, '127.0.0.1')
      connection.once('connect', () => { connection.end(); resolve(child) })
      connection.once('error', () => {
        if (Date.now() - started > 5000) reject(new Error('redis-server did not start'))
        else setTimeout(probe, 50)
      })
    }
    probe()
  })
}

function stopProcess (child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', resolve)
    child.kill('SIGKILL')
  })
}

async function runMode (mode) {
  const dir = mkdtempSync(join(tmpdir(), 'error-envelope-redis-'))
  const redisPort = await freePort()
  let redis = await startRedis(redisPort, dir)
  const server = fork(join(here, 'fault-server.mjs'), [String(redisPort), mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const { port } = await new Promise((resolve) => server.once('message', resolve))
  const statuses = {}
  let slow = 0
  let slowest = 0
  const load = autocannon({ url: `http://127.0.0.1:${port}/ok`, connections: 20, pipelining: 1, duration: SECONDS })
  load.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    if (responseTime > slowest) slowest = responseTime
    if (responseTime > DEADLINE + SLACK) slow++
  })
  // The faults, spread over the run.
  await sleep(3000)
  redis.kill('SIGSTOP')
  await sleep(4000)
  redis.kill('SIGCONT')
  await sleep(3000)
  await stopProcess(redis)
  await sleep(4000)
  redis = await startRedis(redisPort, dir)
  const result = await load
  const { unhandled } = await new Promise((resolve) => { server.once('message', resolve); server.send('stats') })
  server.disconnect()
  await stopProcess(redis)
  rmSync(dir, { recursive: true, force: true })
  const bad5xx = Object.entries(statuses).filter(([status]) => status >= 500 && !(mode === 'closed' && status === '503'))
  const failed = result.errors + result.timeouts
  const ok = bad5xx.length === 0 && slow === 0 && failed === 0 && unhandled === 0 && (statuses[200] ?? 0) > 0
  process.stdout.write(`onStoreError ${mode}: ${result.requests.total} requests, statuses ${JSON.stringify(statuses)}, slowest ${slowest.toFixed(1)} ms, over ${DEADLINE + SLACK} ms: ${slow}, failed: ${failed}, unhandled errors: ${unhandled} → ${ok ? 'pass' : 'FAIL'}\n`)
  return ok
}

const results = []
for (const mode of ['open', 'closed']) results.push(await runMode(mode))
process.exitCode = results.every(Boolean) ? 0 : 1
