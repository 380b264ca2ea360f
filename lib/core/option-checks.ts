import { describe } from './describe.js'
import { MisuseError } from './misuse.js'

/**
 * Every key of an options type, each mapped to `true`: the compiler keeps
 * such a map equal to the type, refusing one that leaves a key out or adds
 * one the type does not have (express-rate-limit's `KeysEnum`), so an option
 * added to the type without its key does not compile.
 *
 * @example
 * ```ts
 * const DOCS_KEYS: KnownKeys<DocsOptions> = { path: true, publicUrl: true, title: true, openapi: true }
 * ```
 */
export type KnownKeys<Options> = { readonly [Key in keyof Options]-?: true }

/**
 * How `checkKnownKeys()` names what it refuses.
 *
 * @example
 * ```ts
 * { owner: 'validation' }
 * ```
 */
export interface KeyCheck {
  /** The option whose keys are checked (`validation`); none for an adapter's options object. */
  owner?: string
  /** Keys taken without being listed: those Fastify passes to every plugin. */
  ignored?: readonly string[]
  /** The message, where the keys are no options (the fields of a catalog entry). */
  message?: (key: string, known: readonly string[]) => string
}

/**
 * Throws the setup error of a wrong option.
 *
 * @example
 * ```ts
 * fail('rateLimit.max', 'a positive integer', -1)
 * // MisuseError ERR_ENVELOPE_INVALID_OPTION: error-envelope option "rateLimit.max" must be a positive integer, instead got -1
 * ```
 */
export function fail (name: string, expected: string, given: unknown): never {
  throw new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `error-envelope option "${name}" must be ${expected}, instead got ${describe(given)}`)
}

/**
 * The one check of unknown keys: throws `ERR_ENVELOPE_UNKNOWN_OPTION` for the
 * first own key of `given` that `known` lacks, naming it and listing the
 * known keys. Only own keys of `known` count, so `toString` or `__proto__`
 * is no option.
 *
 * @example
 * ```ts
 * checkKnownKeys({ maxDetail: 5 }, VALIDATION_KEYS, { owner: 'validation' })
 * // MisuseError ERR_ENVELOPE_UNKNOWN_OPTION: error-envelope does not know the option "validation.maxDetail"; known options of validation: maxDetails, status
 * ```
 */
export function checkKnownKeys (given: object, known: Readonly<Record<string, true>>, check: KeyCheck = {}): void {
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(known, key) || check.ignored?.includes(key) === true) continue
    const names = Object.keys(known)
    const message = check.message === undefined ? unknownOption(key, names, check.owner) : check.message(key, names)
    throw new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', message)
  }
}

function unknownOption (key: string, known: readonly string[], owner: string | undefined): string {
  return owner === undefined
    ? `error-envelope does not know the option "${key}"; known options: ${known.join(', ')}`
    : `error-envelope does not know the option "${owner}.${key}"; known options of ${owner}: ${known.join(', ')}`
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
 * nestedOption('validation', { maxDetail: 5 }, { maxDetails: true, status: true })
 * // MisuseError ERR_ENVELOPE_UNKNOWN_OPTION: error-envelope does not know the option "validation.maxDetail"; known options of validation: maxDetails, status
 * ```
 */
export function nestedOption (name: string, value: unknown, known: Readonly<Record<string, true>>): Record<string, unknown> {
  if (value === undefined) return {}
  const given = objectOption(name, value)
  checkKnownKeys(given, known, { owner: name })
  return given
}
