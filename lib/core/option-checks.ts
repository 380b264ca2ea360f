import { describe } from './describe.js'

/**
 * Throws the registration error of a wrong option.
 *
 * @example
 * ```ts
 * fail('rateLimit.max', 'a positive integer', -1)
 * // TypeError: error-envelope option "rateLimit.max" must be a positive integer, instead got -1
 * ```
 */
export function fail (name: string, expected: string, given: unknown): never {
  throw new TypeError(`error-envelope option "${name}" must be ${expected}, instead got ${describe(given)}`)
}

/**
 * The value of an option that must be a plain object.
 */
export function objectOption (name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'an object', value)
  return value as Record<string, unknown>
}

/**
 * The value of a boolean option, or its default.
 */
export function booleanOption (name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(name, 'a boolean', value)
  return value
}
