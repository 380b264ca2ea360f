import fc from 'fast-check'
import t from 'tap'
import { generateRequestId, isValidRequestId, REQUEST_ID_PATTERN } from '../../index.js'
import { GENERATED_ID } from '../fixtures/request-ids.js'

t.test('generates ids of req_ and 20 characters of the base64url alphabet, unique over many', async (t) => {
  const seen = new Set<string>()
  for (let i = 0; i < 20_000; i++) {
    const id = generateRequestId()
    if (!GENERATED_ID.test(id)) t.fail(`not a well-formed id: ${id}`)
    seen.add(id)
  }
  t.equal(seen.size, 20_000, 'no id repeats')
})

// The contract's rule for an id, spelled out character by character: one
// ASCII letter or digit, then up to 127 of those or `.`, `_`, `:`, `=`, `-`.
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function contractAccepts (id: string): boolean {
  if (id.length === 0 || id.length > 128 || !ALPHANUMERIC.includes(id[0])) return false
  return [...id.slice(1)].every((char) => char.length === 1 && (ALPHANUMERIC + '._:=-').includes(char))
}

t.test('accepts exactly the ids the contract allows, as REQUEST_ID_PATTERN says them', async (t) => {
  // Every character of the first 256 code points, first and after a valid one.
  for (let code = 0; code < 256; code++) {
    const char = String.fromCharCode(code)
    for (const id of [char, 'a' + char, char + 'a']) {
      if (isValidRequestId(id) !== contractAccepts(id)) t.fail(`disagrees on ${JSON.stringify(id)}`)
      if (REQUEST_ID_PATTERN.test(id) !== contractAccepts(id)) t.fail(`the pattern disagrees on ${JSON.stringify(id)}`)
    }
  }
  for (const [id, valid] of [['', false], ['a'.repeat(127), true], ['a'.repeat(128), true], ['a'.repeat(129), false], ['req_\u00e9', false], ['req_\ud83d\ude00', false], ['-a', false], ['a-', true], ['req_4Jd8kQ2mZx7Lr1Vb9Tn3', true], ['a b', false]] as const) {
    t.equal(isValidRequestId(id), valid, JSON.stringify(id))
  }
  t.equal(isValidRequestId(42), false)
  t.equal(isValidRequestId(undefined), false)
  const alphabet = fc.constantFrom(...'aZ09._:=- \n\u00e9/'.split(''))
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 140 }).map((chars) => chars.join('')), (id) => isValidRequestId(id) === contractAccepts(id)), { seed: 20240611, numRuns: 2000 })
})
