import bodyParser from '@koa/bodyparser'
import Router from '@koa/router'
import express from 'express'
import Koa from 'koa'
import Fastify from 'fastify'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { Test } from 'tap'
import swagger from '@fastify/swagger'
import { codeFor, fastifyEnvelope, specialCodes, type CommonOptions, type RateLimitOptions, type UnderPressureOptions } from '../../index.js'
import { problemErrors } from '../helper.js'
import { errorEnvelope as expressEnvelope, getRequestId } from '../../express.js'
import { koaEnvelope } from '../port/koa/koa-envelope.js'

/**
 * A route declared once for both frameworks: a path in the syntax both
 * share (`/widgets/:id`) and a handler that returns a JSON value or throws.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
  path: string
  handler: (input: RouteInput) => unknown
  /** The route's schemas, under Fastify's names. */
  schema?: { body?: object | boolean, querystring?: object | boolean, params?: object | boolean, headers?: object | boolean }
  /** The route's own rate limit: Fastify's `config.rateLimit`, Express's `envelope.rateLimit()`. */
  rateLimit?: { max?: number, timeWindow?: number | string, ban?: number }
  /** The catalog codes it declares for its OpenAPI operation: Fastify's `config.errors`, the document's `x-errors`. */
  errors?: readonly string[]
}

/** The options both adapters take in the suite. */
export interface SuiteOptions extends CommonOptions {
  /** Rate limiting, `redis` an ioredis client on both; the key generator, when given, reads only `headers`. */
  rateLimit?: Omit<RateLimitOptions, 'keyGenerator'> & { keyGenerator?: (request: { headers: Record<string, unknown> }) => string | undefined }
  /** Overload limits, as both adapters take them. */
  underPressure?: UnderPressureOptions
  /** A catalog made by defineErrors(), and where its page is. */
  catalog?: object
  docs?: { path?: string, publicUrl?: string, title?: string, openapi?: boolean }
  /** The largest body the app accepts, instead of `BODY_LIMIT`: the framework's option, not the adapter's. */
  bodyLimit?: number
  /** Refuse extra properties and values of another type in bodies. */
  strictBody?: boolean
}

/** What a handler sees of the request, after validation. */
export interface RouteInput {
  body: unknown
  query: unknown
  params: unknown
  /** Sets a response header, as the route meant it for its success: Fastify's `reply.header()`, Express's `res.setHeader()`. */
  setHeader: (name: string, value: string) => void
  /** The request's id, as the adapter gives it: Fastify's `request.id`, Express's `getRequestId(req)`. */
  requestId: string
}

/** One parsed log line. */
export type LogLine = Record<string, any>

/** A running app of one adapter. */
export interface RunningApp {
  base: string
  logs: LogLine[]
  /** The app's HTTP server. */
  server: Server
  /** Closes the server as the adapter documents it: `app.close()`, `envelope.close(server)`. */
  close: () => Promise<void>
  /**
   * The app's OpenAPI document with its error responses, as the adapter
   * documents it: `@fastify/swagger`'s document, or the routes written as an
   * OpenAPI document given to `envelope.openApi()`.
   */
  openApi: () => Record<string, any>
}

/** What builds the same API on one framework. */
export interface Adapter {
  /** The framework, and the format when it is not the envelope. */
  name: string
  start: (t: Test, routes: Route[], options?: SuiteOptions) => Promise<RunningApp>
}

/** The largest body both apps accept, so that "too large" means the same. */
export const BODY_LIMIT = 1024

/** A stream that parses the pino lines written to it into `logs`. */
export function capture (): { logs: LogLine[], stream: Writable } {
  const logs: LogLine[] = []
  const stream = new Writable({
    write (chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line))
      done()
    }
  })
  return { logs, stream }
}

async function listening (t: Test, server: Server): Promise<string> {
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export const fastifyAdapter: Adapter = {
  name: 'fastify',
  async start (t, routes, { bodyLimit = BODY_LIMIT, ...options } = {}) {
    const { logs, stream } = capture()
    // One options object for the server and the plugin.
    const envelope = fastifyEnvelope(options)
    const app = Fastify({ logger: { level: 'info', stream }, bodyLimit, disableRequestLogging: true, ...envelope.serverOptions })
    await app.register(swagger, { openapi: { openapi: '3.1.0', info: DOCUMENT_INFO } })
    await app.register(envelope.plugin)
    for (const route of routes) {
      const config = { ...(route.rateLimit === undefined ? {} : { rateLimit: route.rateLimit }), ...(route.errors === undefined ? {} : { errors: route.errors }) }
      app.route({ method: route.method, url: route.path, schema: route.schema, config, handler: async (request, reply) => await route.handler({ body: request.body, query: request.query, params: request.params, setHeader: (name, value) => { reply.header(name, value) }, requestId: request.id }) })
    }
    await app.listen({ port: 0, host: '127.0.0.1' })
    return { base: await listening(t, app.server), logs, server: app.server, close: async () => { await app.close() }, openApi: () => app.swagger() as Record<string, any> }
  }
}

export const expressAdapter: Adapter = {
  name: 'express',
  async start (t, routes, { bodyLimit = BODY_LIMIT, ...options } = {}) {
    const { logs, stream } = capture()
    const app = express()
    const envelope = expressEnvelope({ ...options, logger: pino({ level: 'info' }, stream) })
    app.use(envelope.beforeRoutes())
    app.use(express.json({ limit: bodyLimit }))
    for (const route of routes) {
      const schema = route.schema ?? {}
      const validate = envelope.validate({ body: schema.body, query: schema.querystring, params: schema.params, headers: schema.headers })
      const limit = route.rateLimit === undefined ? [] : [envelope.rateLimit(route.rateLimit)]
      app[route.method.toLowerCase() as 'get'](route.path, ...limit, validate, async (req, res) => {
        res.json(await route.handler({ body: req.body, query: req.query, params: req.params, setHeader: (name, value) => { res.setHeader(name, value) }, requestId: getRequestId(req) }))
      })
    }
    app.use(envelope.afterRoutes())
    const server = app.listen(0, '127.0.0.1')
    envelope.attach(server)
    return { base: await listening(t, server), logs, server, close: async () => { await envelope.close(server) }, openApi: () => envelope.openApi(documentOf(routes)) }
  }
}

/**
 * The Koa adapter of `test/port/koa/`: six files on the core's answer path,
 * proving the port `CONTRIBUTING.md` describes. It serves the cases of the
 * answer path (errors, 404/405/501, request ids, log lines, the formats);
 * validation, rate limits, overload, OpenAPI and the reference page are not
 * part of it.
 */
export const koaAdapter: Adapter = {
  name: 'koa',
  async start (t, routes, { bodyLimit = BODY_LIMIT, ...options } = {}) {
    const { logs, stream } = capture()
    const app = new Koa()
    const router = new Router()
    const envelope = koaEnvelope({ ...options, logger: pino({ level: 'info' }, stream) })
    app.use(envelope.beforeRoutes())
    app.use(bodyParser({ enableTypes: ['json'], jsonLimit: bodyLimit }))
    for (const route of routes) {
      if (route.schema !== undefined || route.rateLimit !== undefined) throw new Error(`the Koa port has no validation or rate limits: ${route.method} ${route.path}`)
      router[route.method.toLowerCase() as 'get'](route.path, async (ctx) => {
        ctx.body = await route.handler({ body: ctx.request.body, query: ctx.query, params: ctx.params, setHeader: (name, value) => { ctx.set(name, value) }, requestId: ctx.state.requestId })
      })
    }
    app.use(router.routes())
    app.use(envelope.afterRoutes(router))
    const server = app.listen(0, '127.0.0.1')
    return {
      base: await listening(t, server),
      logs,
      server,
      close: async () => { await new Promise<void>((resolve) => { server.close(() => { resolve() }) }) },
      openApi: () => { throw new Error('the Koa port has no OpenAPI document') }
    }
  }
}

const DOCUMENT_INFO = { title: 'Conformance', version: '1.0.0' }

// The routes as a user of Express writes their OpenAPI document: each part a
// schema validates declared (a requestBody, parameters by where they are),
// and the catalog codes under x-errors.
function documentOf (routes: Route[]): Record<string, any> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const schema = route.schema ?? {}
    const operation: Record<string, unknown> = { responses: { 200: { description: 'OK' } } }
    const parameters = [...parametersOf(schema.params, 'path'), ...parametersOf(schema.querystring, 'query'), ...parametersOf(schema.headers, 'header')]
    if (parameters.length > 0) operation.parameters = parameters
    if (schema.body !== undefined) operation.requestBody = { content: { 'application/json': { schema: schema.body } } }
    if (route.errors !== undefined) operation['x-errors'] = route.errors
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation }
  }
  return { openapi: '3.1.0', info: DOCUMENT_INFO, paths }
}

function parametersOf (schema: object | boolean | undefined, where: 'path' | 'query' | 'header'): object[] {
  const properties = typeof schema === 'object' ? (schema as { properties?: Record<string, object> }).properties ?? {} : {}
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: where === 'path', schema: property }))
}

// The suite runs in each format. With problem details, the answers are read
// back as envelopes by the fetch below, so that every case compares what it
// compares in the envelope format; before that, each problem body is
// validated against the problem contract, and its content type and Vary
// header are checked.
const problemApps = new Map<string, 'problem' | 'negotiate'>()
const realFetch = globalThis.fetch

globalThis.fetch = async function fetchAsEnvelope (input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input)
  const base = [...problemApps.keys()].find((known) => url.startsWith(known + '/'))
  if (base === undefined) return await realFetch(input, init)
  const format = problemApps.get(base) as 'problem' | 'negotiate'
  const headers = new Headers(init?.headers)
  // Negotiated: the client asks for problem details.
  if (format === 'negotiate' && !headers.has('accept')) headers.set('accept', 'application/problem+json')
  const response = await realFetch(input, { ...init, headers })
  if (response.status < 400) return response
  return await envelopeOfProblem(response, format, init?.method ?? 'GET')
}

async function envelopeOfProblem (response: Response, format: 'problem' | 'negotiate', method: string): Promise<Response> {
  const type = response.headers.get('content-type')
  if (type !== 'application/problem+json; charset=utf-8') throw new Error(`a ${response.status} answered ${String(type)}, not problem details`)
  if (format === 'negotiate' && !/(^|,)\s*accept\s*(,|$)/i.test(response.headers.get('vary') ?? '')) throw new Error('a negotiated answer without Vary: Accept')
  const headers = new Headers(response.headers)
  headers.set('content-type', 'application/json; charset=utf-8')
  const text = await response.text()
  if (method === 'HEAD' || text === '') return new Response(null, { status: response.status, headers })
  const problem = JSON.parse(text)
  const errors = problemErrors(problem)
  if (errors.length > 0) throw new Error(`problem details break the problem contract: ${errors.join('; ')} in ${text}`)
  if (problem.instance !== `urn:request:${String(problem.request_id)}`) throw new Error(`instance ${String(problem.instance)} is not the request id's URN`)
  if (problem.status !== response.status) throw new Error(`status ${String(problem.status)} in a ${response.status} answer`)
  const body = JSON.stringify(envelopeOf(problem))
  headers.set('content-length', String(Buffer.byteLength(body)))
  return new Response(body, { status: response.status, headers })
}

// The envelope that problem details carry: the same failure, member for
// member; the envelope's `type` (the category), which problem details have
// no member for, is the table's: of the special code at its status, else of
// the status.
function envelopeOf (problem: Record<string, any>): object {
  const special = Object.values(specialCodes).find((entry) => entry.code === problem.code && entry.status === problem.status)
  const error: Record<string, unknown> = {
    code: problem.code,
    message: problem.detail,
    type: special?.type ?? codeFor(problem.status).type
  }
  if (problem.param !== undefined) error.param = problem.param
  if (problem.errors !== undefined) error.details = problem.errors.map((item: { field: string, detail: string }) => ({ field: item.field, message: item.detail }))
  error.request_id = problem.request_id
  return { error }
}

function inFormat (adapter: Adapter, format: 'envelope' | 'problem' | 'negotiate'): Adapter {
  if (format === 'envelope') return adapter
  return {
    name: `${adapter.name}, ${format === 'problem' ? 'problem details' : 'negotiated problem details'}`,
    async start (t, routes, options = {}) {
      const app = await adapter.start(t, routes, { format, ...options })
      problemApps.set(app.base, format)
      t.teardown(() => { problemApps.delete(app.base) })
      return app
    }
  }
}

/** Both adapters, in each format, the order the suite runs them in. */
export const adapters: Adapter[] = (['envelope', 'problem', 'negotiate'] as const).flatMap((format) => [inFormat(fastifyAdapter, format), inFormat(expressAdapter, format)])

/**
 * Every adapter on the core's answer path, the Koa port included, in each
 * format: for the cases of errors, unrouted requests, request ids and log
 * lines.
 */
export const answerPathAdapters: Adapter[] = (['envelope', 'problem', 'negotiate'] as const).flatMap((format) => [inFormat(fastifyAdapter, format), inFormat(expressAdapter, format), inFormat(koaAdapter, format)])

/** Both adapters, in the envelope format only. */
export const envelopeAdapters: Adapter[] = [fastifyAdapter, expressAdapter]

/** Every adapter on the core's answer path, the Koa port included, in the envelope format only. */
export const answerPathEnvelopeAdapters: Adapter[] = [fastifyAdapter, expressAdapter, koaAdapter]
