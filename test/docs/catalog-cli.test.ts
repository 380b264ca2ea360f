import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from '../helper.js'

// The code blocks of docs/catalog-cli.md: each TypeScript block compiles,
// strict, against the built package as a module of its own, and each JSON
// error body satisfies the contract.

// One compile of a few files: more than the default 30 s on a busy machine.
t.setTimeout(180_000)

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const page = readFileSync(join(root, 'docs', 'catalog-cli.md'), 'utf8')
const blocks = [...page.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({
  lang: match[1],
  code: match[2],
  line: page.slice(0, match.index).split('\n').length
}))

t.test('every TypeScript block of the page compiles against the package', async (t) => {
  const dir = join(root, '.cache', 'docs-catalog-cli-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ts = blocks.filter((block) => block.lang === 'ts')
  t.equal(ts.length, 3, 'the page has its examples')
  for (const block of ts) writeFileSync(join(dir, `line-${block.line}.ts`), `${block.code}export {}\n`)
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true, noUnusedLocals: false },
    include: ['*.ts']
  }))
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  let output = ''
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    output = String((error as { stdout?: string }).stdout)
  }
  t.equal(output.replaceAll(dir + '/', '').replace(/line-(\d+)\.ts\((\d+)/g, (_all, line: string, row: string) => `catalog-cli.md(${Number(line) + Number(row)}`), '', 'tsc reports nothing')
})

t.test('every JSON error body of the page satisfies the contract', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json')
  t.ok(json.length > 0)
  for (const block of json) t.same(contractErrors(JSON.parse(block.code)), [], `line ${block.line}`)
})
