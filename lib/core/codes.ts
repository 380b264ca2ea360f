import { STATUS_CODES } from 'node:http'
import { codeOfPhrase, defaultCodes, isErrorStatus, typeForStatus, type CodeEntry } from './code-table.js'

export { defaultCodes, isErrorStatus, specialCodes, typeForStatus, type BuiltInErrorCode, type CodeEntry, type ErrorCodeOf } from './code-table.js'

const derived = new Map<number, CodeEntry>()

/**
 * The default entry for any status from 400 to 599: the table's row, or one
 * derived from Node's reason phrase (`418` becomes `im_a_teapot`).
 * A status outside 400-599 is treated as 500.
 *
 * @example
 * ```ts
 * import { codeFor } from 'error-envelope'
 * codeFor(418).code // 'im_a_teapot'
 * codeFor(200).code // 'internal_error'
 * ```
 */
export function codeFor (status: number): CodeEntry {
  const known = defaultCodes[status]
  if (known !== undefined) return known
  if (!isErrorStatus(status)) return defaultCodes[500]
  let found = derived.get(status)
  if (found === undefined) {
    found = deriveEntry(status)
    derived.set(status, found)
  }
  return found
}

function deriveEntry (status: number): CodeEntry {
  const phrase = STATUS_CODES[status]
  if (phrase === undefined) {
    return entry(status, `http_${status}`, status >= 500 ? 'Server error' : 'Request error')
  }
  const code = codeOfPhrase(status, phrase)
  // Sentence case that keeps acronyms: "URI Too Long" reads "URI too long".
  const words = phrase.split(' ').map((word, i) => i === 0 || word === word.toUpperCase() ? word : word.toLowerCase())
  return entry(status, code, words.join(' '))
}

function entry (status: number, code: string, message: string): CodeEntry {
  return Object.freeze({ status, code, type: typeForStatus(status), message })
}
