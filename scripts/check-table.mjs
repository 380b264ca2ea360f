// Measures `error-envelope check` against this package's demos, bare
// Fastify 5, bare Express 5 and Fastify 5 with @fastify/sensible (the same
// routes), and prints the Markdown table that docs/check.md publishes.
// With --write, replaces the table in docs/check.md. Run after a build:
// `npm run check-table -- --write`.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { check, CHECKS } from 'error-envelope/check'
import { checkOptions, startBareExpress, startBareFastify, startDemo } from '../test/fixtures/check-apps.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const page = join(root, 'docs', 'check.md')
const START = '<!-- check-table:start -->'
const END = '<!-- check-table:end -->'

const servers = [
  ['error-envelope (Fastify)', () => startDemo('fastify', 'envelope')],
  ['error-envelope (Express)', () => startDemo('express', 'envelope')],
  ['bare Fastify 5', () => startBareFastify()],
  ['bare Express 5', () => startBareExpress()],
  ['Fastify 5 + @fastify/sensible', () => startBareFastify({ sensible: true })]
]
const MARKS = { pass: '✓', fail: '✗', skip: '–' }

/** The table, measured now. */
export async function measureTable () {
  const openapi = JSON.parse(readFileSync(join(root, 'examples', 'demo-openapi.json'), 'utf8'))
  const columns = []
  for (const [name, start] of servers) {
    const server = await start()
    try {
      columns.push([name, await check(server.url, checkOptions(openapi))])
    } finally {
      await server.close()
    }
  }
  const lines = [
    `| Check | ${columns.map(([name]) => name).join(' | ')} |`,
    `|---|${columns.map(() => ':-:').join('|')}|`
  ]
  for (const [index, info] of CHECKS.entries()) {
    lines.push(`| [${info.id}](#${info.id.toLowerCase()}) ${info.title} | ${columns.map(([, report]) => MARKS[report.results[index].status]).join(' | ')} |`)
  }
  lines.push(`| **Failed** | ${columns.map(([, report]) => `**${report.failed}**`).join(' | ')} |`)
  return lines.join('\n') + '\n'
}

/** The table docs/check.md holds now. */
export function publishedTable () {
  const text = readFileSync(page, 'utf8')
  return text.slice(text.indexOf(START) + START.length + 1, text.indexOf(END))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = await measureTable()
  if (process.argv.includes('--write')) {
    const text = readFileSync(page, 'utf8')
    writeFileSync(page, text.slice(0, text.indexOf(START) + START.length + 1) + table + text.slice(text.indexOf(END)))
  } else {
    process.stdout.write(table)
  }
}
