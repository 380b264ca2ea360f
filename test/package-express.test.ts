import t from 'tap'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from './helper.js'

// The package as an Express team installs it: from the packed tarball, in an
// empty project outside the repository, with only what docs/express.md
// names. Nothing of Fastify is installed, the root entry loads anyway, the
// guide's blocks compile with strict and skipLibCheck off (TypeScript 5.9
// and 7) and its getting-started block runs. And a Fastify install that
// gives an option without its optional peer fails at registration.

t.setTimeout(420_000)

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
// TypeScript 7's bin/tsc has no extension: under tap's process hooks, which
// reach child processes, it would load as CommonJS; its lib/tsc.js is what
// bin/tsc imports.
const compilers = { 'TypeScript 5.9': require.resolve('typescript/bin/tsc'), 'TypeScript 7': join(root, 'node_modules', 'typescript7', 'lib', 'tsc.js') }
const childEnv: NodeJS.ProcessEnv = { ...process.env }
delete childEnv.NODE_OPTIONS
delete childEnv.NODE_V8_COVERAGE
childEnv._TAPJS_PROCESSINFO_COVERAGE_ = '0'

function run (command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 })
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false }
})

// The guide's blocks: each TypeScript block, and the getting-started one
// with the curl lines shown after it.
const guide = readFileSync(join(root, 'docs', 'express.md'), 'utf8')
const tsBlocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])
const start = /<!-- express-start:start -->\n```ts\n([\s\S]*?)```\n<!-- express-start:end -->/.exec(guide)?.[1] ?? ''
const curls = [...guide.matchAll(/^curl -i (?:-X (\w+) )?localhost:3000(\S*)(?: -H '([^']*)')?(?: -d '([^']*)')?\s+# (\d{3})/gm)]
  .map((match) => ({ method: match[1] ?? 'GET', path: match[2], header: match[3], body: match[4], status: Number(match[5]) }))

async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  return port
}

function project (t: Parameters<Parameters<typeof t.test>[1]>[0], name: string): string {
  const folder = mkdtempSync(join(tmpdir(), `error-envelope-${name}-`))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
  return folder
}

t.test('the packed package on Express and on Fastify without optional peers', async (t) => {
  const packDir = mkdtempSync(join(tmpdir(), 'error-envelope-pack-'))
  t.teardown(() => rmSync(packDir, { recursive: true, force: true }))
  const tarball = join(packDir, JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], root))[0].filename)

  t.test('an Express install has nothing of Fastify, loads the root entry, and runs and compiles the guide', async (t) => {
    const app = project(t, 'express')
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, 'express@5', 'pino', 'pino-http', 'ajv', 'typebox@1', '@types/express@5', '@types/node@22'], app)
    const modules = join(app, 'node_modules')
    t.notOk(existsSync(join(modules, 'fastify')), 'fastify is not installed')
    t.notOk(existsSync(join(modules, '@fastify')), 'no @fastify/* package is installed')
    t.same(readdirSync(modules).filter((name) => name.startsWith('fastify') || name === 'toad-cache'), ['fastify-plugin'], 'fastify-plugin alone, which has no dependencies')

    writeFileSync(join(app, 'root.cjs'), `const root = require('error-envelope')
const seen = { notFound: typeof root.notFound, validate: typeof root.validate, defineErrors: typeof root.defineErrors, ApiError: typeof root.ApiError }
try { root.serverOptions() } catch (error) { seen.serverOptions = error.message }
process.stdout.write(JSON.stringify(seen))
`)
    const required = JSON.parse(run(process.execPath, ['root.cjs'], app))
    const serverOptionsMessage = "error-envelope: serverOptions() needs fastify, which is not installed: npm install fastify; on Express, import from 'error-envelope/express'"
    t.same(required, { notFound: 'function', validate: 'function', defineErrors: 'function', ApiError: 'function', serverOptions: serverOptionsMessage })

    writeFileSync(join(app, 'root.mjs'), `import errorEnvelope, { notFound, validate, defineErrors, ApiError } from 'error-envelope'
import { errorEnvelope as expressEnvelope } from 'error-envelope/express'
const seen = { same: notFound('x') instanceof ApiError, catalog: typeof defineErrors({ widget_gone: { status: 410, message: 'Widget gone' } }), validated: validate({ type: 'object' }, {}) }
try { await errorEnvelope({ method: 'GET' }, {}, () => {}) } catch (error) { seen.plugin = error.message }
try { expressEnvelope({ rateLimit: { max: 2 } }) } catch (error) { seen.rateLimit = [error.code, error.message] }
process.stdout.write(JSON.stringify(seen))
`)
    t.same(JSON.parse(run(process.execPath, ['root.mjs'], app)), {
      same: true,
      catalog: 'object',
      validated: {},
      plugin: 'error-envelope: the default export of \'error-envelope\' is the Fastify plugin, to register with app.register(errorEnvelope); on Express, import { errorEnvelope } from \'error-envelope/express\' and mount envelope.beforeRoutes() and envelope.afterRoutes()',
      rateLimit: ['ERR_ENVELOPE_PEER_MISSING', 'error-envelope: the rateLimit option needs express-rate-limit, which is not installed: npm install express-rate-limit']
    })

    t.ok(tsBlocks.length >= 4, 'the guide has its blocks')
    tsBlocks.forEach((block, index) => { writeFileSync(join(app, `block-${index}.ts`), block + '\nexport {}\n') })
    writeFileSync(join(app, 'tsconfig.json'), TSCONFIG)
    for (const [name, tsc] of Object.entries(compilers)) {
      const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, env: childEnv, encoding: 'utf8' })
      t.equal(compiled.stdout + compiled.stderr, '', `${name} reports nothing on the guide's blocks`)
    }

    t.ok(curls.length >= 5, 'the guide shows what to try')
    for (const file of ['app.mjs', 'app.ts']) {
      writeFileSync(join(app, file), start)
      const port = await freePort()
      const server = spawn(process.execPath, [file], { cwd: app, env: { ...childEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
      t.teardown(() => { server.kill() })
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening on')) resolve() })
        server.once('exit', () => { reject(new Error(`node ${file} stopped`)) })
      })
      const base = `http://127.0.0.1:${port}`
      for (const { method, path, header, body, status } of curls) {
        const headers = header === undefined ? {} : { [header.split(': ')[0]]: header.split(': ')[1] }
        const response = await fetch(base + path, { method, headers, body })
        t.equal(response.status, status, `node ${file}: ${method} ${path}`)
        const answer = await response.json()
        if (status >= 400) t.same(contractErrors(answer), [], `node ${file}: ${method} ${path}: the envelope`)
        t.equal(response.headers.get('x-request-id')?.startsWith('req_'), true, `node ${file}: ${method} ${path}: the request id`)
      }
      const missing = await fetch(`${base}/widgets/w_9`)
      t.same(await missing.json(), { error: { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id', request_id: missing.headers.get('x-request-id') } })
      server.kill()
    }
  })

  t.test('a Fastify install limits rates with fastify alone, and fails at registration, with the install command, for an option whose peer is missing', async (t) => {
    const app = project(t, 'fastify')
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, 'fastify@5'], app)
    t.notOk(existsSync(join(app, 'node_modules', '@fastify', 'rate-limit')), '@fastify/rate-limit is not installed')
    t.notOk(existsSync(join(app, 'node_modules', '@fastify', 'under-pressure')), '@fastify/under-pressure is not installed')
    writeFileSync(join(app, 'app.mjs'), `import Fastify from 'fastify'
import errorEnvelope, { serverOptions } from 'error-envelope'
const seen = []
try { await Fastify().register(errorEnvelope, { underPressure: { maxEventLoopDelay: 1000 } }).ready() } catch (error) { seen.push([error.code, error.message]) }
const limited = Fastify()
await limited.register(errorEnvelope, { rateLimit: { max: 1 } })
limited.get('/ok', async () => ({ ok: true }))
for (let i = 0; i < 2; i++) {
  const response = await limited.inject('/ok')
  seen.push([response.statusCode, response.headers['x-ratelimit-remaining'], response.headers['x-request-id'], response.json()])
}
const app = Fastify({ ...serverOptions() })
await app.register(errorEnvelope)
app.get('/ok', async () => ({ ok: true }))
seen.push((await app.inject('/ok')).statusCode)
process.stdout.write(JSON.stringify(seen))
`)
    const seen = JSON.parse(run(process.execPath, ['app.mjs'], app))
    const [, , [, , limitedId, limited]] = seen
    t.same(contractErrors(limited), [], 'the 429 answers the contract')
    t.same(seen, [
      ['ERR_ENVELOPE_PEER_MISSING', 'error-envelope: the underPressure option needs @fastify/under-pressure, which is not installed: npm install @fastify/under-pressure'],
      [200, '0', seen[1][2], { ok: true }],
      [429, '0', limitedId, { error: { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 60 seconds', type: 'rate_limit_error', request_id: limitedId } }],
      200
    ])
    t.match(limitedId, /^req_/)
  })
})
