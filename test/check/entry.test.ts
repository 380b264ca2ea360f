import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// error-envelope/check is for any API's test suite: it must load neither
// Fastify nor Express, whatever the API is written with.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Every module a source file names in an import, re-export or require. */
function importsOf (path: string): string[] {
  const source = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found: string[] = []
  for (const pattern of [/^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1])
  }
  return found
}

/** The packages check.ts loads, through every file it imports. */
function packagesOf (entry: string): Set<string> {
  const packages = new Set<string>()
  const seen = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
      else packages.add(specifier)
    }
  }
  return packages
}

t.test('the check entry imports only Node, ajv and ajv-formats', async (t) => {
  t.same([...packagesOf(join(root, 'check.ts'))].sort(), ['ajv', 'ajv-formats', 'node:http', 'node:https', 'node:net'])
  t.same([...packagesOf(join(root, 'cli.ts'))].sort(), ['ajv', 'ajv-formats', 'node:fs', 'node:http', 'node:https', 'node:net', 'node:path', 'node:url', 'node:util'], 'nor does the command')
})

t.test('the built CommonJS entry loads no framework', { skip: !existsSync(join(root, 'dist', 'cjs', 'check.js')) && 'not built' }, async (t) => {
  const env = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  delete env.NODE_OPTIONS
  delete env.NODE_V8_COVERAGE
  const script = `const entry = require(${JSON.stringify(join(root, 'dist', 'cjs', 'check.js'))});
process.stdout.write(JSON.stringify({ check: typeof entry.check, checks: entry.CHECKS.length, loaded: Object.keys(require.cache).filter((file) => /node_modules[\\\\/](fastify|express|@fastify)[\\\\/]/.test(file)) }))`
  const report = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }))
  t.same(report, { check: 'function', checks: 17, loaded: [] })
})
