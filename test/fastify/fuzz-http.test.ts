import t from 'tap'
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { build, contractErrors } from '../helper.js'
import { listen, rawRequest } from '../fixtures/raw-http.js'
import { REQUEST_ID_PATTERN, serverOptions } from '../../index.js'

// Seeded so that a failure reproduces: FUZZ_SEED=<n> FUZZ_CASES=<n> to explore.
const seed = Number(process.env.FUZZ_SEED ?? 7_340_033)
const cases = Number(process.env.FUZZ_CASES ?? 3000)
const CONCURRENCY = 8
const CASE_TIMEOUT_MS = 5000
t.comment(`raw HTTP fuzz seed ${seed}, ${cases} cases`)

// mulberry32: small, fast and good enough to drive a fuzzer.
function prng (state: number): () => number {
  return function next () {
    state = (state + 0x6d2b79f5) | 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number
const int = (random: Random, max: number): number => Math.floor(random() * max)
const pick = <T>(random: Random, list: readonly T[]): T => list[int(random, list.length)]

const METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'PROPFIND', 'CONNECT', 'PRI', 'FOO', 'get', 'G ET', '']
const PATHS = ['/widgets/1', '/widgets/1', '/echo', '/boom', '/nope', '/nope?token=x&y=%zz', '/widgets/%E0%A4%A', '/%', '*',
  'http://other.example/widgets/1', '/widgets/' + 'p'.repeat(200), '/' + 'u'.repeat(3000), '/widgets/1#frag', '//widgets//1', '/widgets/1/../2', '']
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.9', 'HTTP/1.1x', 'HTTP/0.9', 'HTTPS/1.1', '']
const HEADERS = [
  'Host: x', 'Host: x', 'Host: x', 'Host:', 'Host: a b', 'Content-Type: application/json', 'Content-Type: application/json',
  'Content-Type: text/plain', 'Content-Type: application/jsonx', 'Content-Type: APPLICATION/JSON; charset=utf-8',
  'Content-Length: 7', 'Content-Length: 0', 'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Content-Length: 1, 2',
  'Content-Length: abc', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: chunked, identity',
  'Transfer-Encoding: xchunked', 'X-Request-Id: abc-123', 'X-Request-Id: bad id', 'X-Request-Id: ' + 'i'.repeat(200),
  'Expect: 100-continue', 'Expect: nope', 'Connection: close', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket',
  'Content-Encoding: gzip', 'Accept: */*', 'X-Forwarded-For: 1.2.3.4', 'Cookie: a=b', 'X-Empty:', ' X-Leading: space',
  'X-Fold: a\r\n b', 'Bad Header: x', 'X-Nul: a\u0000b', 'X-High: \u00ff\u00fe'
]
const BODIES = ['{"a":1}', '{"a":', '', '[]', '{"__proto__":{"x":1}}', '7\r\n{"a":1}\r\n0\r\n\r\n', '0\r\n\r\n', 'zz\r\n', 'x'.repeat(3000),
  'GET /widgets/2 HTTP/1.1\r\nHost: x\r\n\r\n']
const TOKENS = ['\r\n', '\n', '\r', '\u0000', ' ', '\t', ':', '%', '%zz', '\u00ff', '\r\n\r\n', 'Transfer-Encoding: chunked\r\n',
  'Content-Length: 5\r\n', 'Host: y\r\n', 'HTTP/1.1', '?', '#', '/..', '"', '\\', '\u007f']

const CLEAN_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']
const CLEAN_PATHS = ['/widgets/1', '/echo', '/boom', '/nope', '/nope?token=x', '/widgets/' + 'p'.repeat(120)]

// A well-formed request, with its Content-Length right, half the time;
// anything goes the other half. Mutations then break either.
function baseRequest (random: Random): string {
  if (random() < 0.5) {
    const method = pick(random, CLEAN_METHODS)
    const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? pick(random, BODIES) : ''
    const lines = [`${method} ${pick(random, CLEAN_PATHS)} HTTP/1.1`, 'Host: x']
    if (body !== '') lines.push(pick(random, ['Content-Type: application/json', 'Content-Type: text/plain', 'Content-Type: application/jsonx']))
    if (random() < 0.3) lines.push(pick(random, HEADERS))
    if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`)
    return lines.join('\r\n') + '\r\n\r\n' + body
  }
  const method = pick(random, METHODS)
  const lines = [`${method} ${pick(random, PATHS)} ${pick(random, VERSIONS)}`]
  const count = int(random, 6)
  for (let i = 0; i < count; i++) lines.push(pick(random, HEADERS))
  if (random() < 0.02) lines.push('X-Big: ' + 'b'.repeat(20_000))
  const body = random() < 0.5 ? pick(random, BODIES) : ''
  return lines.join('\r\n') + '\r\n\r\n' + body
}

function randomText (random: Random): string {
  let text = ''
  const length = 1 + int(random, 12)
  for (let i = 0; i < length; i++) text += String.fromCharCode(int(random, 256))
  return text
}

function mutate (random: Random, request: string): string {
  const at = int(random, request.length + 1)
  switch (int(random, 7)) {
    case 0: return request.slice(0, at) + String.fromCharCode(int(random, 256)) + request.slice(at + 1)
    case 1: return request.slice(0, at) + pick(random, TOKENS) + request.slice(at)
    case 2: return request.slice(0, at) + request.slice(at + 1 + int(random, 20))
    case 3: return request.slice(0, at) + request.slice(at, at + 1 + int(random, 40)).repeat(2) + request.slice(at)
    case 4: return request.slice(0, at)
    case 5: return request.slice(0, at) + randomText(random) + request.slice(at)
    default: return request.replace(/\r\n/, '\r\n' + pick(random, HEADERS) + '\r\n')
  }
}

function fuzzCase (random: Random): string {
  let request = baseRequest(random)
  const mutations = random() < 0.3 ? 0 : 1 + int(random, 3)
  for (let i = 0; i < mutations; i++) request = mutate(random, request)
  return request
}

/** Writes the bytes, half-closes, and reads until the server closes. */
function exchange (port: number, request: string): Promise<{ raw: Buffer, timedOut: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); resolve({ raw: Buffer.concat(chunks), timedOut: true }) }, CASE_TIMEOUT_MS)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(timer); resolve({ raw: Buffer.concat(chunks), timedOut: false }) })
    socket.on('connect', () => { socket.end(Buffer.from(request, 'latin1')) })
  })
}

interface Parsed {
  status: number
  headers: Record<string, string>
  body: string | undefined
}

// Splits what the server wrote into responses. A response to HEAD carries
// the headers of its body but not the body: when the next bytes are not a
// body of that length, the response is read as bodiless.
function parseResponses (raw: string, mayBeHead: boolean): Parsed[] | string {
  const responses: Parsed[] = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    if (end === -1) return `an incomplete head: ${JSON.stringify(rest.slice(0, 200))}`
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n')
    const match = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(statusLine)
    if (match === null) return `a bad status line: ${JSON.stringify(statusLine)}`
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const status = Number(match[1])
    rest = rest.slice(end + 4)
    let body: string | undefined = ''
    if (status < 200 || status === 204 || status === 304) {
      body = ''
    } else if (mayBeHead && (rest.length === 0 || rest.startsWith('HTTP/1.1 '))) {
      body = undefined
    } else if (headers['transfer-encoding'] === 'chunked') {
      body = ''
      for (;;) {
        const lineEnd = rest.indexOf('\r\n')
        if (lineEnd === -1) return 'an unterminated chunked body'
        const size = parseInt(rest.slice(0, lineEnd), 16)
        if (Number.isNaN(size)) return 'a bad chunk size'
        rest = rest.slice(lineEnd + 2)
        if (size === 0) {
          rest = rest.slice(2)
          break
        }
        body += rest.slice(0, size)
        rest = rest.slice(size + 2)
      }
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      if (rest.length < length) return 'a body shorter than its Content-Length'
      body = rest.slice(0, length)
      rest = rest.slice(length)
    } else {
      return `a ${status} without a length`
    }
    responses.push({ status, headers, body })
  }
  return responses
}

// Node answers these before Fastify runs (documented in docs/security.md):
// an HTTP/1.1 request without Host (400) and an Expect other than
// 100-continue (417), each with an empty body and no content type.
function isNodeAnswer (response: Parsed, request: string): boolean {
  if (response.headers['content-type'] !== undefined || (response.body !== '' && response.body !== undefined)) return false
  const head = request.split('\r\n\r\n')[0].toLowerCase()
  if (response.status === 417) return head.includes('expect')
  return response.status === 400 && !/\r?\nhost:/.test(head)
}

// Why a response is not acceptable, or undefined when it is.
function judge (response: Parsed, request: string): string | undefined {
  if (response.status < 200) return response.status === 100 ? undefined : `an unexpected ${response.status}`
  if (response.status < 400) {
    return REQUEST_ID_PATTERN.test(response.headers['x-request-id'] ?? '') ? undefined : 'a success without a request id'
  }
  if (isNodeAnswer(response, request)) return undefined
  if (response.headers['content-type'] !== 'application/json; charset=utf-8') return `a ${response.status} that is not JSON`
  const id = response.headers['x-request-id']
  if (id === undefined || !REQUEST_ID_PATTERN.test(id)) return `a ${response.status} without a valid X-Request-Id`
  if (response.body === undefined) return undefined
  let body: any
  try {
    body = JSON.parse(response.body)
  } catch {
    return `a ${response.status} whose body is not JSON`
  }
  const violations = contractErrors(body)
  if (violations.length > 0) return `a ${response.status} that breaks the contract: ${violations.join('; ')}`
  if (body.error.request_id !== id) return 'request_id differs from X-Request-Id'
  return undefined
}

function routes (app: FastifyInstance): void {
  app.get('/widgets/:id', async (request) => ({ id: (request.params as { id: string }).id }))
  app.post('/echo', async (request) => ({ body: request.body }))
  app.put('/echo', async (request) => ({ body: request.body }))
  app.get('/boom', async () => { throw new Error('boom') })
}

t.test('answers thousands of random and mutated raw requests with an envelope, a success or a connection close, and keeps serving', async (t) => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })

  const { app } = await build(t, { server: { ...serverOptions(), bodyLimit: 2048 }, level: 'warn', routes })
  const port = await listen(app)
  const random = prng(seed)
  const requests = Array.from({ length: cases }, () => fuzzCase(random))
  const outcomes: Record<string, number> = {}
  const failures: string[] = []
  const count = (key: string): void => { outcomes[key] = (outcomes[key] ?? 0) + 1 }

  let next = 0
  async function worker (): Promise<void> {
    while (next < requests.length) {
      const index = next++
      const request = requests[index]
      const { raw, timedOut } = await exchange(port, request)
      if (timedOut) {
        failures.push(`case ${index}: no close after ${CASE_TIMEOUT_MS} ms for ${JSON.stringify(request.slice(0, 300))}`)
        continue
      }
      if (raw.length === 0) {
        count('closed without a response')
        continue
      }
      const mayBeHead = /(^|\n)HEAD /.test(request)
      const parsed = parseResponses(raw.toString('latin1'), mayBeHead)
      if (typeof parsed === 'string') {
        failures.push(`case ${index}: ${parsed} for ${JSON.stringify(request.slice(0, 300))}`)
        continue
      }
      for (const response of parsed) {
        const problem = judge(response, request)
        if (problem !== undefined) {
          failures.push(`case ${index}: ${problem} for ${JSON.stringify(request.slice(0, 300))}: ${JSON.stringify(raw.toString('latin1').slice(0, 400))}`)
        }
        count(isNodeAnswer(response, request) ? `Node's own ${response.status}` : String(response.status))
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))

  t.comment(`outcomes: ${JSON.stringify(outcomes)}`)
  t.same(failures.slice(0, 10), [], `${failures.length} unacceptable answers (first 10 shown)`)
  t.same(unhandled, [], 'no unhandled rejection')
  t.ok(app.server.listening, 'the server is still listening')
  const after = await rawRequest(port, 'GET /widgets/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  t.equal(after.status, 200, 'a normal request succeeds afterwards')
  t.equal(after.body, '{"id":"7"}')
})
