import t from 'tap'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCommand, CHECK_USAGE } from '../../lib/check/command.js'
import { formatReport } from '../../check.js'
import { checkSettings } from '../../lib/check/options.js'
import { openApiHints } from '../../lib/check/openapi-hints.js'
import { probe } from '../../lib/check/probe.js'
import type { MisuseCode } from '../../lib/core/misuse.js'

// The command's flags, output formats and exit codes, run in this process;
// and the options' misuse errors.

async function run (argv: string[], colour = false): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await checkCommand(argv, { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, colour })
  return { code, stdout, stderr }
}

async function serve (t: Tap.Test): Promise<{ url: string, seen: string[] }> {
  const seen: string[] = []
  const server: Server = createServer((req, res) => {
    seen.push(String(req.headers.authorization))
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' })
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'No route', type: 'invalid_request_error', request_id: 'req_1' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen }
}

t.test('usage errors exit 2 and print the usage', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'check-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'bad.json'), '{ nope')
  const cases: Array<[string[], string]> = [
    [[], 'expected one URL'],
    [['--nope'], "Unknown option '--nope'"],
    [['http://127.0.0.1:1', '--format', 'xml'], '--format is text, json or tap, not "xml"'],
    [['http://127.0.0.1:1', '--timeout', '5s'], '--timeout is a whole number, not "5s"'],
    [['http://127.0.0.1:1', '--header', 'nocolon'], "--header is 'Name: value', not \"nocolon\""],
    [['http://127.0.0.1:1', '--openapi', join(dir, 'bad.json')], `cannot read the OpenAPI document ${join(dir, 'bad.json')} (JSON)`],
    [['http://127.0.0.1:1', '--path', 'widgets'], 'error-envelope option "path" must be a path starting with /, instead got "widgets"'],
    [['http://127.0.0.1:1', '--only', 'EE99'], 'error-envelope option "only" must be check ids from EE01 to EE17, instead got "EE99"'],
    [['localhost:3000'], 'error-envelope option "url" must be an http or https URL, instead got "localhost:3000"']
  ]
  for (const [argv, problem] of cases) {
    const { code, stdout, stderr } = await run(argv)
    t.equal(code, 2, argv.join(' '))
    t.equal(stdout, '')
    t.ok(stderr.startsWith(`error-envelope check: ${problem}`), stderr.split('\n')[0])
    t.ok(stderr.endsWith(CHECK_USAGE))
  }
})

t.test('an unreachable server exits 2', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  t.same(await run([`http://127.0.0.1:${port}`]), { code: 2, stdout: '', stderr: `error-envelope check: cannot reach http://127.0.0.1:${port}: connection refused\n` })
})

t.test('--help prints the usage and exits 0', async (t) => {
  t.same(await run(['--help']), { code: 0, stdout: CHECK_USAGE, stderr: '' })
})

t.test('text, in colour on a terminal; --only and --skip by id; --header on every request', async (t) => {
  const { url, seen } = await serve(t)
  const plain = await run([url, '--only', 'ee01,EE03', '--only', 'EE02', '--skip', 'EE03', '--header', 'Authorization: Bearer t'])
  t.equal(plain.code, 0)
  t.equal(plain.stdout, [
    '✓ EE01 unknown path answers 404 in the contract',
    '✓ EE02 HEAD on an unknown path answers 404 without a body',
    ...['EE03', 'EE04', 'EE05', 'EE06', 'EE07', 'EE08', 'EE09', 'EE10', 'EE11', 'EE12', 'EE13', 'EE14', 'EE15', 'EE16', 'EE17']
      .map((id) => `- ${id} ${formatId(id)} (skipped: not selected)`),
    '2 passed, 0 failed, 15 skipped',
    ''
  ].join('\n'))
  t.ok(seen.every((header) => header === 'Bearer t'), 'every request carries the header')
  const coloured = await run([url, '--only', 'EE01,EE05,EE12', '--path', '/w'], true)
  t.equal(coloured.code, 1)
  t.match(coloured.stdout, '\u001b[32m✓\u001b[0m EE01 unknown path answers 404 in the contract\n')
  t.match(coloured.stdout, '\u001b[31m✗\u001b[0m EE05 unknown method answers 501\n  PROPFIND /w: 404 application/json; charset=utf-8, expected 501\n  fix: error-envelope/docs/check.md#ee05\n')
  t.match(coloured.stdout, '\u001b[33m-\u001b[0m EE02')
  t.match(coloured.stdout, '✓\u001b[0m EE12 every error is JSON with charset utf-8\n  2 error answer(s) looked at\n')
})

t.test('json and tap', async (t) => {
  const { url } = await serve(t)
  const json = await run([url, '--format', 'json', '--only', 'EE01,EE05', '--timeout', '2000', '--max-body', '10', '--rate-limit-tries', '3'])
  t.equal(json.code, 1)
  const report = JSON.parse(json.stdout)
  t.match(report, { url, ok: false, passed: 1, failed: 1, skipped: 15 })
  t.same(report.results[4], {
    id: 'EE05',
    title: 'unknown method answers 501',
    status: 'fail',
    docs: 'docs/check.md#ee05',
    reason: 'PROPFIND /: 404 application/json; charset=utf-8, expected 501',
    request: { method: 'PROPFIND', path: '/' },
    response: { status: 404, contentType: 'application/json; charset=utf-8', bytes: 103, truncated: false }
  })
  const tap = await run([url, '--format', 'tap', '--only', 'EE01,EE05'])
  t.equal(tap.code, 1)
  t.match(tap.stdout, /^TAP version 14\n1\.\.17\nok 1 - EE01 unknown path answers 404 in the contract\nok 2 - EE02 HEAD on an unknown path answers 404 without a body # SKIP not selected\n/)
  t.match(tap.stdout, 'not ok 5 - EE05 unknown method answers 501\n  ---\n  reason: "PROPFIND /: 404 application/json; charset=utf-8, expected 501"\n  docs: "error-envelope/docs/check.md#ee05"\n  request: "PROPFIND /"\n  status: 404\n  ...\n')
  const lost = formatReport({ url, ok: false, passed: 0, failed: 1, skipped: 0, results: [{ id: 'EE01', title: 'x', status: 'fail', reason: 'the server reset the connection', docs: 'docs/check.md#ee01' }] }, 'tap')
  t.equal(lost, 'TAP version 14\n1..1\nnot ok 1 - EE01 x\n  ---\n  reason: "the server reset the connection"\n  docs: "error-envelope/docs/check.md#ee01"\n  ...\n')
})

function formatId (id: string): string {
  return ({
    EE03: 'wrong method on a known path answers 405 with Allow',
    EE04: 'OPTIONS on a known path answers 204 with Allow',
    EE05: 'unknown method answers 501',
    EE06: 'malformed JSON answers 400',
    EE07: 'unsupported content type answers 415',
    EE08: 'oversized body answers 413',
    EE09: 'several invalid fields are all named in the details',
    EE10: 'request ids: a valid one echoed, a hostile one replaced',
    EE11: 'every error body carries the X-Request-Id header\'s value',
    EE12: 'every error is JSON with charset utf-8',
    EE13: 'no error body holds HTML or a stack trace',
    EE14: 'Accept: application/problem+json is answered in a contract',
    EE15: 'a rate-limited route answers 429 with Retry-After and rate-limit headers',
    EE16: 'a failing route answers a masked 500',
    EE17: 'every doc_url answered resolves'
  } as Record<string, string>)[id]
}

t.test('a wrong option throws a TypeError that names it and quotes the value', async (t) => {
  const url = 'http://127.0.0.1:3000'
  const cases: Array<[unknown, unknown, MisuseCode, string]> = [
    [url, null, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "options" must be an object, instead got null'],
    [url, { timeOut: 5 }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "timeOut"; known options: path, openapi, bodyPath, rateLimitPath, rateLimitTries, crashPath, maxBody, timeout, maxRead, headers, only, skip'],
    [url, { toString: 5 }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "toString"; known options: path, openapi'],
    [url, { timeout: 0 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "timeout" must be a positive integer, instead got 0'],
    [url, { only: 'EE01' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "only" must be an array of check ids, instead got "EE01"'],
    [url, { headers: [] }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "headers" must be an object of header names and string values, instead got an array'],
    [url, { headers: { 'x a': 'b' } }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "headers.x a" must be a string under a valid header name, instead got "b"'],
    [url, { headers: { a: 1 } }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "headers.a" must be a string under a valid header name, instead got 1'],
    [url, { bodyPath: 'POST' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "bodyPath" must be a path starting with /'],
    [url, { openapi: { paths: [] } }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "openapi" must be an OpenAPI document with paths, instead got an object'],
    [url, { openapi: null }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "openapi" must be an OpenAPI document with paths, instead got null'],
    ['ftp://example.com', {}, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "url" must be an http or https URL, instead got "ftp://example.com"']
  ]
  for (const [given, options, code, message] of cases) {
    t.throws(() => checkSettings(given, options as never), { name: 'TypeError', code, message: new RegExp('^' + message.replace(/[.*+?^$()|[\]\\]/g, '\\$&')) })
  }
  t.match(checkSettings(url, { bodyPath: 'patch /w/1', maxBody: 10 }), { body: { method: 'PATCH', path: '/w/1' }, maxBody: 10, probe: { timeout: 5000, maxRead: 65536, headers: {} }, rateLimitTries: 100 })
})

t.test('reads an OpenAPI document for a known path, its methods and a body route', async (t) => {
  t.same(openApiHints({ paths: { '/a/{id}': { get: {}, delete: {} }, '/b': { post: {} }, '/c': 'x' } }), { knownPath: '/a/example', knownMethods: ['GET', 'DELETE'] })
  t.same(openApiHints({ paths: { '/b': { post: {} } } }), { knownPath: undefined })
  t.same(openApiHints({ paths: { '/a/{id}': { get: {} } } }, '/other'), { knownPath: '/other' })
  t.same(openApiHints({ paths: { '/a': { get: {}, post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/nowhere' } } } } } } } }), { knownPath: '/a', knownMethods: ['GET', 'POST'] })
  const twice = { paths: { '/a': { post: { requestBody: { content: { 'application/json': { schema: { properties: { n: { type: 'number' }, b: { type: 'boolean' }, o: { type: 'object' }, l: { type: 'array' }, s: { type: 'string' } } } } } } }, put: { requestBody: { content: { 'application/json': { schema: { properties: {} } } } } } } } }
  t.same(openApiHints(twice), { knownPath: undefined, body: { method: 'POST', path: '/a' }, invalid: { body: { n: 'not a number', b: 'not a boolean', o: 'not an object' }, fields: ['n', 'b', 'o'] } })
})

t.test('a probe says why it got no answer, whatever went wrong', async (t) => {
  const settings = { base: new URL('https://127.0.0.1:1/api/'), timeout: 1000, maxRead: 10, headers: {} }
  t.match(await probe(settings, { method: 'GET', path: '/' }), { failure: 'connection refused', failureCode: 'ECONNREFUSED' })
  t.match(await probe({ ...settings, base: new URL('http://127.0.0.1:1') }, { method: 'GET', path: '/', headers: { 'x-bad': 'a\u0100' } }), { failure: /^request failed: / })
})
