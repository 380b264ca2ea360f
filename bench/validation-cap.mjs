// The cost of naming every bad field, bounded: `node bench/validation-cap.mjs`.
//
// A child process serves the same route twice on 127.0.0.1: once with
// error-envelope (every failing field, capped at `validation.maxDetails`) and
// once with Fastify's default (ajv stops at the first error). The parent
// posts a 1 MB body of 100,000 invalid items to each over real sockets, in
// alternating rounds, and prints the median time per request of each and the
// median of the per-round ratios. The design target is a ratio of at most 2.
// Run `npm run build` first: the child imports the package by its name.
import { fork } from 'node:child_process'
import { request, Agent } from 'node:http'
import { fileURLToPath } from 'node:url'

const ITEMS = 100_000
const ROUNDS = Number(process.env.ROUNDS ?? 15)
const PER_ROUND = Number(process.env.PER_ROUND ?? 10)
const WARMUP = 10

const SCHEMA = {
  body: {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: { type: 'object', properties: { q: { type: 'integer' } } }
      }
    }
  }
}

if (process.argv[2] === 'serve') {
  await serve()
} else {
  await main()
}

async function serve () {
  const { default: Fastify } = await import('fastify')
  const { default: errorEnvelope } = await import('error-envelope')
  const capped = Fastify()
  await capped.register(errorEnvelope)
  capped.post('/items', { schema: SCHEMA }, async () => 'ok')
  const firstError = Fastify()
  firstError.post('/items', { schema: SCHEMA }, async () => 'ok')
  // For comparison only: ajv's own allErrors, the configuration the cap avoids.
  const allErrors = Fastify({ ajv: { customOptions: { allErrors: true } } })
  await allErrors.register(errorEnvelope)
  allErrors.post('/items', { schema: SCHEMA }, async () => 'ok')
  const ports = {}
  for (const [name, app] of Object.entries({ capped, firstError, allErrors })) {
    await app.listen({ host: '127.0.0.1', port: 0 })
    ports[name] = app.server.address().port
  }
  process.send(ports)
}

async function main () {
  // Each item is `{"q":"x"}` and a comma: 10 bytes, 1,000,000 bytes in all.
  const body = Buffer.from(`{"items":[${new Array(ITEMS).fill('{"q":"x"}').join(',')}]}`)
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: 'inherit' })
  const ports = await new Promise((resolve) => child.once('message', resolve))
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const first = {}
    for (const [name, port] of Object.entries(ports)) first[name] = await post(agent, port, body)
    console.log(`body: ${body.length} bytes, ${ITEMS} invalid items`)
    for (const [name, answer] of Object.entries(first)) {
      console.log(`${name}: ${answer.status}, ${answer.text.length} bytes: ${answer.text.slice(0, 160)}${answer.text.length > 160 ? '…' : ''}`)
    }
    for (let i = 0; i < WARMUP; i++) {
      await post(agent, ports.capped, body)
      await post(agent, ports.firstError, body)
    }
    const times = { capped: [], firstError: [], allErrors: [] }
    const ratios = []
    const allErrorRatios = []
    for (let round = 0; round < ROUNDS; round++) {
      const capped = await timed(agent, ports.capped, body)
      const firstError = await timed(agent, ports.firstError, body)
      const allErrors = await timed(agent, ports.allErrors, body, 1)
      times.capped.push(capped)
      times.firstError.push(firstError)
      times.allErrors.push(allErrors)
      ratios.push(capped / firstError)
      allErrorRatios.push(allErrors / firstError)
    }
    const ms = (value) => `${value.toFixed(2)} ms`
    console.log(`median per request, capped all errors (error-envelope): ${ms(median(times.capped))}`)
    console.log(`median per request, first error only (Fastify default): ${ms(median(times.firstError))}`)
    console.log(`median per request, ajv allErrors (for comparison):        ${ms(median(times.allErrors))}`)
    console.log(`median ratio over ${ROUNDS} rounds of ${PER_ROUND} requests, capped / first error: ${median(ratios).toFixed(3)} (target: at most 2)`)
    console.log(`median ratio, ajv allErrors / first error, for comparison: ${median(allErrorRatios).toFixed(3)}`)
  } finally {
    agent.destroy()
    child.kill()
  }
}

async function timed (agent, port, body, count = PER_ROUND) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) await post(agent, port, body)
  return Number(process.hrtime.bigint() - start) / 1e6 / count
}

function post (agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/items',
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length }
    }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function median (values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
