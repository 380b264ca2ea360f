import Ajv from 'ajv'
import Fastify, { type FastifyInstance, type FastifyServerOptions, type LightMyRequestResponse } from 'fastify'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import type { Test } from 'tap'
import errorEnvelope, { type ErrorEnvelopeOptions } from '../index.js'

const here = dirname(fileURLToPath(import.meta.url))
/** The contract every error body must satisfy, shared by all API teams, beside the repository. */
export const sharedContractPath = join(here, '..', '..', 'shared', 'contract', 'envelope.schema.json')
/** The repository's copy of it, for a clone with no shared folder beside it. */
export const copiedContractPath = join(here, '..', 'contract', 'envelope.schema.json')
export const contractPath = existsSync(sharedContractPath) ? sharedContractPath : copiedContractPath
export const contract = JSON.parse(readFileSync(contractPath, 'utf8'))
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false })
const validateContract = ajv.compile(contract)

/** One parsed pino line. */
export type LogLine = Record<string, any>

export interface TestApp {
  app: FastifyInstance
  /** Every line the app's logger wrote, parsed. */
  logs: LogLine[]
}

export interface BuildOptions {
  /** Options of the plugin; `false` leaves it unregistered. */
  plugin?: ErrorEnvelopeOptions | false
  /** Fastify constructor options (the logger is always the captured one). */
  server?: FastifyServerOptions
  /** Routes and hooks to add after the plugin. */
  routes?: (app: FastifyInstance) => void | Promise<void>
  /** Routes to add before the plugin. */
  before?: (app: FastifyInstance) => void | Promise<void>
  /** Log level; default `trace`, so every line is captured. */
  level?: string
}

/**
 * A fresh app with the plugin registered and its pino output captured,
 * closed when the test ends.
 */
export async function build (t: Test, options: BuildOptions = {}): Promise<TestApp> {
  const logs: LogLine[] = []
  const stream = new Writable({
    write (chunk, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line !== '') logs.push(JSON.parse(line))
      }
      callback()
    }
  })
  const app = Fastify({ ...options.server, logger: { level: options.level ?? 'trace', stream } })
  t.teardown(() => app.close())
  if (options.before !== undefined) await options.before(app)
  if (options.plugin !== false) await app.register(errorEnvelope, options.plugin ?? {})
  if (options.routes !== undefined) await options.routes(app)
  await app.ready()
  return { app, logs }
}

/** The problem details contract (RFC 9457 as the package writes it), and its copy. */
export const sharedProblemPath = join(here, '..', '..', 'shared', 'contract', 'problem.schema.json')
export const copiedProblemPath = join(here, '..', 'contract', 'problem.schema.json')
const problemContract = JSON.parse(readFileSync(existsSync(sharedProblemPath) ? sharedProblemPath : copiedProblemPath, 'utf8'))
const validateProblem = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(problemContract)

/** Problem contract violations of a parsed body, or an empty list. */
export function problemErrors (body: unknown): string[] {
  if (validateProblem(body)) return []
  return (validateProblem.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

/** Contract violations of a parsed body, or an empty list. */
export function contractErrors (body: unknown): string[] {
  if (validateContract(body)) return []
  return (validateContract.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

/** The expected envelope, without `request_id` (it varies). */
export interface ExpectedError {
  code: string
  message: string
  type: string
  param?: string
  details?: Array<{ field: string, message: string }>
  doc_url?: string
}

/**
 * Checks an error response whole: status, JSON content type, a body valid
 * against the contract and equal to the expected envelope, with the request
 * id equal to the `X-Request-Id` header. Returns the parsed body.
 */
export function assertEnvelope (t: Test, response: LightMyRequestResponse, status: number, expected: ExpectedError): any {
  t.equal(response.statusCode, status, 'status')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8', 'content type')
  const body = JSON.parse(response.body)
  t.same(contractErrors(body), [], 'body satisfies the contract')
  const id = response.headers['x-request-id']
  t.type(id, 'string', 'X-Request-Id header')
  t.same(body, { error: { ...expected, request_id: id } }, 'whole envelope')
  return body
}

/** Lines of one request, by its id. */
export function linesOf (logs: LogLine[], requestId: string): LogLine[] {
  return logs.filter((line) => line.request_id === requestId)
}

/** The error response lines of one request (the ones the plugin writes). */
export function errorLines (logs: LogLine[], requestId: string): LogLine[] {
  return linesOf(logs, requestId).filter((line) => typeof line.code === 'string' && typeof line.statusCode === 'number')
}

/**
 * Waits until `condition()` holds, checking it every few milliseconds, for at
 * most `ms` (read from the monotonic clock, so that a test's fake `Date.now`
 * cannot stop it); returns whether it held. For what happens after the
 * client has its answer (a log line written when the response has finished)
 * or in the background: a test waits for the event, never a fixed time.
 */
export async function waitFor (condition: () => boolean, ms = 2000): Promise<boolean> {
  const until = performance.now() + ms
  while (!condition()) {
    if (performance.now() >= until) return false
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return true
}
