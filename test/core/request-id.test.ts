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

t.test('checks an id character by character exactly as REQUEST_ID_PATTERN does', async (t) => {
  // Every character of the first 256 code points, first and after a valid one.
  for (let code = 0; code < 256; code++) {
    const char = String.fromCharCode(code)
    for (const id of [char, 'a' + char, char + 'a']) {
      if (isValidRequestId(id) !== REQUEST_ID_PATTERN.test(id)) t.fail(`disagrees on ${JSON.stringify(id)}`)
    }
  }
  for (const id of ['', 'a'.repeat(127), 'a'.repeat(128), 'a'.repeat(129), 'req_\u00e9', 'req_\ud83d\ude00', '-a', 'a-']) {
    t.equal(isValidRequestId(id), REQUEST_ID_PATTERN.test(id), JSON.stringify(id))
  }
  t.equal(isValidRequestId(42), false)
  const alphabet = fc.constantFrom(...'aZ09._:=- \n\u00e9/'.split(''))
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 140 }).map((chars) => chars.join('')), (id) => isValidRequestId(id) === REQUEST_ID_PATTERN.test(id)), { seed: 20240611, numRuns: 2000 })
})
