import t from 'tap'
import { execFileSync, spawn, spawnSync, type ChildProcess, type ChildProcessByStdio } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { contractErrors } from './helper.js'

// The package installed as a user installs it: `npm pack`, then
// `npm install <tarball> <framework>` in an empty project outside the
// repository, with only what the README says to install. Each entry point's
// types compile, and its code runs, without the other framework.

// Two installs from the registry and two compiles: more than the default 30 s
// on a busy machine.
t.setTimeout(300_000)

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
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

// The lowest release the peer range allows, tested as the newest is.
const LOWEST_FASTIFY = '5.12.1'

const FASTIFY_APP = `import Fastify from 'fastify'
import errorEnvelope, { notFound, serverOptions } from 'error-envelope'

const app = Fastify({ ...serverOptions() })
await app.register(errorEnvelope)
app.get('/widgets/:id', async () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
const response = await app.inject('/widgets/w_1')
process.stdout.write(JSON.stringify({ status: response.statusCode, id: response.headers['x-request-id'], body: response.json() }))
await app.close()
`

// The README's getting-started examples, one per framework, and the curl
// lines shown after them, which both answer.
const readme = readFileSync(join(root, 'README.md'), 'utf8')
function gettingStartedOf (framework: string): string {
  return new RegExp(`<!-- getting-started:${framework}:start -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\n<!-- getting-started:${framework}:end -->`).exec(readme)?.[1] ?? ''
}
const gettingStarted = {
  curls: [...readme.matchAll(/^curl -i (?:-X (\w+) )?localhost:3000(\S*)\s+# (\d{3})/gm)]
    .map((match) => ({ method: match[1] ?? 'GET', path: match[2], status: Number(match[3]) }))
}

// The demo's curl lines in the README.
const demoCurls = [...readme.matchAll(/^curl -i (?:-X (\w+) )?http:\/\/127\.0\.0\.1:3000(\S*)\s+# (\d{3})/gm)]
  .map((match) => ({ method: match[1] ?? 'GET', path: match[2], status: Number(match[3]) }))

// The address a Fastify server started as a child process listens at, from
// its "Server listening at" log line.
function listeningAt (child: ChildProcessByStdio<null, Readable, null>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const found = /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(seen)
      if (found !== null) resolve(found[1])
    })
    child.once('exit', () => { reject(new Error(`the server stopped: ${seen}`)) })
  })
}

// A port no server listens on, for a child told its port by PORT.
function freePort (): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

// Resolves once a child server answers at `base`; fails if it stops first,
// or after 20 s.
async function listening (base: string, child: ChildProcess): Promise<void> {
  const state = { exited: false }
  child.once('exit', () => { state.exited = true })
  const deadline = Date.now() + 20_000
  while (!state.exited && Date.now() < deadline) {
    try {
      await fetch(base + '/')
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(state.exited ? 'the server stopped' : `no server answered at ${base} within 20 s`)
}

const flavours = [
  {
    framework: 'express@5',
    // A TypeScript Express app has Express's own types; the package needs none.
    types: ['@types/express@5'],
    absent: 'fastify',
    source: `import express from 'express'
import { errorEnvelope, notFound, type ExpressEnvelope } from 'error-envelope/express'

const app = express()
const envelope: ExpressEnvelope = errorEnvelope()
app.use(envelope.beforeRoutes())
app.get('/widgets/:id', () => { throw notFound('Widget w_1 not found', { param: 'id' }) })
app.use(envelope.afterRoutes())
const server = app.listen(0, '127.0.0.1', async () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const response = await fetch('http://127.0.0.1:' + port + '/widgets/w_1')
  process.stdout.write(JSON.stringify({ status: response.status, id: response.headers.get('x-request-id'), body: await response.json() }))
  server.close()
})
`
  },
  ...['fastify@5', `fastify@${LOWEST_FASTIFY}`].map((framework) => ({
    framework,
    types: [] as string[],
    absent: 'express',
    source: FASTIFY_APP
  }))
]

t.test('installs from the packed tarball into an empty project and runs with one framework only', async (t) => {
  const packDir = mkdtempSync(join(tmpdir(), 'error-envelope-pack-'))
  t.teardown(() => rmSync(packDir, { recursive: true, force: true }))
  const tarball = join(packDir, JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], root))[0].filename)

  for (const flavour of flavours) {
    t.test(`with ${flavour.framework}: types compile, the app answers the envelope, ${flavour.absent} is not installed`, async (t) => {
      const project = mkdtempSync(join(tmpdir(), 'error-envelope-user-'))
      t.teardown(() => rmSync(project, { recursive: true, force: true }))
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
      run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, flavour.framework, '@types/node@22', ...flavour.types], project)
      t.notOk(existsSync(join(project, 'node_modules', flavour.absent)), `${flavour.absent} is not installed`)
      writeFileSync(join(project, 'app.ts'), flavour.source)
      writeFileSync(join(project, 'tsconfig.json'), TSCONFIG)
      t.equal(run(process.execPath, [tsc, '-p', 'tsconfig.json'], project), '', 'tsc reports nothing')
      writeFileSync(join(project, 'app.mjs'), flavour.source.replace(', type ExpressEnvelope', '').replace('const envelope: ExpressEnvelope', 'const envelope'))
      const report = JSON.parse(run(process.execPath, ['app.mjs'], project))
      t.equal(report.status, 404)
      t.same(contractErrors(report.body), [])
      t.same(report.body, { error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id', request_id: report.id } })
    })
  }

  for (const example of [
    { framework: 'fastify', types: [] as string[] },
    // A TypeScript Express app has Express's own types.
    { framework: 'express', types: ['@types/express@5'] }
  ]) {
    t.test(`the README's ${example.framework} getting-started example, installed as the README says, compiles, runs and answers its curl lines`, async (t) => {
      const code = gettingStartedOf(example.framework)
      t.match(code, /app\.listen/, 'the README has the example')
      const project = mkdtempSync(join(tmpdir(), 'error-envelope-start-'))
      t.teardown(() => rmSync(project, { recursive: true, force: true }))
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
      // "npm install error-envelope <framework>", and the types a TypeScript project has.
      run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, example.framework, '@types/node@22', ...example.types], project)
      writeFileSync(join(project, 'app.ts'), code)
      writeFileSync(join(project, 'tsconfig.json'), TSCONFIG)
      t.equal(run(process.execPath, [tsc, '-p', 'tsconfig.json'], project), '', 'tsc reports nothing')
      const port = await freePort()
      const server = spawn(process.execPath, ['app.ts'], { cwd: project, env: { ...childEnv, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] })
      t.teardown(() => { server.kill() })
      const base = `http://127.0.0.1:${port}`
      await listening(base, server)
      t.ok(gettingStarted.curls.length >= 3, 'the README shows what to try')
      for (const { method, path, status } of gettingStarted.curls) {
        const response = await fetch(base + path, { method })
        t.equal(response.status, status, `${method} ${path}`)
        t.same(contractErrors(await response.json()), [], `${method} ${path}: the envelope`)
      }
      const widget = await fetch(base + '/widgets/w_1')
      t.same(await widget.json(), { id: 'w_1', name: 'Sprocket' })
      t.match(widget.headers.get('x-request-id'), /^req_/)
    })
  }

  t.test('the demo answers each curl line the README shows with the status its comment says', async (t) => {
    const project = mkdtempSync(join(tmpdir(), 'error-envelope-demo-'))
    t.teardown(() => rmSync(project, { recursive: true, force: true }))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'demo', private: true, type: 'module' }))
    // The demo limits a route: the rateLimit option needs no package beside fastify.
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, 'fastify'], project)
    copyFileSync(join(root, 'examples', 'demo.mjs'), join(project, 'demo.mjs'))
    copyFileSync(join(root, 'examples', 'errors.mjs'), join(project, 'errors.mjs'))
    const demo = spawn(process.execPath, ['demo.mjs'], { cwd: project, env: { ...childEnv, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] })
    t.teardown(() => { demo.kill() })
    const base = await listeningAt(demo)
    t.ok(demoCurls.length >= 3, 'the README shows the demo\'s curl lines')
    for (const { method, path, status } of demoCurls) {
      const response = await fetch(base + path, { method })
      t.equal(response.status, status, `${method} ${path}`)
      t.same(contractErrors(await response.json()), [], `${method} ${path}: the envelope`)
    }
  })

  t.test('the error-envelope command writes a catalog\'s reference page as HTML and Markdown, and says what is wrong', async (t) => {
    const project = mkdtempSync(join(tmpdir(), 'error-envelope-cli-'))
    t.teardown(() => rmSync(project, { recursive: true, force: true }))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, 'fastify'], project)
    writeFileSync(join(project, 'errors.mjs'), `import { defineErrors } from 'error-envelope'
export const errors = defineErrors({
  widget_not_found: { status: 404, message: 'Widget {id} not found', title: 'Widget not found', fix: 'List widgets with GET /widgets.' }
})
`)
    writeFileSync(join(project, 'nothing.mjs'), 'export const answer = 42\n')
    const bin = join(project, 'node_modules', '.bin', 'error-envelope')
    t.equal(run(bin, ['docs', './errors.mjs', '--out', 'errors.html', '--public-url', 'https://api.example.com/errors', '--title', 'Widgets API'], project), '')
    const html = readFileSync(join(project, 'errors.html'), 'utf8')
    t.match(html, /^<!doctype html>/)
    t.match(html, '<title>Errors · Widgets API</title>')
    t.match(html, '<section class="code" id="widget_not_found">')
    t.match(html, '&quot;doc_url&quot;: &quot;https://api.example.com/errors#widget_not_found&quot;')
    const markdown = run(bin, ['docs', './errors.mjs', '--format', 'md'], project)
    t.match(markdown, /^# Errors\n/)
    t.match(markdown, '### widget_not_found')
    t.match(markdown, '**Fix.** List widgets with GET /widgets.')
    for (const [args, message] of [
      [['docs', './nothing.mjs'], 'error-envelope: ./nothing.mjs exports no catalog made by defineErrors()'],
      [['docs', './errors.mjs', '--format', 'pdf'], 'error-envelope: --format is html or md, not "pdf"'],
      [['docs'], 'error-envelope: expected: docs <module>'],
      [['docs', './missing.mjs'], 'error-envelope: cannot load ./missing.mjs']
    ] as Array<[string[], string]>) {
      const failed = spawnSync(bin, args, { cwd: project, env: childEnv, encoding: 'utf8' })
      t.equal(failed.status, 2, `${args.join(' ')}: exit code 2`)
      t.match(failed.stderr, message, `${args.join(' ')}: says what is wrong`)
    }
  })

  t.test('on a Fastify older than the peer range, fails at registration and in serverOptions() saying which release it needs', async (t) => {
    const project = mkdtempSync(join(tmpdir(), 'error-envelope-old-'))
    t.teardown(() => rmSync(project, { recursive: true, force: true }))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', '--legacy-peer-deps', tarball, 'fastify@5.0.0'], project)
    writeFileSync(join(project, 'app.mjs'), `import Fastify from 'fastify'
import errorEnvelope, { serverOptions } from 'error-envelope'
const seen = []
try { serverOptions() } catch (error) { seen.push(error.message) }
try { await Fastify().register(errorEnvelope).ready() } catch (error) { seen.push(error.message) }
process.stdout.write(JSON.stringify(seen))
`)
    t.same(JSON.parse(run(process.execPath, ['app.mjs'], project)), [
      'error-envelope needs fastify 5.12.1 or later (npm install fastify@^5.12.1)',
      "fastify-plugin: error-envelope - expected '>=5.12.1 <6' fastify version, '5.0.0' is installed"
    ])
  })
})
