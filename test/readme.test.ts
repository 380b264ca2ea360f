import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors, problemErrors } from './helper.js'
import * as fastifyEntry from '../index.js'
import * as expressEntry from '../express.js'

// Every code block of the README is checked, so that the guide cannot drift
// from the package: TypeScript blocks compile against the built package,
// JSON blocks parse (and an error body satisfies the contract), and shell
// blocks run only this package's scripts and install only packages it
// names. The getting-started example and the demo's curl lines are run by
// the packed-tarball test, as a user runs them.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

interface Block { lang: string, line: number, code: string }

/** The fenced code blocks of a Markdown text, with the line each starts on. */
function blocksOf (markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i])
    if (open === null) continue
    const start = i
    const code: string[] = []
    for (i++; i < lines.length && lines[i] !== '```'; i++) code.push(lines[i])
    blocks.push({ lang: open[1], line: start + 1, code: code.join('\n') })
  }
  return blocks
}

const blocks = blocksOf(readme)
const CHECKED = ['ts', 'json', 'sh', 'http', 'text']

t.test('every code block says its language, one the test checks', async (t) => {
  t.same(blocks.filter((block) => !CHECKED.includes(block.lang)).map((block) => `line ${block.line}: "${block.lang}"`), [])
})

// Names a snippet uses without declaring them: the app it is part of.
const AMBIENT = `import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
declare global {
  var app: FastifyInstance
  var logger: Logger
  var metrics: { count: (error: unknown) => void }
  class RowNotFoundError extends Error {}
  function getWidget (request: FastifyRequest, reply: FastifyReply): Promise<unknown>
  function search (request: FastifyRequest, reply: FastifyReply): Promise<unknown>
  function health (request: FastifyRequest, reply: FastifyReply): Promise<unknown>
  function handler (request: FastifyRequest, reply: FastifyReply): Promise<unknown>
}
export {}
`

// A snippet may use the package's exports without importing them, as the
// lines of a longer file; they are imported for it from the entry point its
// other imports name (the Fastify one by default).
const fastifyNames = Object.keys(fastifyEntry).filter((name) => name !== 'default')
const expressNames = Object.keys(expressEntry)

// Libraries a snippet uses by their usual name, imported for it the same way.
const LIBRARIES: Array<[string, string]> = [
  ['Fastify', "import Fastify from 'fastify'"],
  ['express', "import express from 'express'"],
  ['Redis', "import { Redis } from 'ioredis'"],
  ['pino', "import pino from 'pino'"]
]

function asModule (code: string): string {
  const imported = new Set<string>()
  for (const match of code.matchAll(/import\s+(?:type\s+)?(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from/g)) {
    if (match[1] !== undefined) imported.add(match[1])
    for (const name of (match[2] ?? '').split(',')) imported.add(name.replace(/^\s*type\s+/, '').split(/\s+as\s+/).pop()?.trim() ?? '')
  }
  const fromExpress = code.includes("'error-envelope/express'")
  const names = (fromExpress ? expressNames : fastifyNames)
    .filter((name) => !imported.has(name) && new RegExp(`\\b${name}\\b`).test(code) && !new RegExp(`(const|let|function|class)\\s+${name}\\b`).test(code))
  const lines = names.length === 0 ? [] : [`import { ${names.join(', ')} } from '${fromExpress ? 'error-envelope/express' : 'error-envelope'}'`]
  for (const [name, line] of LIBRARIES) {
    if (!imported.has(name) && new RegExp(`\\b${name}\\(`).test(code)) lines.push(line)
  }
  // One line, so that tsc's line numbers are the README's.
  return `${lines.join('; ')}${lines.length === 0 ? '' : '; '}${code}\nexport {}\n`
}

t.test('every TypeScript block compiles against the package', async (t) => {
  const dir = join(root, '.cache', 'readme-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ts = blocks.filter((block) => block.lang === 'ts')
  t.ok(ts.length > 10, 'the README has its examples')
  writeFileSync(join(dir, 'ambient.d.ts'), AMBIENT)
  for (const block of ts) writeFileSync(join(dir, `line-${block.line}.ts`), asModule(block.code))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
    include: ['*.ts']
  }))
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  let output = ''
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    output = String((error as { stdout?: string }).stdout)
  }
  t.equal(output.replaceAll(dir + '/', '').replace(/line-(\d+)\.ts\((\d+)/g, (_all, line: string, row: string) => `README.md(${Number(line) + Number(row)}`), '', 'tsc reports nothing (lines are the README\'s)')
})

t.test('every JSON block parses, and every error body in one satisfies its contract', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json' || block.lang === 'http')
  for (const block of json) {
    const text = block.lang === 'http' ? block.code.slice(block.code.indexOf('\n\n') + 2) : block.code
    if (block.lang === 'http' && !block.code.includes('\n\n')) continue
    const values = parsedJson(text)
    t.ok(values.length > 0, `line ${block.line} has JSON`)
    for (const value of values) {
      if (typeof value === 'object' && value !== null && 'error' in value) {
        const envelope = value as { error: Record<string, unknown> }
        t.same(contractErrors({ ...envelope, error: { ...envelope.error, request_id: 'req_Zq3xV8pL1mK9sT2wB6nR' } }), [], `line ${block.line}: the envelope satisfies the contract`)
      }
      if (typeof value === 'object' && value !== null && 'detail' in value && 'status' in value) {
        t.same(problemErrors(value), [], `line ${block.line}: the problem details satisfy the problem contract`)
      }
    }
  }
})

// One JSON value, or one per line (log lines).
function parsedJson (text: string): unknown[] {
  try {
    return [JSON.parse(text)]
  } catch {
    return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line))
  }
}

const scripts = Object.keys(pkg.scripts)
const packages = new Set(['error-envelope', ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)])

t.test('every shell line runs one of this package\'s scripts or its command, installs packages it names, or asks a server', async (t) => {
  for (const block of blocks.filter((block) => block.lang === 'sh')) {
    for (const raw of block.code.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim()
      if (line === '') continue
      for (const command of line.split('&&').map((part) => part.trim())) {
        const words = command.split(/\s+/)
        if (words[0] === 'curl') continue
        if (words[0] === 'npx') {
          t.ok(Object.keys(pkg.bin).includes(words[1]) && words[2] === 'docs', `line ${block.line}: "${command}" runs this package's command`)
          continue
        }
        t.equal(words[0], 'npm', `line ${block.line}: "${command}" is an npm command`)
        if (words[1] === 'install') {
          t.same(words.slice(2).filter((name) => !packages.has(name)), [], `line ${block.line}: "${command}" installs packages the package names`)
        } else if (words[1] === 'run') {
          t.ok(scripts.includes(words[2]), `line ${block.line}: "${command}" is a script`)
        } else {
          t.ok(scripts.includes(words[1]), `line ${block.line}: "${command}" is a script`)
        }
      }
    }
  }
})
