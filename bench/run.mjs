// `npm run bench [-- --quick]`: compares pairs of servers over real sockets
// and writes bench/RESULTS.md. Each server runs in its own process on
// loopback; autocannon drives both servers of a pair at once, 50
// connections each, pipelining 1. Within one run, each pair is measured in
// several rounds, in a few fresh pairs of processes warmed up first,
// alternating which side goes first, and the result is the median of the
// per-round ratios of requests per second: on a shared, noisy machine,
// ratios measured side by side are what can be trusted, not absolute
// numbers.
import autocannon from 'autocannon'
import { spawn, spawnSync } from 'node:child_process'
import { Agent, request as httpRequest } from 'node:http'
import { performance } from 'node:perf_hooks'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const line = nodeLineOf(process.argv)
const nodeBinary = join(lineBin(line), 'node')
const nodeVersion = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim()
// Each pair is measured in rounds of SECONDS per side, in a few fresh pairs
// of server processes, each pair of processes warmed up first. Pairs with a
// target, and the control pairs that show the noise band they are read
// against, get six pairs of processes of two rounds each: a process settles
// a few percent faster or slower for its whole life, and the median of
// twelve rounds in six pairs passes over a pair that settled apart, where
// six rounds in three pairs moved by up to 5% from run to run. A pair only
// reported gets one pair of processes of three rounds, and so does the
// Redis pair, whose latency phase adds 3 s a round.
const GATED = quick ? { processes: 1, rounds: 1 } : { processes: 6, rounds: 2 }
const REPORTED = quick ? { processes: 1, rounds: 1 } : { processes: 1, rounds: 3 }
const SECONDS = quick ? 0.5 : 1
// Both sides of a pair reach their steady speed after about 2 s of load at
// once: the side with more code on its path (the plugin's error path, the
// bounded collection of schema failures) gets there last, and a ratio taken
// in the second second read some 3% lower than the steady one.
const WARMUP_SECONDS = quick ? 0.25 : 2
// autocannon ends a run on its next sample: with its default of one sample a
// second, a 0.5 s run lasts 1 s and a 1.5 s run 2 s. A side's requests per
// second are its completed requests over the run's measured duration.
const SAMPLE_MS = 250
// Latency pairs are measured at a fixed rate that both sides serve with
// room to spare: at saturation, p99 is the queue of 50 connections, a
// measure of throughput rather than of the time a request takes.
const LATENCY_RATE = 2000
const LATENCY_SECONDS = quick ? 1 : 3
const LATENCY_WARMUP_SECONDS = quick ? 0.5 : 1

const GET = (path) => ({ method: 'GET', path })
// Rows whose servers run with this flag use the method of earlier versions
// of this benchmark: --single-threaded-gc and one process.nextTick tick
// object kept alive (keep-tick-object.mjs). No user's process does that:
// those rows are only reported.
const KEPT_TICK = '--keep-tick-object'
const WITHOUT_OTEL = '--without-otel'
const INVALID_BODY = {
  method: 'POST',
  path: '/items',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 7, email: false, age: 'old' })
}
// 80% 2xx, 10% unmatched URLs, 5% schema failures, 5% thrown 404s, in one
// sequence that each connection repeats.
const MIXED = [
  ...Array.from({ length: 8 }, () => GET('/ok')), GET('/nowhere/w_1'), INVALID_BODY,
  ...Array.from({ length: 8 }, () => GET('/ok')), GET('/nowhere/w_2'), GET('/widgets/w_1')
]

/** Each pair: A (with the plugin) against B, and the target of A/B. */
const pairs = [
  { name: 'control: bare 2xx vs bare 2xx', a: ['bare-ok'], b: ['bare-ok'], request: GET('/ok'), target: null, control: true },
  { name: 'control: an empty fastify-plugin registered vs bare Fastify, 2xx', a: ['empty-plugin-ok'], b: ['bare-ok'], request: GET('/ok'), target: null, control: true },
  { name: '2xx, plugin registered vs bare Fastify', a: ['plugin-ok'], b: ['bare-ok'], request: GET('/ok'), target: 0.95 },
  { name: '2xx through a response schema, plugin vs bare Fastify', a: ['plugin-schema-ok'], b: ['bare-schema-ok'], request: GET('/ok'), target: null },
  { name: '2xx sent by another plugin\'s onRequest hook (a cache), plugin (echoing X-Request-Id) vs bare Fastify', a: ['plugin-cached-ok'], b: ['bare-cached-ok'], request: GET('/ok'), target: null },
  { name: 'mixed load (80% 2xx, 10% 404, 5% 422, 5% thrown 404), plugin vs the same app answering with Fastify\'s defaults', a: ['plugin-mixed'], b: ['bare-mixed'], request: MIXED, target: null },
  { name: 'throw notFound() vs Fastify error-path floor also sending X-Request-Id (header for header)', a: ['plugin-throw'], b: ['floor-request-id'], request: GET('/widgets/w_1'), target: 0.95 },
  { name: 'throw notFound() vs Fastify error-path floor without X-Request-Id', a: ['plugin-throw'], b: ['floor'], request: GET('/widgets/w_1'), target: null },
  { name: 'throw notFound() without the X-Request-Id echo (requestId.header: false) vs the floor without it', a: ['plugin-throw-no-echo'], b: ['floor'], request: GET('/widgets/w_1'), target: null },
  { name: 'throw notFound() vs the limit (route returning the envelope)', a: ['plugin-throw'], b: ['limit'], request: GET('/widgets/w_1'), target: null },
  { name: 'unmatched URL 404 vs the limit', a: ['plugin-404'], b: ['limit'], request: GET('/widgets/w_1'), target: 0.95, requestA: GET('/nowhere/w_1') },
  { name: 'wrong method 405 vs the limit', a: ['plugin-405'], b: ['limit'], request: GET('/widgets/w_1'), target: 0.90, requestA: { method: 'DELETE', path: '/widgets/w_1' } },
  { name: 'unmatched URL 404 vs Fastify\'s own not-found handler sending one prebuilt body', a: ['plugin-404'], b: ['floor-404'], request: GET('/nowhere/w_1'), target: null },
  { name: 'schema failure 422 (3 details) vs bare Fastify 400', a: ['plugin-422'], b: ['bare-400'], request: INVALID_BODY, target: 1.00 },
  { name: 'over the limit 429 vs bare @fastify/rate-limit 429', a: ['plugin-429'], b: ['bare-429'], request: GET('/ok'), target: 0.95 },
  { name: '2xx with in-memory limiter vs bare @fastify/rate-limit', a: ['plugin-rl-ok'], b: ['bare-rl-ok'], request: GET('/ok'), target: 0.95 },
  { name: 'Redis limiter 2xx vs bare route doing one Redis GET (p99 within +1 ms)', a: ['plugin-redis-ok'], b: ['bare-redis-get'], request: GET('/ok'), target: null, p99Slack: 1, redis: true },
  { name: 'throw notFound() vs @fastify/sensible httpErrors.notFound()', a: ['plugin-throw'], b: ['sensible'], request: GET('/widgets/w_1'), target: 1.80 },
  // The ceilings of the two rows above: what an error handler with nothing
  // of its own to do (one prebuilt error, one prebuilt body) would read.
  { name: 'ceiling: the floor also sending X-Request-Id vs @fastify/sensible httpErrors.notFound()', a: ['floor-request-id'], b: ['sensible'], request: GET('/widgets/w_1'), target: null },
  { name: 'ceiling: a prebuilt 422 envelope after Fastify\'s own validation vs bare Fastify 400', a: ['floor-422'], b: ['bare-400'], request: INVALID_BODY, target: null },
  { name: 'logger on: throw notFound() vs the limit', a: ['plugin-throw', '--logger'], b: ['limit', '--logger'], request: GET('/widgets/w_1'), target: null },
  { name: 'logger on: 2xx, plugin vs bare', a: ['plugin-ok', '--logger'], b: ['bare-ok', '--logger'], request: GET('/ok'), target: null },
  // Telemetry: the error path with @opentelemetry/api not installed, installed
  // with no SDK (its no-op span and meter), and with the SDK and a span per
  // request, each against the same app with `telemetry: false`.
  { name: 'telemetry: @opentelemetry/api not installed vs telemetry: false, throw notFound()', a: ['plugin-throw', WITHOUT_OTEL], b: ['plugin-throw-telemetry-off', WITHOUT_OTEL], request: GET('/widgets/w_1'), target: 0.98 },
  { name: 'telemetry: @opentelemetry/api without an SDK vs telemetry: false, throw notFound()', a: ['plugin-throw'], b: ['plugin-throw-telemetry-off'], request: GET('/widgets/w_1'), target: 0.98 },
  { name: 'telemetry: SDK and a span per request vs telemetry: false, throw notFound()', a: ['plugin-throw', '--otel-sdk'], b: ['plugin-throw-telemetry-off', '--otel-sdk'], request: GET('/widgets/w_1'), target: null },
  // The method of earlier versions of this benchmark, reported only.
  { name: 'tick object kept, single-threaded GC: 2xx, plugin registered vs bare Fastify', a: ['plugin-ok', KEPT_TICK], b: ['bare-ok', KEPT_TICK], request: GET('/ok'), target: null },
  { name: 'tick object kept, single-threaded GC: throw notFound() vs the floor also sending X-Request-Id', a: ['plugin-throw', KEPT_TICK], b: ['floor-request-id', KEPT_TICK], request: GET('/widgets/w_1'), target: null },
  // Express: the adapter's middleware against the same app without it.
  { name: 'control: Express, an empty middleware mounted first vs bare Express, 2xx', a: ['express-empty-middleware-ok'], b: ['express-bare-ok'], request: GET('/ok'), target: null, control: true },
  { name: 'Express 2xx, beforeRoutes()/afterRoutes() vs bare Express', a: ['express-plugin-ok'], b: ['express-bare-ok'], request: GET('/ok'), target: 0.95 },
  // Against the least work that gives the same bytes: one prebuilt error
  // thrown, one prebuilt body ended with res.end().
  { name: 'Express throw notFound() vs the floor: a prebuilt error thrown to a handler ending the prebuilt body', a: ['express-plugin-throw'], b: ['express-true-floor'], request: GET('/widgets/w_1'), target: 0.95 },
  { name: 'Express throw notFound() vs Express\'s own final handler (HTML page) for the same thrown error', a: ['express-plugin-throw'], b: ['express-finalhandler'], request: GET('/widgets/w_1'), target: 1.0 },
  { name: 'Express unmatched URL 404 vs the limit: a route ending the prebuilt envelope', a: ['express-plugin-404'], b: ['express-true-limit'], request: GET('/widgets/w_1'), target: 0.95, requestA: GET('/nowhere/w_1') },
  { name: 'Express wrong method 405 vs the limit: a route ending the prebuilt envelope', a: ['express-plugin-405'], b: ['express-true-limit'], request: GET('/widgets/w_1'), target: 0.90, requestA: { method: 'DELETE', path: '/widgets/w_1' } },
  // Against what apps write today: http-errors and res.send().
  { name: 'Express throw notFound() vs an http-errors 404 to a handler sending a prebuilt body with res.send()', a: ['express-plugin-throw'], b: ['express-floor'], request: GET('/widgets/w_1'), target: null },
  { name: 'Express unmatched URL 404 vs a route sending the envelope with res.send()', a: ['express-plugin-404'], b: ['express-limit'], request: GET('/widgets/w_1'), target: null, requestA: GET('/nowhere/w_1') },
  { name: 'Express wrong method 405 vs a route sending the envelope with res.send()', a: ['express-plugin-405'], b: ['express-limit'], request: GET('/widgets/w_1'), target: null, requestA: { method: 'DELETE', path: '/widgets/w_1' } },
  { name: 'Express schema failure 422 (3 details) vs an Express route answering a prebuilt 400 after the same ajv check', a: ['express-422'], b: ['express-prebuilt-400'], request: INVALID_BODY, target: 0.95 },
  { name: 'Express 2xx with in-memory limiter vs bare express-rate-limit', a: ['express-rl-ok'], b: ['express-bare-rl-ok'], request: GET('/ok'), target: 0.95 },
  { name: 'Express over the limit 429 vs express-rate-limit\'s default 429', a: ['express-429'], b: ['express-bare-429'], request: GET('/ok'), target: 0.95 }
]

// On a machine of two cores, the servers run on the first and autocannon on
// the second. Measured one after the other, the two sides of the control
// pair differed by up to 30% from round to round here; measured at once on
// one core, by 1 to 3%.
//
// The servers run on one pinned Node release of the line asked for
// (scripts/node-line.sh), Node 26 unless `--node 22` or `--node 24` is
// given, with Node's default flags: what a user's process runs.
const pinned = spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' }).status === 0

function startServer (args) {
  return new Promise((resolve, reject) => {
    const file = args[0].startsWith('express-') ? 'express-server.mjs' : 'server.mjs'
    const flags = args.includes(KEPT_TICK) ? ['--single-threaded-gc'] : []
    // As if @opentelemetry/api were not installed.
    if (args.includes(WITHOUT_OTEL)) flags.push('--import', join(here, 'without-otel.mjs'))
    const node = [nodeBinary, ...flags, join(here, file), ...args]
    const command = pinned ? ['taskset', '-c', '0', ...node] : node
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    child.once('message', (message) => resolve({ child, port: message.port }))
    child.once('exit', (code) => reject(new Error(`server ${args.join(' ')} exited with ${code}`)))
  })
}

// A measured server has nothing left to do: it is killed, not closed, so that
// a round in fresh processes costs their start-up only.
function stopServer (server) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit')
    server.child.once('exit', resolve)
    server.child.kill('SIGKILL')
  })
}

function cpuOf (server) {
  return new Promise((resolve) => {
    server.child.once('message', (message) => resolve(message.cpu))
    server.child.send('cpu')
  })
}

async function drive (server, request, seconds) {
  const before = await cpuOf(server)
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: 50,
    pipelining: 1,
    duration: seconds,
    sampleInt: SAMPLE_MS,
    requests: Array.isArray(request) ? request : [request]
  })
  const cpu = (await cpuOf(server)) - before
  return { rps: result.requests.total / result.duration, p99: result.latency.p99, cpuPerRequest: cpu / Math.max(1, result.requests.total), errors: result.errors + result.timeouts }
}

// Open-loop load at a fixed rate: requests leave on schedule, in steps of a
// millisecond, whether or not earlier ones have been answered, over
// keep-alive connections. Each latency runs from the request's start to the
// end of its response, in milliseconds with microsecond precision.
function driveAtRate (server, request, rate, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 })
  const total = Math.round(rate * seconds)
  const latencies = []
  let failed = 0
  return new Promise((resolve) => {
    const started = performance.now()
    let sent = 0
    function settle () {
      if (latencies.length + failed < total) return
      agent.destroy()
      resolve({ latencies, failed })
    }
    function send () {
      const start = performance.now()
      const outgoing = httpRequest({ agent, host: '127.0.0.1', port: server.port, method: request.method, path: request.path, headers: request.headers }, (response) => {
        response.resume()
        response.once('end', () => { latencies.push(performance.now() - start); settle() })
      })
      outgoing.once('error', () => { failed++; settle() })
      outgoing.end(request.body)
    }
    function tick () {
      const due = Math.min(total, Math.floor((performance.now() - started) * rate / 1000))
      while (sent < due) { sent++; send() }
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
}

function percentile (values, fraction) {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]
}

function median (values) {
  const sorted = [...values].sort((x, y) => x - y)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

// Starts both servers of a pair; when one fails to start, the other is
// stopped before the failure is reported, so that no process outlives the run.
async function startBoth (pair) {
  const started = await Promise.allSettled([startServer(pair.a), startServer(pair.b)])
  const failed = started.find((result) => result.status === 'rejected')
  if (failed === undefined) return started.map((result) => result.value)
  await Promise.all(started.filter((result) => result.status === 'fulfilled').map((result) => stopServer(result.value)))
  throw failed.reason
}

// Each pair of processes is started fresh and warmed up, then measured in
// rounds: a process keeps the speed it settled in for its whole life, so
// rounds in several pairs of processes sample that spread, and the median
// passes over a process that settled slow.
async function measureProcesses (pair, plan, first) {
  const [a, b] = await startBoth(pair)
  try {
    const requestA = pair.requestA ?? pair.request
    await Promise.all([drive(a, requestA, WARMUP_SECONDS), drive(b, pair.request, WARMUP_SECONDS)])
    const rounds = []
    for (let round = first; round < first + plan.rounds; round++) {
      // Both sides run at once, on one core: whatever slows the machine down
      // during a round slows both alike, and their ratio is the ratio of their
      // costs. The side started first alternates between rounds.
      const [resultA, resultB] = round % 2 === 0
        ? await Promise.all([drive(a, requestA, SECONDS), drive(b, pair.request, SECONDS)])
        : (await Promise.all([drive(b, pair.request, SECONDS), drive(a, requestA, SECONDS)])).reverse()
      rounds.push({ a: resultA, b: resultB, ratio: resultA.rps / resultB.rps, cpuRatio: resultB.cpuPerRequest / resultA.cpuPerRequest })
    }
    if (pair.p99Slack !== undefined) await measureLatency(a, b, requestA, pair.request, rounds)
    return rounds
  } finally {
    await Promise.all([stopServer(a), stopServer(b)])
  }
}

// Latency rounds come after the throughput rounds, one per round, after a
// first one at the same rate whose numbers are dropped: the first run of
// the client's own code, cold, and the servers' collection of what the
// saturating rounds left behind would otherwise land in a p99.
async function measureLatency (a, b, requestA, requestB, rounds) {
  const both = (seconds) => Promise.all([
    driveAtRate(a, requestA, LATENCY_RATE, seconds),
    driveAtRate(b, requestB, LATENCY_RATE, seconds)
  ])
  await both(LATENCY_WARMUP_SECONDS)
  for (const round of rounds) {
    const [latencyA, latencyB] = await both(LATENCY_SECONDS)
    round.latency = {
      a: percentile(latencyA.latencies, 0.99),
      b: percentile(latencyB.latencies, 0.99),
      failed: latencyA.failed + latencyB.failed
    }
  }
}

// The Redis pair has no ratio target (its latency is gated): reported plan.
function planOf (pair) {
  return pair.p99Slack === undefined && (pair.target !== null || pair.control === true) ? GATED : REPORTED
}

async function measure (pair) {
  const plan = planOf(pair)
  const rounds = []
  for (let processes = 0; processes < plan.processes; processes++) rounds.push(...await measureProcesses(pair, plan, rounds.length))
  return { ...pair, rounds, ratio: median(rounds.map((r) => r.ratio)), cpuRatio: median(rounds.map((r) => r.cpuRatio)) }
}

// `--node 24` or `--node=24`: the Node line the servers run on, 26 unless
// given. Its pinned release is installed by scripts/node-line.sh.
function nodeLineOf (argv) {
  const at = argv.findIndex((arg) => arg === '--node' || arg.startsWith('--node='))
  if (at === -1) return '26'
  const value = argv[at].startsWith('--node=') ? argv[at].slice('--node='.length) : argv[at + 1]
  if (!['22', '24', '26'].includes(value)) {
    process.stderr.write(`npm run bench: --node takes 22, 24 or 26, not ${value === undefined ? 'nothing' : JSON.stringify(value)}\n`)
    process.exit(2)
  }
  return value
}

function lineBin (nodeLine) {
  const script = join(here, '..', 'scripts', 'node-line.sh')
  const result = spawnSync('bash', [script, nodeLine], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (result.status !== 0) {
    process.stderr.write(`npm run bench: could not install Node ${nodeLine} (scripts/node-line.sh exited with ${result.status})\n`)
    process.exit(1)
  }
  return result.stdout.trim()
}

function describePlan (plan) {
  const processes = plan.processes === 1 ? 'one pair of server processes' : `${plan.processes} pairs of server processes`
  return `${plan.processes * plan.rounds} rounds in ${processes}`
}

function versions () {
  const require = createRequire(import.meta.url)
  const own = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'))
  // express-rate-limit exports no package.json: read it beside the package's folder.
  const of = (name) => {
    let path
    try { path = require.resolve(`${name}/package.json`) } catch { path = join(here, '..', 'node_modules', name, 'package.json') }
    return JSON.parse(readFileSync(path, 'utf8')).version
  }
  return `Node ${nodeVersion} (the servers; the driver on ${process.version}), error-envelope ${own.version}, fastify ${of('fastify')}, @fastify/rate-limit ${of('@fastify/rate-limit')}, @fastify/sensible ${of('@fastify/sensible')}, express ${of('express')}, express-rate-limit ${of('express-rate-limit')}, autocannon ${of('autocannon')}`
}

function verdict (result) {
  if (result.failed) return 'failed to run'
  if (result.p99Slack !== undefined) {
    const a = median(result.rounds.map((r) => r.latency.a))
    const b = median(result.rounds.map((r) => r.latency.b))
    const failed = result.rounds.reduce((sum, r) => sum + r.latency.failed, 0)
    const met = a <= b + result.p99Slack && failed === 0
    return `p99 at ${LATENCY_RATE} requests/s: ${a.toFixed(2)} ms vs ${b.toFixed(2)} ms${failed === 0 ? '' : `, ${failed} failed`}: ${met ? 'met' : 'MISSED'}`
  }
  if (result.target === null) return 'reported'
  return result.ratio >= result.target ? 'met' : 'MISSED'
}

// The Redis pair needs a redis-server: one is started on a free port for
// the run, or the pair is skipped with a note when none is installed.
async function startRedis () {
  const { createServer, connect } = await import('node:net')
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)) })
  })
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const started = await new Promise((resolve) => {
    child.once('error', () => resolve(false))
    const deadline = Date.now() + 5000
    const probe = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.end(); resolve(true) })
      socket.once('error', () => { if (Date.now() > deadline) resolve(false); else setTimeout(probe, 50) })
    }
    probe()
  })
  return started ? { child, port } : undefined
}

// `--only=a|b`: the pairs whose name contains any of the parts.
let selected = only === undefined ? pairs : pairs.filter((pair) => only.split('|').some((part) => pair.name.includes(part)))
const redis = selected.some((pair) => pair.redis) ? await startRedis() : undefined
if (redis === undefined) selected = selected.filter((pair) => !pair.redis)
else process.env.REDIS_PORT = String(redis.port)
const results = []
const started = Date.now()
for (const pair of selected) {
  try {
    const result = await measure(pair)
    results.push(result)
    const last = result.rounds.at(-1)
    process.stdout.write(`${result.ratio.toFixed(3)} (cpu ${result.cpuRatio.toFixed(2)})  ${pair.name} (last round: A ${Math.round(last.a.rps)} rps p99 ${last.a.p99} ms, B ${Math.round(last.b.rps)} rps p99 ${last.b.p99} ms)\n`)
  } catch (error) {
    results.push({ ...pair, failed: true, error: error.message })
    process.stdout.write(`failed  ${pair.name}: ${error.message}\n`)
  }
}
const seconds = Math.round((Date.now() - started) / 1000)
redis?.child.kill()

const lines = [
  '# Benchmark results',
  '',
  `${quick ? 'Quick run' : 'Full run'} of \`npm run bench${quick ? ' -- --quick' : ''}\`, ${new Date().toISOString()}, ${seconds} s.`,
  `${versions()}. ${quick ? 'One round' : `${describePlan(GATED)} for the pairs with a target and the control pairs, ${describePlan(REPORTED)} for the Redis pair and the other pairs only reported`}; each pair of processes warmed up for ${WARMUP_SECONDS} s, each round ${SECONDS} s per side; 50 connections, pipelining 1, loopback.`,
  '',
  `Ratio: median over rounds of (requests per second of A) / (requests per second of B), the server processes run with Node's default flags (except the rows marked "tick object kept", see bench/NOTES.md), every app with 30 routes with schemas and two plugins (bench/app-size.mjs), both sides driven at once${pinned ? ', both servers pinned to core 0 and autocannon to core 1' : ''}, the side started first alternating between rounds. The control rows show the noise band of this run and what registering any plugin costs. CPU ratio: median of (server CPU time per request of B) / (of A).`,
  '',
  '| Pair (A vs B) | Target | Median ratio | Per round | CPU ratio | p99 A / B (ms) | Verdict |',
  '|---|---|---|---|---|---|---|'
]
for (const result of results) {
  if (result.failed) {
    lines.push(`| ${result.name} | ${result.target ?? '-'} | - | - | - | - | failed to run: ${result.error} |`)
    continue
  }
  const perRound = result.rounds.map((r) => r.ratio.toFixed(2)).join(', ')
  const p99 = result.rounds.map((r) => `${r.a.p99}/${r.b.p99}`).join(', ') +
    (result.p99Slack === undefined ? '' : `; at ${LATENCY_RATE}/s: ${result.rounds.map((r) => `${r.latency.a.toFixed(2)}/${r.latency.b.toFixed(2)}`).join(', ')}`)
  const target = result.p99Slack !== undefined ? `p99 ≤ B + ${result.p99Slack} ms` : result.target === null ? 'reported' : `≥ ${result.target.toFixed(2)}`
  lines.push(`| ${result.name} | ${target} | ${result.ratio.toFixed(3)} | ${perRound} | ${result.cpuRatio.toFixed(2)} | ${p99} | ${verdict(result)} |`)
}
const notesPath = join(here, 'NOTES.md')
let notes = ''
try { notes = readFileSync(notesPath, 'utf8') } catch {}
// Only a full run of every pair replaces the committed results: those of
// Node 26 in RESULTS.md, those of another line in RESULTS-node<line>.md.
const output = quick || only !== undefined ? 'RESULTS-quick.md' : line === '26' ? 'RESULTS.md' : `RESULTS-node${line}.md`
writeFileSync(join(here, output), lines.join('\n') + '\n' + (notes === '' ? '' : '\n' + notes))
process.stdout.write(`\nwritten to bench/${output} in ${seconds} s\n`)
if (results.some((result) => result.failed)) process.exitCode = 1
