import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors, problemErrors } from './helper.js'
import * as fastifyEntry from '../index.js'
import * as expressEntry from '../express.js'

// The user's documentation, README.md and every page of docs/, checked as
// users get it: from the packed tarball. Every code block says its language;
// TypeScript blocks compile strict against the packed package; JSON blocks
// parse, and an error body satisfies its contract; shell blocks run only
// this package's scripts and command and install only packages it names;
// every relative link and image resolves inside the tarball, #anchors
// included. The getting-started examples are run by the install test.

// Packing, and compiling every block of every page with the libraries'
// declarations checked: more than the default 30 s on a busy machine.
t.setTimeout(240_000)

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** README.md and every Markdown page of docs/, as paths from the root. */
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)]

interface Block { page: string, lang: string, line: number, code: string }

/** The fenced code blocks of a Markdown text, with the line each starts on. */
function blocksOf (page: string, markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i])
    if (open === null) continue
    const start = i
    const code: string[] = []
    for (i++; i < lines.length && lines[i] !== '```'; i++) code.push(lines[i])
    blocks.push({ page, lang: open[1], line: start + 1, code: code.join('\n') })
  }
  return blocks
}

const blocks = pages.flatMap((page) => blocksOf(page, readFileSync(join(root, page), 'utf8')))
const CHECKED = ['ts', 'js', 'json', 'sh', 'http', 'text']

/** The package as `npm pack` makes it, unpacked into node_modules of a scratch project. */
function packed (): { scratch: string, installed: string } {
  const smoke = join(root, '.smoke')
  mkdirSync(smoke, { recursive: true })
  // Inside the repository, so that the libraries the snippets import resolve
  // from its node_modules; with a package.json of its own, so that
  // `error-envelope` resolves to the unpacked tarball, not to the repository.
  const scratch = mkdtempSync(join(smoke, 'docs-'))
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'docs-check', private: true, type: 'module' }) + '\n')
  // --ignore-scripts: prepack would rebuild dist/ under the feet of other tests.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
  const tarball = join(scratch, (JSON.parse(output) as Array<{ filename: string }>)[0].filename)
  const installed = join(scratch, 'node_modules', 'error-envelope')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'])
  return { scratch, installed }
}

t.test('the README is short, and its getting-started examples fit on a screen', async (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  t.ok(readme.split('\n').length <= 350, `README.md has ${readme.split('\n').length} lines, at most 350`)
  for (const framework of ['fastify', 'express']) {
    const example = new RegExp(`<!-- getting-started:${framework}:start -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\n<!-- getting-started:${framework}:end -->`).exec(readme)?.[1]
    t.ok(example !== undefined, `the ${framework} example is marked`)
    t.ok((example ?? '').split('\n').length <= 40, `the ${framework} example has at most 40 lines`)
  }
})

t.test('every code block says its language, one the test checks', async (t) => {
  t.ok(pages.length > 1, 'the docs have pages')
  t.same(blocks.filter((block) => !CHECKED.includes(block.lang)).map((block) => `${block.page}:${block.line}: "${block.lang}"`), [])
})

// Names a snippet uses without declaring them: the app it is part of.
// Pages whose blocks import modules the reader generates, and the tests
// that generate those modules and compile the blocks against them.
const PAGES_WITH_GENERATED_MODULES: Record<string, string> = {
  'docs/consuming-errors.md': 'test/client/docs.test.ts',
  'docs/openapi-clients.md': 'test/openapi-clients-docs.test.ts'
}
// Other packages' commands a page runs, each one a dev dependency that the
// page's own test runs as the page says.
const TOOLS = new Set(['openapi-typescript'])

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
// vitest is not installed here: the shape its examples use.
const MODULES = `declare module 'vitest' {
  export function test (name: string, body: () => Promise<void>): void
  export function expect (value: unknown): { toEqual: (expected: unknown) => void }
}
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
    if (!imported.has(name) && new RegExp(`\\b${name}[(.]`).test(code)) lines.push(line)
  }
  // One line, so that tsc's line numbers are the page's.
  return `${lines.join('; ')}${lines.length === 0 ? '' : '; '}${code}\nexport {}\n`
}

/** tsc's report on a project, empty when it compiles. */
function tscReport (project: string): string {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout)
  }
}

t.test('from the packed tarball', async (t) => {
  const { scratch, installed } = packed()
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))

  t.test('ships every page of docs/ and what the pages show', async (t) => {
    t.same(pages.filter((page) => !existsSync(join(installed, page))), [], 'pages missing from the tarball')
  })

  t.test('every relative link and image of the README and docs/ resolves inside the tarball, #anchors included', async (t) => {
    const shipped = ['README.md', ...readdirSync(join(installed, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]
    let checked = 0
    for (const page of shipped) {
      const markdown = readFileSync(join(installed, page), 'utf8')
      for (const target of linksOf(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
        checked++
        const [path, anchor] = target.split('#', 2) as [string, string | undefined]
        const file = path === '' ? join(installed, page) : resolve(dirname(join(installed, page)), decodeURIComponent(path))
        const where = `${page}: ${target}`
        if (relative(installed, file).startsWith('..') || !file.startsWith(installed + sep)) {
          t.fail(`${where} leaves the package`)
          continue
        }
        if (!existsSync(file) || !statSync(file).isFile()) {
          t.fail(`${where} is not in the tarball`)
          continue
        }
        if (anchor !== undefined) {
          t.ok(file.endsWith('.md') && anchorsOf(readFileSync(file, 'utf8')).has(anchor), `${where}: the heading exists`)
        }
      }
    }
    t.ok(checked > 20, `the pages link each other (${checked} links checked)`)
  })

  t.test('every TypeScript block compiles strict against the packed package', async (t) => {
    const dir = join(scratch, 'blocks')
    mkdirSync(dir)
    // A block that imports a module the reader generates (`./api.js` from
    // openapi-typescript, `./api-errors.js` from `error-envelope types`) is
    // compiled by its page's own test, which generates that module first.
    const generated = (block: Block): boolean => /(from |import\()'\.\//.test(block.code)
    for (const block of blocks.filter((block) => block.lang === 'ts' && generated(block))) {
      t.ok(Object.hasOwn(PAGES_WITH_GENERATED_MODULES, block.page), `${block.page}:${block.line} imports a generated module, and its page has a test that generates it`)
    }
    const ts = blocks.filter((block) => block.lang === 'ts' && !generated(block))
    t.ok(ts.length > 30, 'the docs have their examples')
    writeFileSync(join(dir, 'ambient.d.ts'), AMBIENT)
    writeFileSync(join(dir, 'modules.d.ts'), MODULES)
    const compilerOptions = { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false }
    // pino-http declares `IncomingMessage.id` with its own type, which the
    // Express request's `id: string` cannot extend: with skipLibCheck off,
    // tsc reports that inside @types/express. Blocks that use pino-http are
    // compiled strict with the libraries' declarations taken as they are.
    // The same for blocks that use @fastify/rate-limit beside the plugin (its
    // declarations give `config.rateLimit` its own type) and tap (whose
    // declarations need @types/react).
    const lenient = (block: Block): boolean => /from '(pino-http|@fastify\/rate-limit|tap)'/.test(block.code)
    const files = { strict: [] as string[], lenient: [] as string[] }
    ts.forEach((block, i) => {
      writeFileSync(join(dir, `b${i}.ts`), asModule(block.code))
      files[lenient(block) ? 'lenient' : 'strict'].push(`b${i}.ts`)
    })
    const lines = (report: string): string => report.replaceAll(dir + '/', '').replaceAll(relative(root, dir) + '/', '').replace(/b(\d+)\.ts\((\d+)/g, (_all, i: string, row: string) => `${ts[Number(i)].page}(${ts[Number(i)].line + Number(row)}`)
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['ambient.d.ts', 'modules.d.ts', ...files.strict] }))
    t.equal(lines(tscReport(join(dir, 'tsconfig.json'))), '', 'tsc reports nothing (lines are the pages\')')
    if (files.lenient.length > 0) {
      writeFileSync(join(dir, 'tsconfig.lenient.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck: true }, files: ['ambient.d.ts', 'modules.d.ts', ...files.lenient] }))
      t.equal(lines(tscReport(join(dir, 'tsconfig.lenient.json'))), '', 'tsc reports nothing on the pino-http blocks')
    }
  })

  t.test('every shell line runs one of this package\'s scripts or its command, installs packages it names, or asks a server', async (t) => {
    const cli = join(installed, pkg.bin['error-envelope'])
    const env: NodeJS.ProcessEnv = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
    delete env.NODE_OPTIONS
    delete env.NODE_V8_COVERAGE
    const usage = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8', env })
    const scripts = Object.keys(pkg.scripts)
    const packages = new Set(['error-envelope', ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)])
    for (const block of blocks.filter((block) => block.lang === 'sh')) {
      const where = `${block.page}:${block.line}`
      for (const raw of block.code.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim()
        if (line === '') continue
        for (const command of line.split('&&').map((part) => part.trim())) {
          const words = command.split(/\s+/)
          if (words[0] === 'curl') continue
          if (words[0] === 'npx' && TOOLS.has(words[1])) continue
          if (words[0] === 'npx') {
            t.ok(Object.keys(pkg.bin).includes(words[1]), `${where}: "${command}" runs this package's command`)
            t.ok(usage.includes(`${words[1]} ${words[2]} `), `${where}: "${words[2]}" is one of its commands`)
            t.same(words.filter((word) => word.startsWith('--') && !usage.includes(word)), [], `${where}: its flags are the command's`)
            continue
          }
          t.equal(words[0], 'npm', `${where}: "${command}" is an npm command`)
          // Setting up a new project, as a page's first steps do.
          if (command === 'npm init -y' || command === 'npm pkg set type=module') continue
          if (words[1] === 'install') {
            t.same(words.slice(2).filter((name) => !packages.has(name)), [], `${where}: "${command}" installs packages the package names`)
          } else if (words[1] === 'run') {
            t.ok(scripts.includes(words[2]), `${where}: "${command}" is a script`)
          } else {
            t.ok(scripts.includes(words[1]), `${where}: "${command}" is a script`)
          }
        }
      }
    }
  })
})

t.test('every JavaScript block is valid JavaScript', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'error-envelope-js-blocks-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [i, block] of blocks.filter((block) => block.lang === 'js').entries()) {
    const file = join(dir, `b${i}.${/\brequire\(/.test(block.code) ? 'cjs' : 'mjs'}`)
    writeFileSync(file, block.code)
    t.doesNotThrow(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' }), `${block.page}:${block.line}`)
  }
})

t.test('every JSON block parses, and every error body in one satisfies its contract', async (t) => {
  const json = blocks.filter((block) => block.lang === 'json' || block.lang === 'http')
  t.ok(json.length > 10, 'the docs show bodies')
  for (const block of json) {
    const where = `${block.page}:${block.line}`
    if (block.lang === 'http' && !block.code.includes('\n\n')) continue
    const text = block.lang === 'http' ? block.code.slice(block.code.indexOf('\n\n') + 2) : block.code
    const values = parsedJson(text)
    t.ok(values.length > 0, `${where} has JSON`)
    for (const value of values) {
      if (typeof value === 'object' && value !== null && 'error' in value) {
        t.same(contractErrors(value), [], `${where}: the envelope satisfies the contract`)
      }
      if (typeof value === 'object' && value !== null && 'detail' in value && 'status' in value) {
        t.same(problemErrors(value), [], `${where}: the problem details satisfy the problem contract`)
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

/** A Markdown text without its fenced code blocks and inline code. */
function prose (markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** The targets of a Markdown text's links and images, and of its HTML `href` and `src`. */
function linksOf (markdown: string): string[] {
  const text = prose(markdown)
  return [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
    ...[...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((match) => match[1])
  ]
}

/** The anchors GitHub gives a Markdown text's headings (github-slugger's rule). */
function anchorsOf (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const match of markdown.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = match[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  // Anchors a page sets itself: <a id="ee01"></a>.
  for (const match of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(match[1])
  return anchors
}

t.test('the anchors are GitHub\'s', async (t) => {
  t.same([...anchorsOf('# Problem details (RFC 9457)\n## Fastify: `serverOptions()`\n### Fastify\n### Fastify\n## From `@fastify/sensible` and [x](y.md)\n```sh\n# not a heading\n```\n')],
    ['problem-details-rfc-9457', 'fastify-serveroptions', 'fastify', 'fastify-1', 'from-fastifysensible-and-x'])
  t.same(linksOf('[a](b.md#c) ![i](p.png) `[no](x.md)` <img src="q.png">\n```md\n[no](y.md)\n```\n'), ['b.md#c', 'p.png', 'q.png'])
})
