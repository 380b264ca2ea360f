import { ApiError, isIdentifier, type ApiErrorOptions } from './api-error.js'
import { defaultCodes, isErrorStatus, specialCodes, type CodeEntry } from './codes.js'
import { describe } from './describe.js'
import { MisuseError } from './misuse.js'
import { checkKnownKeys, type KnownKeys } from './option-checks.js'

/**
 * One error of an API's catalog: its status, its message (with `{name}`
 * placeholders for the values each occurrence fills in), and what its
 * reference page says of it.
 *
 * @example
 * ```ts
 * const entry: ErrorDefinition = { status: 404, message: 'Widget {id} not found', title: 'Widget not found', fix: 'List widgets with GET /widgets.' }
 * ```
 */
export interface ErrorDefinition {
  /** 400-599. */
  status: number
  /** What the client reads; `{name}` is filled in from the thrower's values. */
  message: string
  /** The category; default the status's (`invalid_request_error`, `api_error`...). */
  type?: string
  /** A short name for the reference page; default the message. */
  title?: string
  /** What it means: the cause, for the reference page. */
  description?: string
  /** What a client can do about it, for the reference page. */
  fix?: string
}

/**
 * What a catalog may say of a built-in code (`not_found`,
 * `validation_failed`...): its page entry, not its status.
 *
 * @example
 * ```ts
 * defineErrors({ not_found: { description: 'No route or resource has this path.' } })
 * ```
 */
export interface BuiltInDescription {
  status?: number
  title?: string
  description?: string
  fix?: string
}

/** The names of the `{placeholders}` of a message, as a union type. */
export type Placeholders<Message extends string> =
  Message extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never

/** The values a message's placeholders take. */
export type PlaceholderValues<Message extends string> = { [Name in Placeholders<Message>]: string | number }

/** The function that makes one catalog error: typed from its message. */
export type Thrower<Definition> = Definition extends { message: infer Message extends string }
  ? [Placeholders<Message>] extends [never]
      ? (values?: Record<string, never>, options?: ApiErrorOptions) => ApiError
      : (values: PlaceholderValues<Message>, options?: ApiErrorOptions) => ApiError
  : never

/** One entry of a catalog as its page and `/errors.json` show it. */
export interface CatalogEntry {
  code: string
  status: number
  type: string
  title: string
  message: string
  description?: string
  fix?: string
  /** Whether the package itself answers with this code. */
  builtIn: boolean
}

const kEntries = Symbol.for('error-envelope.catalog')
// The entry of a catalog's thrower: how a spread of catalogs is recognised.
const kEntry = Symbol.for('error-envelope.catalog-error')

/** A catalog made by `defineErrors()`: a thrower per entry. */
export type ErrorCatalog<Definitions = Record<string, ErrorDefinition>> = {
  readonly [Code in keyof Definitions as Definitions[Code] extends ErrorDefinition ? Code : never]: Thrower<Definitions[Code]>
} & { readonly [kEntries]: readonly CatalogEntry[] }

const ENTRY_KEYS: KnownKeys<ErrorDefinition> = { status: true, message: true, type: true, title: true, description: true, fix: true }
const BUILT_IN_KEYS: KnownKeys<BuiltInDescription> = { status: true, title: true, description: true, fix: true }
const PLACEHOLDER = /\{([^{}]*)\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const builtIns: ReadonlyMap<string, CodeEntry> = new Map(
  [...Object.values(defaultCodes), ...Object.values(specialCodes)].map((entry) => [entry.code, entry])
)

/**
 * Declares an API's errors once: each entry becomes a function that makes
 * its `ApiError` (`errors.widget_not_found({ id })`), typed from the
 * message's placeholders, and the catalog feeds the reference page, the
 * `doc_url` of every envelope and `/errors.json`. The built-in codes are
 * part of every catalog; an entry may describe one, never give it another
 * status. Checked when made: a wrong entry throws a `MisuseError` (a
 * `TypeError`, code `ERR_ENVELOPE_INVALID_CATALOG`) naming it.
 * The catalogs of several modules become one with `combineErrors()`.
 *
 * @example
 * ```ts
 * import { defineErrors } from 'error-envelope'
 *
 * export const errors = defineErrors({
 *   widget_not_found: { status: 404, message: 'Widget {id} not found', title: 'Widget not found',
 *     description: 'No widget has this id, or it was deleted.', fix: 'List widgets with GET /widgets and use one of their ids.' }
 * })
 * throw errors.widget_not_found({ id: 'w_1' }, { param: 'id' }) // 404 widget_not_found "Widget w_1 not found"
 * ```
 */
export function defineErrors<const Definitions extends Record<string, ErrorDefinition | BuiltInDescription>> (definitions: Definitions): ErrorCatalog<Definitions> {
  if (typeof definitions !== 'object' || definitions === null || Array.isArray(definitions)) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `error-envelope: defineErrors() takes an object of error definitions, instead got ${describe(definitions)}`)
  }
  const described = new Map<string, BuiltInDescription>()
  const own: CatalogEntry[] = []
  for (const [code, definition] of Object.entries(definitions)) {
    if (isCatalogError(definition)) {
      throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `error-envelope: defineErrors() entry "${code}" is an error of a catalog, not a definition; spreading catalogs ({ ...a, ...b }) makes no catalog: combine them with combineErrors(a, b)`)
    }
    const builtIn = builtIns.get(code)
    if (builtIn !== undefined) {
      described.set(code, checkBuiltIn(code, definition, builtIn))
      continue
    }
    own.push(checkEntry(code, definition))
  }
  return catalogOf([
    ...[...builtIns.values()].map((entry) => builtInEntry(entry, described.get(entry.code))),
    ...own
  ]) as ErrorCatalog<Definitions>
}

/**
 * The frozen catalog of checked entries, built-in codes first: a thrower
 * per code of its own, and the entries for its page.
 *
 * @example
 * ```ts
 * catalogOf(catalogEntries(errors) ?? [])
 * ```
 */
export function catalogOf (entries: readonly CatalogEntry[]): object {
  const catalog: Record<string | symbol, unknown> = {}
  for (const entry of entries) if (!entry.builtIn) catalog[entry.code] = thrower(entry)
  Object.defineProperty(catalog, kEntries, { value: Object.freeze([...entries]) })
  return Object.freeze(catalog)
}

/**
 * Whether a value is one error of a catalog (`errors.widget_not_found`),
 * as a spread of catalogs (`{ ...a, ...b }`) holds them.
 *
 * @example
 * ```ts
 * isCatalogError(errors.widget_not_found) // true
 * isCatalogError({ status: 404, message: 'x' }) // false
 * ```
 */
export function isCatalogError (value: unknown): boolean {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[kEntry] !== undefined
}

/**
 * The entries of a catalog, built-in codes first, for its page and JSON.
 *
 * @example
 * ```ts
 * catalogEntries(errors).find((entry) => entry.code === 'widget_not_found')?.status // 404
 * ```
 */
export function catalogEntries (catalog: unknown): readonly CatalogEntry[] | undefined {
  const entries = typeof catalog === 'object' && catalog !== null ? (catalog as Record<symbol, unknown>)[kEntries] : undefined
  return Array.isArray(entries) ? entries as CatalogEntry[] : undefined
}

/**
 * A catalog message as an example shows it: each `{name}` placeholder filled
 * with a sample value that reads as one (`example-name`), so that no
 * document shows a raw placeholder a client would never receive.
 *
 * @example
 * ```ts
 * sampleMessage('Widget {id} not found') // 'Widget example-id not found'
 * ```
 */
export function sampleMessage (message: string): string {
  return message.replace(PLACEHOLDER, function sample (_all, placeholder: string) { return `example-${placeholder}` })
}

function checkEntry (code: string, definition: unknown): CatalogEntry {
  const name = `error-envelope: defineErrors() entry "${code}"`
  if (!isIdentifier(code)) throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: a code is lower-case letters, digits and underscores, starting with a letter, at most 64`)
  const given = fields(name, definition, ENTRY_KEYS)
  const status = given.status
  if (!isErrorStatus(status)) throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: status must be an integer from 400 to 599, instead got ${describe(status)}`)
  const message = given.message
  if (typeof message !== 'string' || message === '') throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: message must be a non-empty string, instead got ${describe(message)}`)
  for (const [, placeholder] of message.matchAll(PLACEHOLDER)) {
    if (!NAME.test(placeholder)) throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: the placeholder {${placeholder}} of its message is not a name (letters, digits and underscores)`)
  }
  if (given.type !== undefined && !isIdentifier(given.type)) throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: type must be lower-case letters, digits and underscores, instead got ${describe(given.type)}`)
  const entry: CatalogEntry = {
    code,
    status,
    type: (given.type as string | undefined) ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    title: text(name, 'title', given.title) ?? message,
    message,
    builtIn: false
  }
  const description = text(name, 'description', given.description)
  const fix = text(name, 'fix', given.fix)
  if (description !== undefined) entry.description = description
  if (fix !== undefined) entry.fix = fix
  return entry
}

function checkBuiltIn (code: string, definition: unknown, builtIn: CodeEntry): BuiltInDescription {
  const name = `error-envelope: defineErrors() entry "${code}"`
  const only = `"${code}" is a built-in code, which an entry may only describe with title, description, fix and its status ${builtIn.status}`
  const given = fields(name, definition, ENTRY_KEYS, function unknownForBuiltIn (key) {
    return `${name}: ${only}, instead got the field "${key}"`
  })
  // A field other entries have, but whose value a built-in code keeps.
  const own = Object.keys(given).find((key) => !Object.hasOwn(BUILT_IN_KEYS, key))
  if (own !== undefined) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: ${only}, instead got the field "${own}": its ${own} is the package's own; for another ${own}, give your error a code of its own`)
  }
  if (given.status !== undefined && given.status !== builtIn.status) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: ${code} is a built-in code of status ${builtIn.status}; describe it, or give your error another code`)
  }
  return { title: text(name, 'title', given.title), description: text(name, 'description', given.description), fix: text(name, 'fix', given.fix) }
}

function builtInEntry (entry: CodeEntry, described: BuiltInDescription | undefined): CatalogEntry {
  const shown: CatalogEntry = { code: entry.code, status: entry.status, type: entry.type, title: described?.title ?? entry.message, message: entry.message, builtIn: true }
  if (described?.description !== undefined) shown.description = described.description
  if (described?.fix !== undefined) shown.fix = described.fix
  return shown
}

function fields (name: string, value: unknown, known: Readonly<Record<string, true>>, unknown = function unknownField (key: string, names: readonly string[]): string {
  return `${name}: unknown field "${key}"; known fields: ${names.join(', ')}`
}): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name} must be an object, instead got ${describe(value)}`)
  checkKnownKeys(value, known, { message: unknown })
  return value as Record<string, unknown>
}

function text (name: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `${name}: ${field} must be a non-empty string, instead got ${describe(value)}`)
  return value
}

function thrower (entry: CatalogEntry): (values?: Record<string, unknown>, options?: ApiErrorOptions) => ApiError {
  return Object.defineProperty(function makeCatalogError (values?: Record<string, unknown>, options: ApiErrorOptions = {}) {
    const message = entry.message.replace(PLACEHOLDER, function fill (_all, placeholder: string) {
      const value = values?.[placeholder]
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new MisuseError('ERR_ENVELOPE_INVALID_ERROR', `error-envelope: the catalog error "${entry.code}" needs a value for {${placeholder}}, instead got ${describe(value)}`)
      }
      return String(value)
    })
    return new ApiError(entry.status, message, { ...options, code: entry.code, type: entry.type })
  }, kEntry, { value: entry })
}
