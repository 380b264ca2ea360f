/**
 * Reads one property of a value that may be hostile: a getter that throws,
 * a Proxy trap that throws, or a null-prototype object all read as
 * `undefined` instead of breaking the error path.
 *
 * @example
 * ```ts
 * readField({ get status () { throw new Error('boom') } }, 'status') // undefined
 * readField(null, 'status') // undefined
 * ```
 */
export function readField (value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  try {
    return (value as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}
