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

// 15 random bytes are 20 base64url characters (15 is a multiple of 3, so a
// block of them encodes to whole 20-character ids): 120 bits, unique across
// processes without coordination.
const ID_BYTES = 15
const ID_CHARS = 20
const POOL_IDS = 512
let pool = ''
let offset = 0

/**
 * A new request id: `req_` and 20 characters from a cryptographically random
 * source. Bytes are drawn from the system and encoded in blocks of 512 ids,
 * so an id costs neither a system call nor an encoding of its own: only a
 * slice of a string.
 *
 * @example
 * ```ts
 * import { generateRequestId } from 'error-envelope'
 * generateRequestId() // 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
 * ```
 */
export function generateRequestId (): string {
  if (offset === pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(ID_BYTES * POOL_IDS)).toString('base64url')
    offset = 0
  }
  const id = 'req_' + pool.slice(offset, offset + ID_CHARS)
  offset += ID_CHARS
  return id
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
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value)
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
