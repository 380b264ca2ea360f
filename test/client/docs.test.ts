import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalogEntries, defineErrors } from '../../index.js'
import { renderCodeTypes } from '../../lib/core/code-types.js'
import { contractErrors } from '../helper.js'

// docs/consuming-errors.md is tested as the README is: every TypeScript block
// compiles strict against the built package and the real client libraries,
// every JSON block is an envelope that satisfies the contract.

t.setTimeout(120_000)

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const page = readFileSync(join(root, 'docs', 'consuming-errors.md'), 'utf8')
const blocks = [...page.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({
  lang: match[1],
  code: match[2],
  line: page.slice(0, match.index).split('\n').length + 1
}))

// The modules the blocks import from their own project: the catalog, and
// the module `npx error-envelope types` writes from it.
const errors = defineErrors({ order_already_shipped: { status: 409, message: 'Order {id} has shipped', title: 'Order already shipped' } })
const projectFiles = {
  'errors.ts': "import { defineErrors } from 'error-envelope'\nexport const errors = defineErrors({ order_already_shipped: { status: 409, message: 'Order {id} has shipped', title: 'Order already shipped' } })\n",
  'api-errors.ts': renderCodeTypes(catalogEntries(errors) ?? [])
}

t.test('every TypeScript block compiles against the package and the client libraries', async (t) => {
  const ts = blocks.filter((block) => block.lang === 'ts')
  t.ok(ts.length >= 10, `the page has its examples (${ts.length})`)
  const dir = join(root, '.cache', 'consuming-errors-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(projectFiles)) writeFileSync(join(dir, name), text)
  for (const block of ts) writeFileSync(join(dir, `line-${block.line}.ts`), block.code + '\nexport {}\n')
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
    include: ['*.ts']
  }))
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  let output = ''
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 })
  } catch (error) {
    output = String((error as { stdout?: string }).stdout)
  }
  t.equal(output.replaceAll(dir + '/', '').replaceAll('.cache/consuming-errors-blocks/', '').replace(/line-(\d+)\.ts\((\d+)/g, (_all, line: string, row: string) => `consuming-errors.md(${Number(line) + Number(row) - 1}`), '', 'tsc reports nothing (lines are the page\'s)')
})

t.test('the generated module the page shows is what the command writes, for the codes it shows', async (t) => {
  const shown = blocks.find((block) => block.lang === 'ts' && block.code.includes('export const apiErrorCodes'))
  t.ok(shown)
  const codes = [...(shown?.code ?? '').matchAll(/^ {2}\| '([a-z_]+)'$/gm)].map((match) => match[1])
  const entries = (catalogEntries(errors) ?? []).filter((entry) => codes.includes(entry.code))
  t.equal(renderCodeTypes(entries).split('\n').slice(2).join('\n'), shown?.code)
})

t.test('every JSON block is an envelope that satisfies the contract', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json')
  t.ok(json.length > 0)
  for (const block of json) t.same(contractErrors(JSON.parse(block.code)), [], `line ${block.line}`)
})
