import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Servers in child processes on a shared machine: more than the default 30 s.
t.setTimeout(240_000)
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

// A plain Node, without the runner's loader and coverage: what runs there
// is the built package, as users get it.
const env: NodeJS.ProcessEnv = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
delete env.NODE_OPTIONS
delete env.NODE_V8_COVERAGE

t.test('the helper works in a node:test file, as the docs show', async (t) => {
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', join(root, 'test', 'fixtures', 'check-node-test.mjs')], { env, encoding: 'utf8', timeout: 90_000 })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.match(run.stdout, /^# pass 2$/m)
  t.match(run.stdout, /^# fail 0$/m)
})

t.test('the table in docs/check.md is what scripts/check-table.mjs measures', async (t) => {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'check-table.mjs')], { env, encoding: 'utf8', timeout: 90_000 })
  t.equal(run.status, 0, run.stderr)
  const measured = run.stdout
  const page = readFileSync(join(root, 'docs', 'check.md'), 'utf8')
  const published = /<!-- check-table:start -->\n([\s\S]*?)<!-- check-table:end -->/.exec(page)?.[1]
  t.equal(published, measured)
  t.match(measured, /^\| \*\*Failed\*\* \| \*\*0\*\* \| \*\*0\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \|$/m)
})
