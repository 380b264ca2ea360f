import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// error-envelope/client as a frontend gets it: the packed tarball unpacked
// alone into node_modules (none of the server's dependencies beside it),
// compiled with the DOM's types and no Node types, and run from each build.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
t.setTimeout(240_000)

const childEnv: NodeJS.ProcessEnv = { ...process.env }
delete childEnv.NODE_OPTIONS
delete childEnv.NODE_V8_COVERAGE
childEnv._TAPJS_PROCESSINFO_COVERAGE_ = '0'

const frontend = `import { readError, parseError, isClientError, retryDelay, type ClientError, type ErrorCodeOf } from 'error-envelope/client'

type ApiErrorCode = 'order_already_shipped' | 'validation_failed'

export async function save (body: string): Promise<string> {
  const res = await fetch('/orders/o_1', { method: 'PATCH', body })
  if (res.ok) return 'saved'
  const err: ClientError<ApiErrorCode> = await readError<ApiErrorCode>(res)
  switch (err.code) {
    case 'order_already_shipped': return err.message
    case 'validation_failed': return Object.keys(err.fieldErrors).join(', ')
    default: { const unhandled: never = err.code; return unhandled }
  }
}
export const again = parseError(503, new Headers({ 'retry-after': '5' }), null).retryAfterMs
export const guard = (error: unknown): boolean => isClientError(error)
export const delay = retryDelay({ maxMs: 10_000 })
export type Codes = ErrorCodeOf<{ order_already_shipped: unknown }>
`

const runtime = (load: string) => `${load}
const response = new Response(JSON.stringify({ error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id', request_id: 'req_1' } }), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } })
client.readError(response).then((err) => {
  const loaded = typeof require === 'function' ? Object.keys(require.cache).map((file) => file.slice(file.indexOf('/dist/') + 1)).filter((file) => file.startsWith('dist/')).sort() : []
  process.stdout.write(JSON.stringify({ isClientError: client.isClientError(err), name: err.name, code: err.code, message: err.message, param: err.param, requestId: err.requestId, format: err.format, bodyUsed: response.bodyUsed, loaded, crossBuild: other === null ? null : [other.isClientError(err), client.isClientError(other.parseError(404, {}, null))] }))
})
`

t.test('error-envelope/client from the packed tarball', async (t) => {
  if (!existsSync(join(root, 'dist', 'esm', 'client.js'))) {
    t.fail('the package is not built: run npm run build first')
    return
  }
  const scratch = mkdtempSync(join(tmpdir(), 'error-envelope-client-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8', env: childEnv, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }))[0]
  const installed = join(scratch, 'node_modules', 'error-envelope')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', join(scratch, packed.filename), '-C', installed, '--strip-components=1'], { timeout: 30_000 })
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'frontend', private: true, type: 'module' }))

  t.test('has ./client in its exports, ES module, CommonJS and types, types first', async (t) => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
    t.same(manifest.exports['./client'], {
      import: { types: './dist/esm/client.d.ts', default: './dist/esm/client.js' },
      require: { types: './dist/cjs/client.d.ts', default: './dist/cjs/client.js' }
    })
    for (const file of ['dist/esm/client.d.ts', 'dist/esm/client.js', 'dist/cjs/client.d.ts', 'dist/cjs/client.js']) t.ok(existsSync(join(installed, file)), `ships ${file}`)
  })

  for (const [moduleKind, resolution] of [['esnext', 'bundler'], ['nodenext', 'nodenext']]) {
    t.test(`a frontend with lib dom and es2022, skipLibCheck off, no Node types, compiles against it (${resolution} resolution)`, async (t) => {
      const project = join(scratch, `frontend-${resolution}`)
      mkdirSync(project)
      writeFileSync(join(project, 'app.ts'), frontend)
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'ES2022', module: moduleKind, moduleResolution: resolution, lib: ['dom', 'es2022'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ['app.ts']
      }))
      let listed: string
      try {
        listed = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], { cwd: project, encoding: 'utf8', timeout: 120_000 })
      } catch (error) {
        listed = String((error as { stdout?: string }).stdout)
      }
      t.same(listed.split('\n').filter((line) => line.includes('error TS')), [], 'tsc reports nothing')
      t.ok(listed.includes('lib.dom.d.ts'), 'the DOM types are the only globals')
      const packageFiles = listed.split('\n').filter((file) => file.includes('node_modules/error-envelope/')).map((file) => file.slice(file.indexOf('dist/')))
      t.same(packageFiles.filter((file) => !/^dist\/(esm|cjs)\/(client\.d\.ts|lib\/client\/[a-z-]+\.d\.ts|lib\/core\/code-table\.d\.ts)$/.test(file)), [], 'only the client\'s declarations and the table of codes')
    })
  }

  t.test('loads with import and with require, and reads a Response, loading nothing of the server', async (t) => {
    for (const [file, load] of [['client.mjs', "import * as client from 'error-envelope/client'\nimport { createRequire } from 'node:module'\nconst other = createRequire(import.meta.url)('error-envelope/client')"], ['client.cjs', "const client = require('error-envelope/client')\nconst other = null"]]) {
      writeFileSync(join(scratch, file), runtime(load))
      const report = JSON.parse(execFileSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', env: childEnv, timeout: 30_000 }))
      t.same({ ...report, loaded: undefined }, { isClientError: true, name: 'ClientError', code: 'not_found', message: 'Widget w_1 not found', param: 'id', requestId: 'req_1', format: 'envelope', bodyUsed: false, loaded: undefined, crossBuild: file === 'client.mjs' ? [true, true] : null }, file)
      if (file === 'client.cjs') {
        t.same(report.loaded.filter((loaded: string) => !/^dist\/cjs\/(client\.js|lib\/client\/[a-z-]+\.js|lib\/core\/code-table\.js)$/.test(loaded)), [], 'require loads the client and the table of codes only')
        t.ok(report.loaded.includes('dist/cjs/lib/core/code-table.js'))
      }
    }
  })
})
