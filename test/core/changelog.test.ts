import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultCodes, specialCodes } from '../../index.js'

const changelog = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'CHANGELOG.md'), 'utf8')
const listed = changelog.slice(changelog.indexOf('\n## Codes\n'))
const rows = [...listed.matchAll(/^- `([a-z_]+)` \((\d{3}), `([a-z_]+)`\)$/gm)].map((match) => [match[1], Number(match[2]), match[3]])

t.test('the CHANGELOG names every public code, with its status and type, and nothing else', async (t) => {
  const table = [...Object.values(defaultCodes), ...Object.values(specialCodes)].map((entry) => [entry.code, entry.status, entry.type])
  t.same(rows, table)
})
