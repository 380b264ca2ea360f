// The servers `error-envelope check` is measured against: this package's
// demos (child processes, as `npm start` runs them), bare Fastify 5 and bare
// Express 5 apps with the demo's routes, Fastify 5 with @fastify/sensible,
// and a hostile server. Each starter returns { url, close }.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import express from 'express'
import Fastify from 'fastify'
import sensible from '@fastify/sensible'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The options every server is checked with: the demo's routes. */
export function checkOptions (openapi) {
  return { openapi, rateLimitPath: '/search', rateLimitTries: 10, crashPath: '/crash', maxBody: 1048576 }
}

/** The flags of the same options, for the command. */
export const checkFlags = ['--openapi', join(root, 'examples', 'demo-openapi.json'), '--rate-limit-path', '/search', '--rate-limit-tries', '10', '--crash-path', '/crash', '--max-body', '1048576']

/** A demo of this package (`fastify` or `express`, `envelope` or `problem`), as its own process. */
export function startDemo (adapter, format) {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ERROR_FORMAT: format }
  // A plain Node: no loader or coverage hook of a test runner.
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  const file = join(root, 'examples', adapter === 'express' ? 'demo-express.mjs' : 'demo.mjs')
  const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${file} did not start in 20 s: ${output}`)) }, 20_000)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited with ${code}: ${output}`)) })
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = / on (http:\/\/[\d.:]+);/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      child.stdout.resume()
      resolve({
        url: match[1],
        close: () => new Promise((resolve) => { child.once('exit', resolve); child.kill() })
      })
    })
  })
}

const widgetSchema = {
  type: 'object',
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 3 },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } }
  }
}

/** Fastify 5 as it comes, with the demo's routes; with `sensible`, @fastify/sensible registered and used. */
export async function startBareFastify ({ sensible: useSensible = false } = {}) {
  const app = Fastify()
  if (useSensible) await app.register(sensible)
  const notFound = (id) => useSensible ? app.httpErrors.notFound(`Widget ${id} not found`) : Object.assign(new Error(`Widget ${id} not found`), { statusCode: 404 })
  app.get('/widgets/:id', async (request) => {
    if (request.params.id === 'w_1') return { id: 'w_1', name: 'Sprocket' }
    throw notFound(request.params.id)
  })
  app.post('/widgets', { schema: { body: widgetSchema } }, async (request, reply) => reply.code(201).send({ id: 'w_2', name: request.body.name }))
  app.get('/private', async () => { throw useSensible ? app.httpErrors.unauthorized('Invalid API key') : Object.assign(new Error('Invalid API key'), { statusCode: 401 }) })
  app.get('/search', async (request) => ({ query: request.query.q ?? '', hits: [] }))
  app.get('/crash', async () => { throw new Error('connection to db-primary:5432 refused (password=hunter2)') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() }
}

/** Express 5 as it comes, with the demo's routes. */
export async function startBareExpress () {
  const app = express()
  // Express's own error pages as in development, without its console output.
  app.set('env', 'test')
  app.use(express.json())
  app.get('/widgets/:id', (req, res) => {
    if (req.params.id === 'w_1') return res.json({ id: 'w_1', name: 'Sprocket' })
    res.status(404).json({ error: `Widget ${req.params.id} not found` })
  })
  app.post('/widgets', (req, res) => {
    if (typeof req.body?.name !== 'string' || typeof req.body?.email !== 'string') return res.status(400).json({ error: 'name and email are required' })
    res.status(201).json({ id: 'w_2', name: req.body.name })
  })
  app.get('/private', (req, res) => { res.status(401).json({ error: 'Invalid API key' }) })
  app.get('/search', (req, res) => { res.json({ query: req.query.q ?? '', hits: [] }) })
  app.get('/crash', async () => { throw new Error('connection to db-primary:5432 refused (password=hunter2)') })
  return listen(createServer(app))
}

/**
 * A server that does everything wrong: HTML, a reset, silence past any
 * timeout, a 50 MB body, invalid HTTP, a stack trace, by method and path.
 */
export async function startHostile () {
  const server = createServer((req, res) => {
    res.on('error', () => {})
    if (req.method === 'PROPFIND' || req.url === '/search') return // never answers
    if (req.method === 'DELETE' || req.method === 'OPTIONS') return req.socket.destroy()
    if (req.method === 'POST') return sendHuge(res)
    if (req.url === '/crash') {
      req.socket.end('HTTP/1.1 ☠ nonsense\r\n\r\n')
      return
    }
    if (req.method === 'HEAD') {
      res.writeHead(404, { 'content-type': 'text/html' })
      return res.end()
    }
    res.writeHead(req.url.startsWith('/errors') ? 500 : 404, { 'content-type': 'text/html' })
    res.end('<!doctype html><h1>Not Found</h1><pre>Error: no route\n    at handle (/srv/app/server.js:12:5)</pre>')
  })
  return listen(server)
}

// 50 MB of JSON-looking bytes, written as the socket drains, stopped when
// the client goes away.
function sendHuge (res) {
  const chunk = Buffer.alloc(1024 * 1024, 'a')
  let left = 50
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': String(50 * chunk.length) })
  function write () {
    while (left > 0 && !res.destroyed) {
      left--
      if (!res.write(chunk)) return res.once('drain', write)
    }
    res.end()
  }
  write()
}

function listen (server) {
  const sockets = new Set()
  server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((resolve) => {
          for (const socket of sockets) socket.destroy()
          server.close(resolve)
        })
      })
    })
  })
}
