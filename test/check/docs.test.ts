import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHECKS } from '../../check.js'
import { CHECK_USAGE } from '../../lib/check/command.js'

// docs/check.md: a section per check, under the anchor the tool prints, with
// the check's title; every flag documented; its TypeScript compiles.

// One compile of the examples: more than the default 30 s on a busy machine.
t.setTimeout(120_000)
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const page = readFileSync(join(root, 'docs', 'check.md'), 'utf8')

t.test('every check has its section under the anchor its results link to', async (t) => {
  const sections = [...page.matchAll(/^<a id="(ee\d\d)"><\/a>\n### (EE\d\d) (.+)$/gm)].map((match) => ({ anchor: match[1], id: match[2], title: match[3] }))
  t.same(sections, CHECKS.map((info) => ({ anchor: info.id.toLowerCase(), id: info.id, title: info.title })))
  for (const info of CHECKS) t.equal(info.docs, `docs/check.md#${info.id.toLowerCase()}`)
})

t.test('every flag of the command is in the page\'s table', async (t) => {
  const flags = [...new Set(CHECK_USAGE.match(/--[a-z-]+/g))].filter((flag) => flag !== '--help')
  t.ok(flags.length >= 12)
  for (const flag of flags) t.match(page, new RegExp(`^\\| \`[^|]*${flag}\\b`, 'm'), flag)
})

t.test('every TypeScript block compiles against the package', async (t) => {
  const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1])
  t.equal(blocks.length, 3)
  const dir = join(root, '.cache', 'check-doc-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  blocks.forEach((code, index) => writeFileSync(join(dir, `block-${index}.ts`), `${code}\nexport {}\n`))
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

t.test('the report shown is JSON of the report\'s shape', async (t) => {
  const blocks = [...page.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => JSON.parse(match[1]))
  t.equal(blocks.length, 1)
  const [report] = blocks
  t.same(Object.keys(report), ['url', 'ok', 'passed', 'failed', 'skipped', 'results'])
  const info = CHECKS.find((one) => one.id === report.results[0].id)
  t.match(report.results[0], { id: info?.id, title: info?.title, docs: info?.docs, status: 'fail' })
})
