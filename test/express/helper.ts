import express, { type Express } from 'express'
import { connect, type AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { Test } from 'tap'
import { errorEnvelope, type ExpressEnvelope, type ExpressEnvelopeOptions } from '../../express.js'
import { contractErrors, type ExpectedError, type LogLine } from '../helper.js'

export interface ExpressTestApp {
  app: Express
  envelope: ExpressEnvelope
  logs: LogLine[]
  /** Starts the app on a free port once the routes are added; its base URL. */
  listen: () => Promise<string>
}

/**
 * A fresh Express app with a captured pino logger, `beforeRoutes()` and
 * `express.json()` mounted; the test adds its routes, then `afterRoutes()`
 * unless `after: false`, when it calls `listen()`.
 */
export function buildExpress (t: Test, options: ExpressEnvelopeOptions & { after?: boolean } = {}, settings: Record<string, unknown> = {}): ExpressTestApp {
  const logs: LogLine[] = []
  const stream = new Writable({
    write (chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line))
      done()
    }
  })
  const { after = true, ...envelopeOptions } = options
  const app = express()
  for (const [name, value] of Object.entries(settings)) app.set(name, value)
  const envelope = errorEnvelope({ logger: pino({ level: 'trace' }, stream), ...envelopeOptions })
  app.use(envelope.beforeRoutes())
  app.use(express.json({ limit: 1024 }))
  return {
    app,
    envelope,
    logs,
    async listen () {
      if (after) app.use(envelope.afterRoutes())
      const server = app.listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    }
  }
}

/** Checks a fetch response whole: status, JSON type, the contract and the envelope, the id equal to the header. */
export async function assertFetched (t: Test, response: Response, status: number, expected: ExpectedError): Promise<any> {
  t.equal(response.status, status, 'status')
  t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', 'content type')
  const body = await response.json()
  t.same(contractErrors(body), [], 'body satisfies the contract')
  t.same(body, { error: { ...expected, request_id: response.headers.get('x-request-id') } }, 'whole envelope')
  return body
}

/**
 * Writes a raw request to the app and returns every byte it wrote back until
 * the connection closed; with `leaveAfterMs`, the client destroys its side
 * that long after writing, as a client that gives up does.
 */
export function rawExchange (base: string, request: string, leaveAfterMs?: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1')
    let text = ''
    socket.on('data', (chunk) => { text += chunk.toString() })
    socket.on('close', () => resolve(text))
    socket.write(request, () => {
      if (leaveAfterMs !== undefined) setTimeout(() => socket.destroy(), leaveAfterMs)
    })
  })
}
