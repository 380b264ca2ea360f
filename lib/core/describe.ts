/**
 * A short description of any value for an error message, safe to build from
 * hostile input: it calls no getter, `toString` or `toJSON` of the value.
 *
 * @example
 * ```ts
 * describe('x'.repeat(100)) // '"xxxx…"' (64 characters and an ellipsis)
 * describe({ a: 1 }) // 'an object'
 * ```
 */
export function describe (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? value.slice(0, 64) + '…' : value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
