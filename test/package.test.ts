import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from './helper.js'

// The package as users get it: `npm pack` of the built dist/ (the test script
// builds first), unpacked into a scratch node_modules and loaded by child
// processes with `require` and with `import`.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const builtEntries = ['dist/esm/index.js', 'dist/cjs/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.d.ts', 'dist/esm/express.js', 'dist/cjs/express.js', 'dist/esm/express.d.ts', 'dist/cjs/express.d.ts', 'dist/esm/client.js', 'dist/cjs/client.js', 'dist/esm/client.d.ts', 'dist/cjs/client.d.ts', 'dist/esm/check.js', 'dist/cjs/check.js', 'dist/esm/check.d.ts', 'dist/cjs/check.d.ts']

// Child processes get a plain Node: no loader or coverage hook of the runner.
const childEnv: NodeJS.ProcessEnv = { ...process.env }
delete childEnv.NODE_OPTIONS
delete childEnv.NODE_V8_COVERAGE
childEnv._TAPJS_PROCESSINFO_COVERAGE_ = '0'

interface Packed {
  /** The scratch folder; its node_modules holds the unpacked package. */
  scratch: string
  /** Where the package was unpacked. */
  installed: string
  /** The paths `npm pack` put in the tarball. */
  files: string[]
}

function pack (): Packed {
  const smoke = join(root, '.smoke')
  mkdirSync(smoke, { recursive: true })
  // A folder of its own, so that runs side by side never share files.
  const scratch = mkdtempSync(join(smoke, 'pack-'))
  // Its own package.json: without it, `error-envelope` would resolve to the
  // repository itself (a package may import itself by name).
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'error-envelope-smoke', private: true }) + '\n')
  // --ignore-scripts: prepack would rebuild dist/ under the feet of other tests.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: root,
    encoding: 'utf8',
    env: childEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000
  })
  const [result] = JSON.parse(output) as Array<{ filename: string, files: Array<{ path: string }> }>
  const installed = join(scratch, 'node_modules', 'error-envelope')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', join(scratch, result.filename), '-C', installed, '--strip-components=1'], { timeout: 30_000 })
  return { scratch, installed, files: result.files.map((file) => file.path) }
}

/** Runs a script in the scratch folder and parses what it prints. */
function runChild (packed: Packed, name: string, source: string): any {
  const file = join(packed.scratch, name)
  writeFileSync(file, source)
  const output = execFileSync(process.execPath, [file], { cwd: packed.scratch, encoding: 'utf8', env: childEnv, timeout: 30_000 })
  return JSON.parse(output)
}

// What both children do with the package they loaded: register the plugin,
// throw a helper's error, and report what answered.
const exercise = `
async function exercise (Fastify, pkg, resolved) {
  const app = Fastify()
  await app.register(pkg.default)
  app.get('/widgets/:id', async () => { throw pkg.notFound('Widget w_1 not found', { param: 'id' }) })
  const response = await app.inject('/widgets/w_1')
  await app.close()
  return {
    resolved,
    exports: [typeof pkg.default, typeof pkg.errorEnvelope, typeof pkg.notFound],
    sameDefault: pkg.default === pkg.errorEnvelope,
    status: response.statusCode,
    contentType: response.headers['content-type'],
    requestId: response.headers['x-request-id'],
    body: JSON.parse(response.body)
  }
}
`

const requireScript = `'use strict'
const Fastify = require('fastify')
const pkg = require('error-envelope')
${exercise}
exercise(Fastify, pkg, require.resolve('error-envelope'))
  .then((report) => process.stdout.write(JSON.stringify(report)))
  .catch((error) => { console.error(error); process.exit(1) })
`

const importScript = `import Fastify from 'fastify'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as pkg from 'error-envelope'
${exercise}
const report = await exercise(Fastify, pkg, fileURLToPath(import.meta.resolve('error-envelope')))
const commonjs = createRequire(import.meta.url)('error-envelope')
report.crossBuild = [pkg.isApiError(commonjs.notFound()), commonjs.isApiError(pkg.notFound())]
process.stdout.write(JSON.stringify(report))
`

// The Express entry point: the same helper objects, an app that answers a
// thrown helper and an unknown path with the envelope, from each build.
const expressExercise = `
async function exercise (express, pkg, fastifyEntry, resolved) {
  const app = express()
  const envelope = pkg.errorEnvelope()
  app.use(envelope.beforeRoutes())
  app.get('/widgets/:id', () => { throw pkg.notFound('Widget w_1 not found', { param: 'id' }) })
  app.use(envelope.afterRoutes())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const base = 'http://127.0.0.1:' + server.address().port
  const thrown = await fetch(base + '/widgets/w_1')
  const unknown = await fetch(base + '/nowhere', { method: 'DELETE' })
  server.close()
  return {
    resolved,
    sameHelpers: pkg.notFound === fastifyEntry.notFound && pkg.ApiError === fastifyEntry.ApiError,
    status: thrown.status,
    requestId: thrown.headers.get('x-request-id'),
    body: await thrown.json(),
    unknown: [unknown.status, (await unknown.json()).error.code]
  }
}
`

const expressRequireScript = `'use strict'
const express = require('express')
const pkg = require('error-envelope/express')
${expressExercise}
exercise(express, pkg, require('error-envelope'), require.resolve('error-envelope/express'))
  .then((report) => process.stdout.write(JSON.stringify(report)))
  .catch((error) => { console.error(error); process.exit(1) })
`

const expressImportScript = `import express from 'express'
import { fileURLToPath } from 'node:url'
import * as pkg from 'error-envelope/express'
import * as fastifyEntry from 'error-envelope'
${expressExercise}
process.stdout.write(JSON.stringify(await exercise(express, pkg, fastifyEntry, fileURLToPath(import.meta.resolve('error-envelope/express')))))
`

const expectedBody = (requestId: unknown) => ({
  error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id', request_id: requestId }
})

t.test('the packed package', async (t) => {
  const missing = builtEntries.filter((entry) => !existsSync(join(root, entry)))
  if (missing.length > 0) {
    t.fail(`the package is not built (missing ${missing.join(', ')}): run npm run build first`)
    return
  }
  const packed = pack()
  t.teardown(() => rmSync(packed.scratch, { recursive: true, force: true }))

  t.test('ships dist/, the contract, README.md, the docs pages and their image, CHANGELOG.md, LICENSE and package.json only', async (t) => {
    const allowed = (path: string) => ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'contract/envelope.schema.json', 'contract/problem.schema.json', 'docs/errors-page.png'].includes(path) || path.startsWith('dist/') || /^docs\/[a-z0-9-]+\.md$/.test(path)
    t.same(packed.files.filter((path) => !allowed(path)), [], 'files outside the whitelist')
    t.same(packed.files.filter((path) => /(^|\/)(test|tests|types|lib|examples|bench|scripts|\.ci)\//.test(path) && !path.startsWith('dist/')), [])
    t.same(packed.files.filter((path) => /\.ts$/.test(path) && !path.endsWith('.d.ts')), [], 'no TypeScript sources')
    t.same(packed.files.filter((path) => /\.test\.|\.test-d\./.test(path)), [], 'no tests')
    for (const entry of [...builtEntries, 'dist/esm/package.json', 'dist/cjs/package.json']) {
      t.ok(packed.files.includes(entry), `ships ${entry}`)
    }
  })

  t.test('has an exports map with types first in each condition, pointing at shipped files', async (t) => {
    const manifest = JSON.parse(readFileSync(join(packed.installed, 'package.json'), 'utf8'))
    const main = manifest.exports['.']
    t.same(Object.keys(main), ['import', 'require'])
    for (const [condition, targets] of Object.entries(main) as Array<[string, Record<string, string>]>) {
      t.equal(Object.keys(targets)[0], 'types', `types comes first under ${condition}`)
      for (const target of Object.values(targets)) t.ok(existsSync(join(packed.installed, target)), `${condition} ${target} is shipped`)
    }
    t.ok(existsSync(join(packed.installed, manifest.main)), 'main is shipped')
    t.ok(existsSync(join(packed.installed, manifest.types)), 'types is shipped')
    t.equal(JSON.parse(readFileSync(join(packed.installed, 'dist/cjs/package.json'), 'utf8')).type, 'commonjs')
    t.equal(JSON.parse(readFileSync(join(packed.installed, 'dist/esm/package.json'), 'utf8')).type, 'module')
    t.match(readFileSync(join(packed.installed, 'dist/esm/index.d.ts'), 'utf8'), /@example/, 'declarations keep their doc comments')
    t.equal(manifest.exports['./envelope.schema.json'], './contract/envelope.schema.json')
    t.equal(JSON.parse(readFileSync(join(packed.installed, 'contract/envelope.schema.json'), 'utf8')).$id, 'urn:error-envelope:envelope')
    t.equal(manifest.exports['./problem.schema.json'], './contract/problem.schema.json')
    t.equal(JSON.parse(readFileSync(join(packed.installed, 'contract/problem.schema.json'), 'utf8')).$id, 'urn:error-envelope:problem')
    // One policy for both frameworks: what only one framework, or one
    // option, needs is an optional peer, loaded when that option is given;
    // @opentelemetry/api, when installed, receives the telemetry of error answers.
    t.same(manifest.peerDependencies, { '@fastify/under-pressure': '^9.2.0', '@opentelemetry/api': '^1.9.0', express: '^5.0.0', 'express-rate-limit': '^8.7.4', fastify: '^5.12.1', ioredis: '^5.0.0 || ^6.0.0', 'rate-limit-redis': '^6.0.1' })
    t.same(manifest.peerDependenciesMeta, Object.fromEntries(Object.keys(manifest.peerDependencies).map((name) => [name, { optional: true }])))
    t.same(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@fastify/') || name === 'fastify' || name.startsWith('express')), [], 'no framework package is a dependency')
  })

  t.test('serves error-envelope/check to import and require, types first, and ships its page', async (t) => {
    const manifest = JSON.parse(readFileSync(join(packed.installed, 'package.json'), 'utf8'))
    t.same(Object.keys(manifest.exports['./check']), ['import', 'require'])
    for (const [condition, targets] of Object.entries(manifest.exports['./check']) as Array<[string, Record<string, string>]>) {
      t.equal(Object.keys(targets)[0], 'types', `types comes first under ${condition}`)
      for (const target of Object.values(targets)) t.ok(existsSync(join(packed.installed, target)), `${condition} ${target} is shipped`)
    }
    t.ok(packed.files.includes('docs/check.md'), 'the page each failure links to')
    const report = runChild(packed, 'check-entry.mjs', `import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
const require = createRequire(import.meta.url)
const esm = await import('error-envelope/check')
const cjs = require('error-envelope/check')
process.stdout.write(JSON.stringify({
  esm: [typeof esm.check, esm.CHECKS.length, typeof esm.formatReport],
  cjs: [typeof cjs.check, cjs.CHECKS.length, typeof cjs.formatReport],
  resolved: [fileURLToPath(import.meta.resolve('error-envelope/check')), require.resolve('error-envelope/check')]
}))
`)
    t.same(report.esm, ['function', 17, 'function'])
    t.same(report.cjs, ['function', 17, 'function'])
    t.same(report.resolved, [join(packed.installed, 'dist', 'esm', 'check.js'), join(packed.installed, 'dist', 'cjs', 'check.js')])
  })

  t.test('loads with require and answers a thrown helper with the envelope', async (t) => {
    const report = runChild(packed, 'check.cjs', requireScript)
    t.ok(report.resolved.startsWith(join(packed.installed, 'dist', 'cjs') + sep), 'the packed CommonJS build is loaded')
    t.same(report.exports, ['function', 'function', 'function'], 'default, errorEnvelope and notFound')
    t.equal(report.sameDefault, true)
    t.equal(report.status, 404)
    t.equal(report.contentType, 'application/json; charset=utf-8')
    t.same(contractErrors(report.body), [])
    t.same(report.body, expectedBody(report.requestId))
  })

  t.test('loads with import and answers a thrown helper with the envelope', async (t) => {
    const report = runChild(packed, 'check.mjs', importScript)
    t.ok(report.resolved.startsWith(join(packed.installed, 'dist', 'esm') + sep), 'the packed ES module build is loaded')
    t.same(report.exports, ['function', 'function', 'function'], 'default, errorEnvelope and notFound')
    t.equal(report.sameDefault, true)
    t.equal(report.status, 404)
    t.equal(report.contentType, 'application/json; charset=utf-8')
    t.same(contractErrors(report.body), [])
    t.same(report.body, expectedBody(report.requestId))
    t.same(report.crossBuild, [true, true], 'each build recognises the ApiError of the other')
  })

  for (const [flavour, name, script, folder] of [['require', 'express.cjs', expressRequireScript, 'cjs'], ['import', 'express.mjs', expressImportScript, 'esm']] as const) {
    t.test(`loads error-envelope/express with ${flavour}, with the same helpers, and answers with the envelope`, async (t) => {
      const report = runChild(packed, name, script)
      t.ok(report.resolved.startsWith(join(packed.installed, 'dist', folder) + sep), `the packed ${folder} build is loaded`)
      t.equal(report.sameHelpers, true, 'the helpers are the objects of the main entry point')
      t.equal(report.status, 404)
      t.same(contractErrors(report.body), [])
      t.same(report.body, expectedBody(report.requestId))
      t.same(report.unknown, [404, 'not_found'])
    })
  }
})
