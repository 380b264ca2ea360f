import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { refuseRequests } from '../../lib/core/shutdown.js'

// Which request listener refuseRequests() replaces: the app's, else the
// server's first; the others keep running.

async function listen (t: Test, server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function refuse (_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain' })
  res.end('refused')
}

t.test('replaces the listener the app check recognizes, wherever it is, and keeps the others', async (t) => {
  const seen: string[] = []
  const server = createServer()
  server.on('request', function first () { seen.push('first') })
  const app = function app (_req: IncomingMessage, res: ServerResponse): void { res.end('app') }
  server.on('request', app)
  const base = await listen(t, server)
  refuseRequests(server, refuse, (listener) => listener === app)
  const response = await fetch(base + '/x')
  t.equal(response.status, 503)
  t.equal(response.headers.get('connection'), 'close')
  t.equal(await response.text(), 'refused')
  t.same(seen, ['first'])
  t.equal(server.listeners('request').length, 2)
})

t.test('replaces the first listener when none is recognized, and answers on a server that had none', async (t) => {
  const server = createServer()
  const base = await listen(t, server)
  refuseRequests(server, refuse, () => false)
  const response = await fetch(base + '/x')
  t.equal(response.status, 503)
  t.equal(await response.text(), 'refused')
  refuseRequests(server, refuse, () => false)
  t.equal(server.listeners('request').length, 1, 'refusing twice leaves one refusal')
  t.equal((await fetch(base + '/y')).status, 503)
})
