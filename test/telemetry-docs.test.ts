import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from './helper.js'
import { ERROR_METRIC } from '../index.js'

// docs/telemetry.md is checked as the README is: its TypeScript blocks
// compile strict against the built package, its JSON blocks parse and an
// error body in one satisfies the contract, and the metric it names is the
// one the package counts on.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const page = readFileSync(join(root, 'docs', 'telemetry.md'), 'utf8')

interface Block { lang: string, line: number, code: string }

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

const blocks = blocksOf(page)

// The app a snippet about options belongs to.
const AMBIENT = `import type { FastifyInstance } from 'fastify'
declare global {
  var app: FastifyInstance
}
export {}
`

t.test('every block says a language the test checks', async (t) => {
  t.same(blocks.filter((block) => !['ts', 'json', 'sh'].includes(block.lang)).map((block) => block.line), [])
  t.same(blocks.filter((block) => block.lang === 'sh').map((block) => block.code), ['npm install @opentelemetry/api'])
})

t.test('every TypeScript block compiles against the package', async (t) => {
  const dir = join(root, '.cache', 'telemetry-doc-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ts = blocks.filter((block) => block.lang === 'ts')
  t.equal(ts.length, 5)
  writeFileSync(join(dir, 'ambient.d.ts'), AMBIENT)
  for (const block of ts) writeFileSync(join(dir, `line-${block.line}.ts`), `${block.code}\nexport {}\n`)
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
  t.equal(output, '', 'tsc reports nothing')
})

t.test('every JSON block parses, and an error body in one satisfies the contract', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json')
  t.equal(json.length, 2)
  for (const block of json) {
    const value = JSON.parse(block.code)
    if ('error' in value) t.same(contractErrors(value), [], `line ${block.line}`)
    else t.match(value, { trace_id: /^[0-9a-f]{32}$/, span_id: /^[0-9a-f]{16}$/ }, `line ${block.line}: a log line with trace ids`)
  }
})

t.test('the page names the metric the package counts on', async (t) => {
  t.ok(page.includes(`\`${ERROR_METRIC}\``))
})
