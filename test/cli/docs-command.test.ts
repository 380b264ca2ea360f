import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publicUrlProblem, writePage } from '../../lib/cli/docs-output.js'

// The `error-envelope docs` command: its checks in process, and the built
// command (`npm test` builds dist/ first) run as a user runs it, from a copy
// of dist/ in a scratch project's node_modules (where the runner measures no
// coverage, and a module imports the package by name).

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const childEnv: NodeJS.ProcessEnv = { ...process.env }
delete childEnv.NODE_OPTIONS
delete childEnv.NODE_V8_COVERAGE
childEnv._TAPJS_PROCESSINFO_COVERAGE_ = '0'

function project (t: Test): string {
  mkdirSync(join(root, '.smoke'), { recursive: true })
  const folder = mkdtempSync(join(root, '.smoke', 'cli-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const installed = join(folder, 'node_modules', 'error-envelope')
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true })
  copyFileSync(join(root, 'package.json'), join(installed, 'package.json'))
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
  writeFileSync(join(folder, 'errors.mjs'), `import { defineErrors } from 'error-envelope'
export const errors = defineErrors({ widget_not_found: { status: 404, message: 'Widget {id} not found', title: 'Widget not found' } })
`)
  writeFileSync(join(folder, 'spread.mjs'), `import { defineErrors } from 'error-envelope'
const a = defineErrors({ widget_not_found: { status: 404, message: 'Widget {id} not found' } })
const b = defineErrors({ card_declined: { status: 402, message: 'The card was declined' } })
export const errors = { ...a, ...b }
`)
  return folder
}

function run (cwd: string, args: string[]): { status: number | null, stdout: string, stderr: string } {
  const cli = join(cwd, 'node_modules', 'error-envelope', 'dist', 'esm', 'cli.js')
  return spawnSync(process.execPath, [cli, ...args], { cwd, env: childEnv, encoding: 'utf8', timeout: 30_000 })
}

t.test('refuses a --public-url that docs.publicUrl would refuse, naming the flag', async (t) => {
  t.equal(publicUrlProblem(undefined), undefined)
  t.equal(publicUrlProblem('https://x.test/errors'), undefined)
  t.equal(publicUrlProblem('http://127.0.0.1:3000/errors'), undefined)
  for (const url of ['https://x.test/errors#frag', 'https://x.test/errors#', 'ftp://x.test/errors', '/errors', 'not a url', '']) {
    t.equal(publicUrlProblem(url), `--public-url must be an http or https URL without a fragment, instead got ${JSON.stringify(url)}`, url)
  }
})

t.test('writes the page into a folder it creates, and names the folder it cannot create', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'error-envelope-write-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const nested = join(folder, 'public', 'docs', 'errors.html')
  t.equal(writePage(nested, '<p>page</p>'), undefined)
  t.equal(readFileSync(nested, 'utf8'), '<p>page</p>')
  t.equal(writePage(nested, '<p>again</p>'), undefined, 'an existing folder and file')
  t.equal(readFileSync(nested, 'utf8'), '<p>again</p>')
  const file = join(folder, 'public', 'errors.txt')
  writeFileSync(file, 'a file, not a folder')
  const blocked = writePage(join(file, 'errors.html'), 'x')
  t.match(blocked, new RegExp(`^cannot write ${escape(join(file, 'errors.html'))}: cannot create its folder ${escape(file)} \\(E[A-Z]+: `))
  mkdirSync(join(folder, 'taken.html'))
  t.match(writePage(join(folder, 'taken.html'), 'x'), new RegExp(`^cannot write ${escape(join(folder, 'taken.html'))}: EISDIR: `))
})

t.test('the command exits 2 naming --public-url for a fragment URL, and writes no page', async (t) => {
  const cwd = project(t)
  const result = run(cwd, ['docs', './errors.mjs', '--out', 'errors.html', '--public-url', 'https://x.test/errors#frag'])
  t.equal(result.status, 2)
  t.match(result.stderr, /^error-envelope: --public-url must be an http or https URL without a fragment, instead got "https:\/\/x\.test\/errors#frag"\n\nUsage: error-envelope docs/)
  t.equal(result.stdout, '')
  t.notOk(existsSync(join(cwd, 'errors.html')))
})

t.test('the command writes --out public/errors.html in a project without public/, creating it', async (t) => {
  const cwd = project(t)
  const result = run(cwd, ['docs', './errors.mjs', '--out', 'public/errors.html', '--public-url', 'https://x.test/errors'])
  t.same(result, { ...result, status: 0, stdout: '', stderr: '' })
  const html = readFileSync(join(cwd, 'public', 'errors.html'), 'utf8')
  t.match(html, '<section class="code" id="widget_not_found">')
  t.match(html, '&quot;doc_url&quot;: &quot;https://x.test/errors#widget_not_found&quot;')
})

t.test('the command exits 1 naming the folder it cannot create', async (t) => {
  const cwd = project(t)
  writeFileSync(join(cwd, 'public'), 'a file where the folder would be')
  const result = run(cwd, ['docs', './errors.mjs', '--out', 'public/errors.html'])
  t.equal(result.status, 1)
  t.match(result.stderr, /^error-envelope: cannot write public\/errors\.html: cannot create its folder public \(E[A-Z]+: [^\n]*\)\n$/)
})

t.test('the command points to combineErrors() for a module that exports spread catalogs', async (t) => {
  const cwd = project(t)
  const result = run(cwd, ['docs', './spread.mjs'])
  t.equal(result.status, 2)
  t.match(result.stderr, /^error-envelope: \.\/spread\.mjs exports no catalog made by defineErrors\(\); spreading catalogs \(\{ \.\.\.a, \.\.\.b \}\) makes no catalog: combine them with combineErrors\(a, b\)\n/)
})

function escape (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
