import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeFor, defaultCodes, isErrorStatus, specialCodes, typeForStatus, type CodeEntry } from '../../index.js'

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8')

/** The rows of the README's code table, as `status code type message` lines. */
function readmeRows (): string[] {
  const start = readme.indexOf('<!-- codes:start -->')
  const end = readme.indexOf('<!-- codes:end -->')
  if (start === -1 || end < start) return []
  const lines = readme.slice(start, end).split('\n').filter((line) => line.trim().startsWith('|'))
  // The header row and the |---| separator come first.
  return lines.slice(2).map((line) => {
    const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim().replace(/^`|`$/g, ''))
    return cells.join(' ')
  })
}

function row (entry: CodeEntry): string {
  return `${entry.status} ${entry.code} ${entry.type} ${entry.message}`
}

const codeRows = [...Object.values(defaultCodes), ...Object.values(specialCodes)].map(row)

t.test('the README code table lists every default and special code', async (t) => {
  const rows = readmeRows()
  t.ok(rows.length > 0, 'the README has a table between the codes markers')
  t.same(codeRows.filter((r) => !rows.includes(r)), [], 'rows missing from the README')
})

t.test('the README code table lists nothing that is not a default or special code', async (t) => {
  t.same(readmeRows().filter((r) => !codeRows.includes(r)), [], 'README rows the code does not have')
})

t.test('the README code table lists each code once', async (t) => {
  const rows = readmeRows()
  t.same(rows.filter((r, i) => rows.indexOf(r) !== i), [])
})

t.test('keys each default code by its own status and freezes the tables', async (t) => {
  for (const [status, entry] of Object.entries(defaultCodes)) {
    t.equal(entry.status, Number(status), `${status} is keyed by its status`)
  }
  t.ok(Object.isFrozen(defaultCodes))
  t.ok(Object.isFrozen(specialCodes))
  t.ok(Object.isFrozen(defaultCodes[404]))
})

t.test('derives a code and a sentence-case message from the reason phrase of an unlisted status', async (t) => {
  t.same(codeFor(418), { status: 418, code: 'im_a_teapot', type: 'invalid_request_error', message: "I'm a teapot" })
  t.same(codeFor(451), { status: 451, code: 'unavailable_for_legal_reasons', type: 'invalid_request_error', message: 'Unavailable for legal reasons' })
  t.same(codeFor(414), { status: 414, code: 'uri_too_long', type: 'invalid_request_error', message: 'URI too long' })
  t.same(codeFor(505), { status: 505, code: 'http_version_not_supported', type: 'api_error', message: 'HTTP version not supported' })
  t.equal(codeFor(418), codeFor(418), 'a derived entry is made once')
})

t.test('names a status without a reason phrase http_ and its number', async (t) => {
  t.same(codeFor(499), { status: 499, code: 'http_499', type: 'invalid_request_error', message: 'Request error' })
  t.same(codeFor(599), { status: 599, code: 'http_599', type: 'api_error', message: 'Server error' })
})

t.test('treats a status outside 400-599 as 500', async (t) => {
  for (const status of [200, 302, 399, 600, Number.NaN, 404.5, -404]) {
    t.equal(codeFor(status), defaultCodes[500], String(status))
  }
})

t.test('gives every 4xx or 5xx status a code and type the contract accepts', async (t) => {
  const identifier = /^[a-z][a-z0-9_]{0,63}$/
  for (let status = 400; status <= 599; status++) {
    const entry = codeFor(status)
    t.match(entry.code, identifier, `${status} code`)
    t.match(entry.type, identifier, `${status} type`)
    t.ok(entry.message.length > 0, `${status} message`)
  }
})

t.test('types 5xx as api_error and every other 4xx as invalid_request_error', async (t) => {
  t.equal(typeForStatus(410), 'invalid_request_error')
  t.equal(typeForStatus(499), 'invalid_request_error')
  t.equal(typeForStatus(500), 'api_error')
  t.equal(typeForStatus(599), 'api_error')
})

t.test('accepts only integer statuses from 400 to 599 as error statuses', async (t) => {
  t.equal(isErrorStatus(400), true)
  t.equal(isErrorStatus(599), true)
  for (const value of [399, 600, 404.5, Number.NaN, '404', null, undefined, 404n]) {
    t.equal(isErrorStatus(value), false, String(value))
  }
})
