import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { catalogEntries, type CatalogEntry } from '../../index.js'
import { typesCommand } from '../../lib/cli/types-command.js'
import { renderCodeTypes } from '../../lib/core/code-types.js'
import { envelopeAdapters } from '../conformance/adapters.js'
import { errors } from '../fixtures/catalog.js'

// Each compile of a consumer takes seconds on a busy machine.
t.setTimeout(120_000)

const entries = catalogEntries(errors) ?? []

// Runs the command in-process and keeps what it printed.
async function run (argv: string[], catalogOf = async (module: string): Promise<readonly CatalogEntry[] | string> => module === 'fixture' ? entries : `cannot load ${module}`) {
  const printed = { stdout: '', stderr: '' }
  const code = await typesCommand(argv, catalogOf, { stdout: (text) => { printed.stdout += text }, stderr: (text) => { printed.stderr += text } })
  return { code, ...printed }
}

// The TypeScript diagnostics of some modules compiled strict together.
function diagnostics (files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'error-envelope-types-'))
  try {
    const names = Object.entries(files).map(([name, text]) => { writeFileSync(join(dir, name), text); return join(dir, name) })
    const program = ts.createProgram(names, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [], lib: ['lib.es2022.d.ts'] })
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.file?.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const expectedCodes = [...new Set(entries.map((entry) => entry.code))].sort()

t.test('writes the union of every code of a catalog module and the map to status and type, sorted', async (t) => {
  const { code, stdout, stderr } = await run(['fixture'])
  t.same([code, stderr], [0, ''])
  const union = [...stdout.matchAll(/^ {2}\| '([a-z0-9_]+)'$/gm)].map((match) => match[1])
  t.same(union, expectedCodes, 'every code, built-in ones included, once, in order')
  t.ok(union.includes('card_declined') && union.includes('validation_failed') && union.includes('not_found'))
  t.match(stdout, "  card_declined: { status: 402, type: 'card_error' },\n")
  t.match(stdout, "  widget_not_found: { status: 404, type: 'invalid_request_error' }\n} as const")
  t.equal(renderCodeTypes([...entries].reverse()), stdout, 'the order of the catalog does not matter')
})

t.test('the module compiles, and a switch over its codes with a never check compiles only when every code is handled', async (t) => {
  const { stdout } = await run(['fixture'])
  const cases = (codes: string[]) => codes.map((code) => `    case '${code}': return 1\n`).join('')
  const consumer = (codes: string[]) => `import { apiErrorCodes, type ApiErrorCode } from './api-errors.js'
export function handle (code: ApiErrorCode): number {
  switch (code) {
${cases(codes)}    default: { const unhandled: never = code; return unhandled }
  }
}
export const status: 402 = apiErrorCodes.card_declined.status
`
  t.same(diagnostics({ 'api-errors.ts': stdout, 'consumer.ts': consumer(expectedCodes) }), [])
  const missing = diagnostics({ 'api-errors.ts': stdout, 'consumer.ts': consumer(expectedCodes.filter((code) => code !== 'card_declined')) })
  t.match(missing.join('\n'), /Type '"card_declined"' is not assignable to type 'never'/)
  const misspelt = diagnostics({ 'api-errors.ts': stdout, 'consumer.ts': consumer([...expectedCodes, 'card_decliend']) })
  t.match(misspelt.join('\n'), /Type '"card_decliend"' is not comparable to type 'ApiErrorCode'/)
})

t.test('leaves out entries that are not a code, a status and a type, and writes never for none', async (t) => {
  const text = renderCodeTypes([{ code: 'ok_code', status: 409, type: 'x' }, { code: 'Bad Code', status: 409, type: 'x' }, { code: 'low', status: 200, type: 'x' }, { code: 'typed', status: 400, type: '<b>' }, { code: 'ok_code', status: 410, type: 'y' }])
  t.match(text, "export type ApiErrorCode =\n  | 'ok_code'\n\n")
  t.match(text, "  ok_code: { status: 410, type: 'y' }\n}")
  t.same(diagnostics({ 'empty.ts': renderCodeTypes([]) }), [])
  t.match(renderCodeTypes([]), 'export type ApiErrorCode =\n  never\n')
})

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: writes the same module from the /errors.json of a running server, to --out`, async (t) => {
    const { base } = await adapter.start(t, [], { catalog: errors, docs: { path: '/errors', publicUrl: 'https://api.example.com/errors' } })
    const dir = mkdtempSync(join(tmpdir(), 'error-envelope-out-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const out = join(dir, 'api-errors.ts')
    const { code, stdout, stderr } = await run([`${base}/errors.json`, '--out', out])
    t.same([code, stdout, stderr], [0, '', ''])
    t.equal(readFileSync(out, 'utf8'), (await run(['fixture'])).stdout)
    const missing = await run([`${base}/nowhere.json`])
    t.same([missing.code, missing.stderr.split('\n')[0]], [2, `error-envelope: ${base}/nowhere.json answered 404`])
    const notCatalog = await run([`${base}/errors`])
    t.match(notCatalog, { code: 2, stderr: /^error-envelope: cannot read .*\/errors: / })
  })
}

t.test('the error-envelope command dispatches types, and keeps docs', async (t) => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'esm', 'cli.js')
  const { base } = await envelopeAdapters[0].start(t, [], { catalog: errors, docs: { path: '/errors' } })
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  env._TAPJS_PROCESSINFO_COVERAGE_ = '0'
  const written = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [cli, 'types', `${base}/errors.json`], { env, timeout: 30_000 }, (error, stdout) => { if (error !== null) reject(error); else resolve(stdout) })
  })
  t.equal(written, (await run(['fixture'])).stdout)
  const help = await new Promise<string>((resolve) => {
    execFile(process.execPath, [cli, '--help'], { env, timeout: 30_000 }, (_error, stdout) => { resolve(stdout) })
  })
  t.match(help, 'Usage: error-envelope docs <module>')
  t.match(help, 'error-envelope types <module | URL of /errors.json> [--out <file>]')
})

t.test('says what is wrong, with the usage, and exits 2', async (t) => {
  const server = (await import('node:http')).createServer((request, response) => { response.setHeader('content-type', 'application/json'); response.end(request.url === '/empty' ? '{"errors":[]}' : 'null') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  for (const [argv, message] of [
    [[], 'error-envelope: expected: types <module | URL of /errors.json>'],
    [['a', 'b'], 'error-envelope: expected: types <module | URL of /errors.json>'],
    [['fixture', '--format', 'md'], "error-envelope: Unknown option '--format'"],
    [['missing'], 'error-envelope: cannot load missing'],
    [[`${base}/empty`], `error-envelope: ${base}/empty serves no "errors" list of a catalog`],
    [[`${base}/null`], `error-envelope: ${base}/null serves no "errors" list of a catalog`]
  ] as Array<[string[], string]>) {
    const result = await run(argv)
    t.equal(result.code, 2, argv.join(' '))
    t.equal(result.stdout, '')
    t.match(result.stderr, message)
    t.match(result.stderr, 'Usage: error-envelope types <module | URL of /errors.json> [--out <file>]')
  }
})
