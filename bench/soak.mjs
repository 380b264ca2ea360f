// `npm run soak [-- --requests N]`: sends requests over real sockets to a
// server in its own process until it has answered 1,000,000, mixing every
// kind of error answer (429 included), 100,000 distinct unknown URLs and
// 100,000 distinct rate limit keys. After a warm-up it compares the server's
// heap (after a full GC) and RSS with the limits and exits non-zero when
// either is over. `inject()` is not used: it retains memory per request,
// which would measure the test rather than the server.
import autocannon from 'autocannon'
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const argument = (name, fallback) => {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`))
  return found === undefined ? fallback : Number(found.slice(name.length + 3))
}
const TOTAL = argument('requests', 1_000_000)
const WARMUP = Math.min(100_000, Math.floor(TOTAL / 10))
const DISTINCT = Math.min(100_000, TOTAL)
const HEAP_GROWTH_LIMIT = 10 * 1024 * 1024
const RSS_LIMIT = 150 * 1024 * 1024

const INVALID_BODY = JSON.stringify({ name: 7, email: false, age: 'old' })
const kinds = [
  (i) => ({ method: 'GET', path: '/ok' }),
  (i) => ({ method: 'GET', path: `/missing/${i % DISTINCT}` }),
  (i) => ({ method: 'DELETE', path: '/widgets/w_1' }),
  // autocannon sends only RFC 7231 methods; TRACE is outside the standard
  // set the plugin serves, so it answers 501 like any unknown method.
  (i) => ({ method: 'TRACE', path: '/widgets/w_1' }),
  (i) => ({ method: 'GET', path: '/widgets/w_9' }),
  (i) => ({ method: 'GET', path: '/crash' }),
  (i) => ({ method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: INVALID_BODY }),
  (i) => ({ method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"name":' }),
  (i) => ({ method: 'GET', path: '/limited', headers: { 'x-api-key': `key-${i % DISTINCT}` } }),
  // One key asked again and again: every request after its first is a 429.
  (i) => ({ method: 'GET', path: '/limited', headers: { 'x-api-key': 'key-hot' } })
]

function startServer () {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'soak-server.mjs'), [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    child.once('message', (message) => resolve({ child, port: message.port }))
    child.once('exit', (code) => reject(new Error(`soak server exited with ${code}`)))
  })
}

function ask (server, question) {
  return new Promise((resolve) => {
    server.child.once('message', resolve)
    server.child.send(question)
  })
}

let next = 0 // the index of the next request in the mix
function drive (port, amount) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: Math.min(50, amount),
    pipelining: 1,
    amount,
    requests: [{
      setupRequest (request) {
        const n = next++
        return { ...request, headers: {}, body: undefined, ...kinds[n % kinds.length](Math.floor(n / kinds.length)) }
      }
    }]
  })
}

// autocannon sends fewer requests than asked when the server closes
// connections, as it does after a malformed body's 400: drive again until
// the server has answered as many as wanted.
async function driveUntil (server, answered) {
  let errors = 0
  let timeouts = 0
  for (;;) {
    const { served } = await ask(server, 'served')
    if (served >= answered) return { errors, timeouts, served }
    const result = await drive(server.port, answered - served)
    errors += result.errors
    timeouts += result.timeouts
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const server = await startServer()
const started = Date.now()
try {
  await driveUntil(server, WARMUP)
  const before = await ask(server, 'memory')
  const result = await driveUntil(server, TOTAL)
  const after = await ask(server, 'memory')
  const growth = after.heapUsed - before.heapUsed
  const seconds = Math.round((Date.now() - started) / 1000)
  const statuses = Object.fromEntries(Object.entries(after.statuses).map(([status, count]) => [status, count - (before.statuses[status] ?? 0)]))
  process.stdout.write([
    `requests answered: ${result.served} in ${seconds} s (${result.errors} errors, ${result.timeouts} timeouts)`,
    `after warm-up, by status: ${JSON.stringify(statuses)}`,
    `heap after warm-up: ${mb(before.heapUsed)}, at the end: ${mb(after.heapUsed)}, growth ${mb(growth)} (limit ${mb(HEAP_GROWTH_LIMIT)})`,
    `rss at the end: ${mb(after.rss)} (limit ${mb(RSS_LIMIT)})`,
    ''
  ].join('\n'))
  const over = growth >= HEAP_GROWTH_LIMIT || after.rss >= RSS_LIMIT || result.errors > 0
  if (over) process.stdout.write('soak: OVER THE LIMITS\n')
  process.exitCode = over ? 1 : 0
} finally {
  server.child.removeAllListeners('exit')
  server.child.kill()
}
