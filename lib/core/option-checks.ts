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

/**
 * An object option: left out means its defaults; anything else, `null`
 * included, must be an object whose keys are all known.
 *
 * @example
 * ```ts
 * nestedOption('validation', { maxDetail: 5 }, new Set(['maxDetails', 'status']))
 * // TypeError: error-envelope does not know the option "validation.maxDetail"; known options of validation: maxDetails, status
 * ```
 */
export function nestedOption (name: string, value: unknown, known: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined) return {}
  const given = objectOption(name, value)
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      throw new TypeError(`error-envelope does not know the option "${name}.${key}"; known options of ${name}: ${[...known].join(', ')}`)
    }
  }
  return given
}
