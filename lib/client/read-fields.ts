// Bounded readers of untrusted JSON: own properties only (a `__proto__` key
// is data, never a prototype), the right type or nothing, text cut to the
// contract's lengths.

/**
 * Whether a value is a plain JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * isObject({ error: {} }) // true
 * isObject([]) // false
 * ```
 */
export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * An own property of an object, or undefined: never one it inherits.
 *
 * @example
 * ```ts
 * own(JSON.parse('{"__proto__":1}'), '__proto__') // 1
 * own({}, 'toString') // undefined
 * ```
 */
export function own (value: unknown, key: string): unknown {
  return isObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined
}

/**
 * A non-empty string cut to `max` characters, or undefined.
 *
 * @example
 * ```ts
 * text('Not found', 3) // 'Not'
 * text(42, 3) // undefined
 * ```
 */
export function text (value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined
}

/**
 * A string that matches `pattern`, or undefined.
 *
 * @example
 * ```ts
 * matching('not_found', /^[a-z_]+$/) // 'not_found'
 * matching('Not Found', /^[a-z_]+$/) // undefined
 * ```
 */
export function matching (value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined
}
