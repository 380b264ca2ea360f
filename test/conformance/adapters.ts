import express from 'express'
import Fastify from 'fastify'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { Test } from 'tap'
import errorEnvelope, { serverOptions, type CommonOptions, type RateLimitOptions } from '../../index.js'
import { errorEnvelope as expressEnvelope } from '../../express.js'

/**
 * A route declared once for both frameworks: a path in the syntax both
 * share (`/widgets/:id`) and a handler that returns a JSON value or throws.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
  path: string
  handler: (input: RouteInput) => unknown
  /** The route's schemas, under Fastify's names. */
  schema?: { body?: object, querystring?: object, params?: object, headers?: object }
  /** The route's own rate limit: Fastify's `config.rateLimit`, Express's `envelope.rateLimit()`. */
  rateLimit?: { max?: number, timeWindow?: number | string, ban?: number }
}

/** The options both adapters take in the suite. */
export interface SuiteOptions extends CommonOptions {
  /** Rate limiting; the key generator, when given, reads only `headers`. */
  rateLimit?: Omit<RateLimitOptions, 'keyGenerator' | 'redis'> & { keyGenerator?: (request: { headers: Record<string, unknown> }) => string | undefined }
}

/** What a handler sees of the request, after validation. */
export interface RouteInput {
  body: unknown
  query: unknown
  params: unknown
}

/** One parsed log line. */
export type LogLine = Record<string, any>

/** A running app of one adapter. */
export interface RunningApp {
  base: string
  logs: LogLine[]
}

/** What builds the same API on one framework. */
export interface Adapter {
  name: 'fastify' | 'express'
  start: (t: Test, routes: Route[], options?: SuiteOptions) => Promise<RunningApp>
}

/** The largest body both apps accept, so that "too large" means the same. */
export const BODY_LIMIT = 1024

function capture (): { logs: LogLine[], stream: Writable } {
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
  async start (t, routes, options = {}) {
    const { logs, stream } = capture()
    const app = Fastify({ logger: { level: 'info', stream }, bodyLimit: BODY_LIMIT, disableRequestLogging: true, ...serverOptions(options) })
    await app.register(errorEnvelope, options)
    for (const route of routes) {
      app.route({ method: route.method, url: route.path, schema: route.schema, config: route.rateLimit === undefined ? {} : { rateLimit: route.rateLimit }, handler: async (request) => await route.handler({ body: request.body, query: request.query, params: request.params }) })
    }
    await app.listen({ port: 0, host: '127.0.0.1' })
    return { base: await listening(t, app.server), logs }
  }
}

export const expressAdapter: Adapter = {
  name: 'express',
  async start (t, routes, options = {}) {
    const { logs, stream } = capture()
    const app = express()
    const envelope = expressEnvelope({ ...options, logger: pino({ level: 'info' }, stream) })
    app.use(envelope.beforeRoutes())
    app.use(express.json({ limit: BODY_LIMIT }))
    for (const route of routes) {
      const schema = route.schema ?? {}
      const validate = envelope.validate({ body: schema.body, query: schema.querystring, params: schema.params, headers: schema.headers })
      const limit = route.rateLimit === undefined ? [] : [envelope.rateLimit(route.rateLimit)]
      app[route.method.toLowerCase() as 'get'](route.path, ...limit, validate, async (req, res) => {
        res.json(await route.handler({ body: req.body, query: req.query, params: req.params }))
      })
    }
    app.use(envelope.afterRoutes())
    return { base: await listening(t, app.listen(0, '127.0.0.1')), logs }
  }
}

/** Both adapters, the order the suite runs them in. */
export const adapters: Adapter[] = [fastifyAdapter, expressAdapter]
