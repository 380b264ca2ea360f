import t from 'tap'
import fc from 'fast-check'
import createHttpError from 'http-errors'
import type { FastifyInstance, FastifyReply, FastifyRequest, LightMyRequestResponse } from 'fastify'
import { build, contractErrors, errorLines, type LogLine } from '../helper.js'
import { ApiError, defaultErrorHeaders, isErrorStatus } from '../../index.js'

// Fixed by default so that a failure reproduces; PROPERTY_SEED=<n> explores others.
const seed = Number(process.env.PROPERTY_SEED ?? 20240611)
const numRuns = Number(process.env.PROPERTY_RUNS ?? 250)
t.comment(`fast-check seed ${seed}, ${numRuns} runs per property`)

type Stage = 'onRequest' | 'preParsing' | 'preValidation' | 'preHandler' | 'handler' | 'preSerialization' | 'onSend'
// How the failure reaches Fastify: an async function that throws, a returned
// rejected promise, `done(value)`, or a synchronous throw.
type Mode = 'throw' | 'reject' | 'done' | 'sync'
const STAGES: Stage[] = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'handler', 'preSerialization', 'onSend']
const WITH_PAYLOAD = new Set<Stage>(['preParsing', 'preSerialization', 'onSend'])

type Base = 'Error' | 'TypeError' | 'AggregateError' | 'http-errors' | 'ApiError' | 'plain' | 'null-prototype'
type Hostility = 'none' | 'circular' | 'throwing-getters' | 'proxy-get' | 'proxy-every-trap' | 'proxy-prototype'
type HeaderValue = 'secret' | 'plain' | 'newline' | 'number' | 'list' | 'object' | 'control'
type HeadersShape = 'object' | 'null-prototype' | 'array' | 'string' | 'null' | 'map'

// Every key an error reader might touch; `throwing-getters` makes a subset throw.
const READ_KEYS = ['message', 'status', 'statusCode', 'headers', 'expose', 'cause', 'code', 'stack', 'name',
  'constructor', 'validation', 'validationContext', 'isBoom', 'errors', 'toJSON', 'then', 'param', 'details', 'type'] as const

interface Recipe {
  secret: string
  kind: 'primitive' | 'array' | 'object'
  primitive: 'string' | 'number' | 'true' | 'bigint' | 'symbol' | 'null' | 'undefined' | 'zero' | 'empty'
  base: Base
  hostility: Hostility
  throwingKeys: string[]
  status: unknown
  statusCode: unknown
  expose: unknown
  message: unknown
  headersShape: HeadersShape
  headers: Array<[string, HeaderValue]>
  cause: 'none' | 'string' | 'error' | 'object' | 'self'
  code: unknown
  validation: unknown
  toJSON: boolean
}

interface Case {
  recipe: Recipe
  stage: Stage
  mode: Mode
  repeat: boolean
}

const statusValue = fc.oneof(
  fc.integer({ min: 400, max: 599 }),
  fc.constantFrom<unknown>(undefined, null, 0, -404, 200, 302, 399, 600, 1e9, 404.5, Number.NaN, Number.POSITIVE_INFINITY, '404', '503', true, 404n, {})
)

const headerName = fc.constantFrom(
  'Retry-After', 'retry-after', 'ALLOW', 'www-authenticate', 'Location', 'vary', 'cache-control',
  'Set-Cookie', 'set-cookie', 'authorization', 'x-internal-token', 'content-type', 'content-length',
  'transfer-encoding', 'connection', 'x-request-id', 'bad name', '__proto__'
)

const recipe: fc.Arbitrary<Recipe> = fc.record({
  secret: fc.stringMatching(/^[a-z0-9]{16}$/).map((s) => `SECRET${s}`),
  kind: fc.constantFrom('primitive', 'array', 'object', 'object', 'object'),
  primitive: fc.constantFrom('string', 'number', 'true', 'bigint', 'symbol', 'null', 'undefined', 'zero', 'empty'),
  base: fc.constantFrom('Error', 'TypeError', 'AggregateError', 'http-errors', 'ApiError', 'plain', 'null-prototype'),
  hostility: fc.constantFrom('none', 'none', 'circular', 'throwing-getters', 'proxy-get', 'proxy-every-trap', 'proxy-prototype'),
  throwingKeys: fc.subarray([...READ_KEYS]),
  status: statusValue,
  statusCode: statusValue,
  expose: fc.constantFrom<unknown>(undefined, true, false, 'true', 1, null),
  message: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 1000, maxLength: 3000 }),
    fc.constantFrom<unknown>(undefined, '', 42, null, {}, ['a'])
  ),
  headersShape: fc.constantFrom('object', 'object', 'null-prototype', 'array', 'string', 'null', 'map'),
  headers: fc.array(fc.tuple(headerName, fc.constantFrom('secret', 'plain', 'newline', 'number', 'list', 'object', 'control')), { maxLength: 5 }),
  cause: fc.constantFrom('none', 'string', 'error', 'object', 'self'),
  code: fc.constantFrom<unknown>(undefined, 'ECONNREFUSED', 'FST_ERR_CTP_BODY_TOO_LARGE', 'FST_ERR_HANDLER_TIMEOUT', 'FST_ERR_NOT_A_CODE', 42, {}),
  validation: fc.constantFrom<unknown>(undefined, 'nope', [], [null, 1], [{ keyword: 'type', instancePath: '/a', params: { type: 'string' }, message: 'must be string' }]),
  toJSON: fc.boolean()
})

const testCase: fc.Arbitrary<Case> = fc.record({
  recipe,
  stage: fc.constantFrom(...STAGES),
  mode: fc.constantFrom('throw', 'reject', 'done', 'sync'),
  repeat: fc.boolean()
})

// The status the thrown value's own fields ask for, read as the plugin reads
// them (statusCode first, then status; an unreadable field counts as absent).
function askedStatus (r: Recipe): number {
  if (r.kind !== 'object' || r.hostility === 'proxy-get' || r.hostility === 'proxy-every-trap') return 500
  const readable = (key: string, value: unknown): unknown => r.hostility === 'throwing-getters' && r.throwingKeys.includes(key) ? undefined : value
  const statusCode = readable('statusCode', r.statusCode)
  if (isErrorStatus(statusCode)) return statusCode
  const status = readable('status', r.status)
  return isErrorStatus(status) ? status : 500
}

// Whether the message may carry the secret: only where no rule can show it,
// a 5xx whose `expose` is not `true`.
function messageIsSecret (r: Recipe): boolean {
  return askedStatus(r) >= 500 && r.expose !== true
}

// Header values of an allowlisted name reach the response only from an
// ApiError or an http-errors error; a plain object's `headers` never do.
function headerIsSecret (r: Recipe, name: string, value: HeaderValue): boolean {
  if (value === 'newline' || value === 'control' || value === 'object') return true
  if (!defaultErrorHeaders.has(name.toLowerCase())) return true
  return r.base === 'plain' || r.base === 'null-prototype'
}

function headerValue (r: Recipe, name: string, value: HeaderValue): unknown {
  const secret = headerIsSecret(r, name, value)
  const text = secret ? r.secret : 'visible'
  switch (value) {
    case 'newline': return `1\r\nX-Injected: ${r.secret}`
    case 'control': return `a\u0000${r.secret}`
    case 'object': return { toString: () => r.secret }
    case 'number': return 30
    case 'list': return [text, 'b']
    default: return text
  }
}

function makeHeaders (r: Recipe): unknown {
  const entries = r.headers.map(([name, value]) => [name, headerValue(r, name, value)] as const)
  switch (r.headersShape) {
    case 'null-prototype': return Object.assign(Object.create(null), Object.fromEntries(entries))
    case 'array': return entries.map(([name, value]) => `${name}: ${String(value)}`)
    case 'string': return `set-cookie: ${r.secret}`
    case 'null': return null
    case 'map': return new Map(entries)
    default: {
      const headers: Record<string, unknown> = {}
      for (const [name, value] of entries) Object.defineProperty(headers, name, { value, enumerable: true, configurable: true, writable: true })
      return headers
    }
  }
}

function makeBase (r: Recipe, message: unknown): Record<string, unknown> {
  const text = typeof message === 'string' ? message : ''
  switch (r.base) {
    case 'Error': return new Error(text) as never
    case 'TypeError': return new TypeError(text) as never
    case 'AggregateError': return new AggregateError([new Error(r.secret), r.secret], text) as never
    case 'http-errors': return createHttpError(500, text) as never
    case 'ApiError': return new ApiError(500, text) as never
    case 'plain': return {}
    case 'null-prototype': return Object.create(null)
  }
}

// Builds the hostile value afresh for every request: Fastify may decorate an
// error it handles, and a recipe stays printable for fast-check's report.
function make (r: Recipe): unknown {
  if (r.kind === 'primitive') {
    switch (r.primitive) {
      case 'string': return `db password ${r.secret}`
      case 'number': return 42
      case 'true': return true
      case 'bigint': return 10n ** 30n
      case 'symbol': return Symbol(r.secret)
      case 'null': return null
      case 'undefined': return undefined
      case 'zero': return 0
      case 'empty': return ''
    }
  }
  if (r.kind === 'array') return [r.secret, new Error(r.secret), { status: 400 }]

  const message = messageIsSecret(r) ? `connect to 10.0.0.7 failed: ${r.secret}` : r.message
  const value = makeBase(r, message)
  const fields: Record<string, unknown> = {
    message,
    status: r.status,
    statusCode: r.statusCode,
    expose: r.expose,
    headers: makeHeaders(r),
    code: r.code,
    stack: `Error: ${r.secret}\n    at handler (/srv/app.js:1:1)`,
    name: `Name${r.secret}`,
    validation: r.validation,
    cause: r.cause === 'string'
      ? r.secret
      : r.cause === 'error' ? new Error(r.secret) : r.cause === 'object' ? { token: r.secret } : undefined
  }
  if (r.cause === 'self') fields.cause = value
  if (r.toJSON) {
    fields.toJSON = () => ({ leaked: r.secret })
    fields.toString = () => r.secret
  }
  for (const [key, field] of Object.entries(fields)) {
    Object.defineProperty(value, key, { value: field, enumerable: true, configurable: true, writable: true })
  }
  if (r.hostility === 'circular') value.self = value
  if (r.hostility === 'throwing-getters') {
    for (const key of r.throwingKeys) {
      Object.defineProperty(value, key, { get () { throw new Error(r.secret) }, enumerable: true, configurable: true })
    }
  }
  const fail = (): never => { throw new Error(r.secret) }
  switch (r.hostility) {
    case 'proxy-get': return new Proxy(value, { get: fail })
    case 'proxy-every-trap': return new Proxy(value, {
      get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail, set: fail, defineProperty: fail, deleteProperty: fail, setPrototypeOf: fail, isExtensible: fail, preventExtensions: fail
    })
    case 'proxy-prototype': return new Proxy(value, { getPrototypeOf: fail })
    default: return value
  }
}

let current: Case | undefined
const faulted = new WeakSet<FastifyRequest>()

// Whether this hook should fail this request: the faulting route, the chosen
// stage and style, and (for hooks that run again on the error answer) only
// the first time unless the case repeats.
function shouldFail (request: FastifyRequest, stage: Stage, modes: readonly Mode[]): boolean {
  if (current === undefined || request.url !== '/fault' || current.stage !== stage || !modes.includes(current.mode)) return false
  if (faulted.has(request) && !current.repeat) return false
  faulted.add(request)
  return true
}

function addFaultingHooks (app: FastifyInstance): void {
  for (const stage of STAGES) {
    if (stage === 'handler') continue
    const name = stage as 'onRequest'
    app.addHook(name, async function asyncFault (request: FastifyRequest) {
      if (shouldFail(request, stage, ['throw'])) throw make(current!.recipe)
    })
    app.addHook(name, function rejectingFault (request: FastifyRequest) {
      return shouldFail(request, stage, ['reject']) ? Promise.reject(make(current!.recipe)) : Promise.resolve()
    })
    if (WITH_PAYLOAD.has(stage)) {
      app.addHook(name as 'onSend', function callbackFault (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (error: any, value?: any) => void) {
        if (shouldFail(request, stage, ['sync'])) throw make(current!.recipe)
        if (shouldFail(request, stage, ['done'])) done(make(current!.recipe))
        else done(null, payload)
      })
    } else {
      app.addHook(name, function callbackFault (request: FastifyRequest, _reply: FastifyReply, done: (error?: any) => void) {
        if (shouldFail(request, stage, ['sync'])) throw make(current!.recipe)
        done(shouldFail(request, stage, ['done']) ? make(current!.recipe) : undefined)
      })
    }
  }
  const handler = function handler (request: FastifyRequest, reply: FastifyReply): unknown {
    if (shouldFail(request, 'handler', ['throw'])) return (async () => { throw make(current!.recipe) })()
    if (shouldFail(request, 'handler', ['reject'])) return Promise.reject(make(current!.recipe))
    if (shouldFail(request, 'handler', ['sync'])) throw make(current!.recipe)
    if (shouldFail(request, 'handler', ['done'])) return reply.send(make(current!.recipe))
    return Promise.resolve({ ok: true })
  }
  app.post('/fault', handler)
  app.post('/ok', handler)
}

function failure (message: string, response: LightMyRequestResponse): Error {
  return new Error(`${message}\nstatus ${response.statusCode}\nheaders ${JSON.stringify(response.headers)}\nbody ${response.body}`)
}

// Whether the case is a failure at all: `done(value)` and a synchronous throw
// in a callback hook pass a falsy value to `next(err)`, which Fastify reads as
// success; `reply.send(value)` sends an Error only when it is one (or a value
// the error path is asked for). Those cases answer normally and are not
// failures this property is about.
function isFailure (c: Case): boolean {
  const value = make(c.recipe)
  if ((c.mode === 'done' || c.mode === 'sync') && c.stage !== 'handler' && !value) return false
  if (c.mode === 'done' && c.stage === 'handler') {
    try {
      return value instanceof Error
    } catch {
      return true
    }
  }
  if (c.mode === 'sync' && c.stage === 'handler' && !value) return false
  return true
}

async function checkCase (app: FastifyInstance, logs: LogLine[], c: Case): Promise<void> {
  current = c
  let response: LightMyRequestResponse
  try {
    response = await app.inject({ method: 'POST', url: '/fault', payload: { name: 'w' } })
  } finally {
    current = undefined
  }
  if (response.statusCode < 400 || response.statusCode > 599) throw failure('status outside 400-599', response)
  let body: any
  try {
    body = JSON.parse(response.body)
  } catch {
    throw failure('body is not JSON', response)
  }
  const violations = contractErrors(body)
  if (violations.length > 0) throw failure(`body breaks the contract: ${violations.join('; ')}`, response)
  if (response.headers['x-request-id'] !== body.error.request_id) throw failure('X-Request-Id differs from request_id', response)
  if (response.body.includes(c.recipe.secret)) throw failure('the secret is in the body', response)
  if (JSON.stringify(response.headers).includes(c.recipe.secret)) throw failure('the secret is in a header', response)
  if (response.headers['x-injected'] !== undefined || response.headers['set-cookie'] !== undefined) throw failure('a header was injected', response)
  const lines = errorLines(logs, body.error.request_id)
  if (lines.length !== 1) throw failure(`${lines.length} error log lines instead of 1: ${JSON.stringify(lines)}`, response)
  const ok = await app.inject({ method: 'POST', url: '/ok', payload: { name: 'w' } })
  if (ok.statusCode !== 200 || ok.body !== '{"ok":true}') throw failure('the next request failed', ok)
}

t.test('answers any value thrown, rejected or passed to done from any stage with one contract envelope, one log line and no secret', async (t) => {
  const { app, logs } = await build(t, { routes: addFaultingHooks })
  await fc.assert(fc.asyncProperty(testCase, async (c) => {
    fc.pre(isFailure(c))
    await checkCase(app, logs, c)
  }), { seed, numRuns })
  t.pass(`${numRuns} cases held`)
})

t.test('answers a hostile value from every stage and style, each combination tried', async (t) => {
  const { app, logs } = await build(t, { routes: addFaultingHooks })
  let tried = 0
  for (const stage of STAGES) {
    for (const mode of ['throw', 'reject', 'done', 'sync'] as Mode[]) {
      await fc.assert(fc.asyncProperty(recipe, fc.boolean(), async (r, repeat) => {
        const c: Case = { recipe: r, stage, mode, repeat }
        fc.pre(isFailure(c))
        await checkCase(app, logs, c)
        tried++
      }), { seed: seed + tried, numRuns: 12 })
    }
  }
  t.ok(tried > 200, `${tried} cases held`)
})
