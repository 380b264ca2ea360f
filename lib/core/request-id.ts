import { randomFillSync } from 'node:crypto'

/**
 * The ids a client may send in `X-Request-Id` and see accepted: the
 * contract's pattern. Anything else is replaced by a generated id.
 *
 * @example
 * ```ts
 * import { REQUEST_ID_PATTERN } from 'error-envelope'
 * REQUEST_ID_PATTERN.test('req_abc123') // true
 * REQUEST_ID_PATTERN.test('a b') // false
 * ```
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/

// The package's own copy: a user's code can recompile the exported one
// (`RegExp.prototype.compile`), never this.
const ID_PATTERN = new RegExp(REQUEST_ID_PATTERN.source)

// 15 random bytes are 20 base64url characters (15 is a multiple of 3, so a
// block of them encodes to whole 20-character ids): 120 bits, unique across
// processes without coordination.
const ID_PREFIX = 'req_'
const ID_BYTES = 15
const ID_CHARS = 20
const ID_LENGTH = ID_PREFIX.length + ID_CHARS
const POOL_IDS = 512
let pool = ''
let offset = 0

/**
 * A new request id: `req_` and 20 characters from a cryptographically random
 * source. Bytes are drawn from the system and encoded in blocks of 512 ids,
 * joined into one flat string with their prefixes, so an id costs neither a
 * system call nor an encoding nor a concatenation of its own: only a slice,
 * which every later use (the header, the body, the log line) reads as it is.
 *
 * @example
 * ```ts
 * import { generateRequestId } from 'error-envelope'
 * generateRequestId() // 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
 * ```
 */
export function generateRequestId (): string {
  if (offset === pool.length) {
    pool = prefixedPool()
    offset = 0
  }
  const id = pool.slice(offset, offset + ID_LENGTH)
  offset += ID_LENGTH
  return id
}

// `join` makes one flat string, where `'req_' + chars` would make a rope
// that the first regular expression or header write has to flatten again.
function prefixedPool (): string {
  const encoded = randomFillSync(Buffer.allocUnsafe(ID_BYTES * POOL_IDS)).toString('base64url')
  const parts: string[] = ['']
  for (let start = 0; start < encoded.length; start += ID_CHARS) parts.push(encoded.slice(start, start + ID_CHARS))
  return parts.join(ID_PREFIX)
}

/**
 * Whether a value may be used as a request id as it is.
 *
 * @example
 * ```ts
 * import { isValidRequestId } from 'error-envelope'
 * isValidRequestId('abc-123') // true
 * isValidRequestId('x'.repeat(200)) // false
 * ```
 */
export function isValidRequestId (value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value)
}

/**
 * The id of a request: the incoming one when it is trusted and valid, else a
 * new one.
 *
 * @example
 * ```ts
 * import { resolveRequestId } from 'error-envelope'
 * resolveRequestId('abc-123') // 'abc-123'
 * resolveRequestId('bad id') // 'req_…'
 * ```
 */
export function resolveRequestId (incoming: unknown, generate: () => string = generateRequestId): string {
  return isValidRequestId(incoming) ? incoming : generate()
}
