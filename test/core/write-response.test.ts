import t from 'tap'
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { notFound, normalizeError } from '../../index.js'
import { codeFor } from '../../lib/core/codes.js'
import type { NormalizedError } from '../../lib/core/envelope.js'
import { errorResponse } from '../../lib/core/error-response.js'
import { fromEntry } from '../../lib/core/normalize.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'
import { abortStartedResponse, logWhenDone, writeErrorResponse, writeLastResort } from '../../lib/core/write-response.js'
import { contractErrors } from '../helper.js'

// Writing an error response onto Node's response, the last resort, the cut
// of a response already started, and the pending log line.

const ID = 'req_abcdefghijklmnopqrstu'
const settings = normalizeCommonOptions({})

interface Answered { status: number, headers: Record<string, unknown>, body: string, error?: string }

// Serves one request with `handle` and reads what the client got.
async function serve (t: Tap.Test, handle: (req: IncomingMessage, res: ServerResponse) => void, method = 'GET'): Promise<Answered> {
  const server = createServer(handle)
  server.listen(0)
  await once(server, 'listening')
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const { port } = server.address() as AddressInfo
  return await new Promise((resolve) => {
    const req = httpRequest({ port, method, path: '/x' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode as number, headers: res.headers, body }) })
      res.on('error', (error) => { resolve({ status: res.statusCode as number, headers: res.headers, body, error: error.message }) })
    })
    req.on('error', (error) => { resolve({ status: 0, headers: {}, body: '', error: error.message }) })
    req.end()
  })
}

function notFoundResponse (): ReturnType<typeof errorResponse> {
  return errorResponse(normalizeError(notFound('No widget')), ID, settings, { accept: undefined })
}

const NOT_FOUND_BODY = { error: { code: 'not_found', message: 'No widget', type: 'invalid_request_error', request_id: ID } }

t.test('an error response is written onto the headers the response keeps, with no body to HEAD', async (t) => {
  const got = await serve(t, (req, res) => {
    res.setHeader('set-cookie', 'session=1')
    writeErrorResponse(res, notFoundResponse(), req.method)
  })
  t.equal(got.status, 404)
  t.equal(got.headers['set-cookie']?.toString(), 'session=1')
  t.equal(got.headers['x-request-id'], ID)
  t.equal(got.headers['content-type'], 'application/json; charset=utf-8')
  const body = JSON.parse(got.body)
  t.same(contractErrors(body), [])
  t.same(body, NOT_FOUND_BODY)

  const head = await serve(t, (req, res) => { writeErrorResponse(res, notFoundResponse(), req.method) }, 'HEAD')
  t.equal(head.status, 404)
  t.equal(head.body, '')
  t.equal(head.headers['content-length'], String(Buffer.byteLength(notFoundResponse().body)))
})

t.test('the last resort drops every header set so far and writes the fixed 500', async (t) => {
  const got = await serve(t, (req, res) => {
    res.setHeader('etag', '"v1"')
    res.setHeader('x-widget', 'w_1')
    writeLastResort(res, req.method, () => errorResponse(fromEntry(codeFor(500)), ID, settings, { accept: undefined }))
  })
  t.equal(got.status, 500)
  t.equal(got.headers.etag, undefined)
  t.equal(got.headers['x-widget'], undefined)
  const body = JSON.parse(got.body)
  t.same(contractErrors(body), [])
  t.same(body, { error: { code: 'internal_error', message: 'Internal server error', type: 'api_error', request_id: ID } })
})

t.test('the last resort cuts the connection when it cannot be written', async (t) => {
  const failed = await serve(t, (req, res) => {
    writeLastResort(res, req.method, () => { throw new Error('no id') })
  })
  t.equal(failed.status, 0, 'no response at all')
  t.match(failed.error, /socket hang up/)

  const started = await serve(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('half a bo', () => { writeLastResort(res, req.method, notFoundResponse) })
  })
  t.equal(started.status, 200, 'the head was on the wire')
  t.equal(started.body, 'half a bo', 'nothing glued after it')
  t.match(started.error, /aborted/)
})

t.test('a response already started is cut, and its 500 answer handed to the log', async (t) => {
  const logged: NormalizedError[] = []
  const got = await serve(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('half a bo', () => { abortStartedResponse(req, res, (answer) => { logged.push(answer) }) })
  })
  t.equal(got.status, 200)
  t.equal(got.body, 'half a bo')
  t.match(got.error, /aborted/)
  t.same(logged.map((answer) => [answer.status, answer.code, answer.message]), [[500, 'internal_error', 'Response aborted after its headers were sent']])
})

// A logger that records its lines.
function recorder (): { lines: Array<{ level: string, line: Record<string, unknown>, msg: string }>, log: Record<string, (line: Record<string, unknown>, msg: string) => void> } {
  const lines: Array<{ level: string, line: Record<string, unknown>, msg: string }> = []
  const log: Record<string, (line: Record<string, unknown>, msg: string) => void> = {}
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) log[level] = (line, msg) => { lines.push({ level, line, msg }) }
  return { lines, log }
}

t.test('the log line waits for the response to be done, and a second answer replaces the first', async (t) => {
  const { lines, log } = recorder()
  let before = -1
  const got = await serve(t, (req, res) => {
    logWhenDone(req, res, log, settings, normalizeError(notFound('No widget')), undefined, undefined)
    logWhenDone(req, res, log, settings, fromEntry(codeFor(500)), new Error('onSend failed'), { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) })
    before = lines.length
    writeLastResort(res, req.method, () => errorResponse(fromEntry(codeFor(500)), ID, settings, { accept: undefined }))
  })
  t.equal(got.status, 500)
  t.equal(before, 0, 'nothing written before the response is done')
  t.equal(lines.length, 1, 'one line for the request')
  t.equal(lines[0].level, 'error')
  t.match(lines[0].line, { statusCode: 500, code: 'internal_error', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) })
  t.equal(lines[0].msg, 'onSend failed')
})

t.test('a response already done logs at once; a level that is off keeps nothing', async (t) => {
  const { lines, log } = recorder()
  await serve(t, (req, res) => {
    res.end()
    res.once('finish', () => {
      logWhenDone(req, res, log, settings, normalizeError(notFound('No widget')), undefined, undefined)
      t.equal(lines.length, 1, 'written at once')
      t.match(lines[0], { level: 'info', line: { statusCode: 404, code: 'not_found' }, msg: 'No widget' })
      const quiet = { info: log.info, isLevelEnabled: () => false }
      logWhenDone(req, res, quiet, settings, normalizeError(notFound('No widget')), undefined, undefined)
      t.equal(lines.length, 1, 'nothing for a level that is off')
    })
  })
})
