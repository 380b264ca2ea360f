import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHECKS } from '../../check.js'
import { CHECK_USAGE } from '../../lib/check/command.js'

// docs/check.md: a section per check, under the anchor the tool prints, with
// the check's title; every flag documented (test/docs.test.ts compiles its
// TypeScript with every other page's).

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

t.test('the report shown is JSON of the report\'s shape', async (t) => {
  const blocks = [...page.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => JSON.parse(match[1]))
  t.equal(blocks.length, 1)
  const [report] = blocks
  t.same(Object.keys(report), ['url', 'ok', 'passed', 'failed', 'skipped', 'results'])
  const info = CHECKS.find((one) => one.id === report.results[0].id)
  t.match(report.results[0], { id: info?.id, title: info?.title, docs: info?.docs, status: 'fail' })
})
