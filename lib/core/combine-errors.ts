import { catalogEntries, catalogOf, defineErrors, isCatalogError, type CatalogEntry, type ErrorCatalog } from './catalog.js'
import { describe } from './describe.js'
import { MisuseError } from './misuse.js'

/** Any catalog made by `defineErrors()` or `combineErrors()`. */
type AnyCatalog = ErrorCatalog<Record<never, never>>

/** The catalog of several: the throwers of each, and the entries of all. */
export type CombinedCatalog<Catalogs extends readonly unknown[]> =
  Catalogs extends readonly [infer First, ...infer Rest] ? First & CombinedCatalog<Rest> : AnyCatalog

// What a catalog says of each built-in code when it describes none.
const plain: ReadonlyMap<string, CatalogEntry> = new Map((catalogEntries(defineErrors({})) as readonly CatalogEntry[]).map((entry) => [entry.code, entry]))

/**
 * One catalog made of several (each module of an API declaring its own
 * errors): every code of each, in order, for the plugin's `catalog`
 * option, the reference page and `doc_url`. A code may be in several
 * catalogs only with the same definition, and a built-in code described
 * by only one of them (or the same way); anything else throws a
 * `TypeError` naming the code. Spreading catalogs (`{ ...a, ...b }`)
 * keeps their throwers but not their entries, so it is no catalog.
 *
 * @example
 * ```ts
 * import { combineErrors, defineErrors } from 'error-envelope'
 *
 * const widgetErrors = defineErrors({ widget_not_found: { status: 404, message: 'Widget {id} not found' } })
 * const billingErrors = defineErrors({ card_declined: { status: 402, message: 'The card was declined', type: 'card_error' } })
 * export const errors = combineErrors(widgetErrors, billingErrors)
 * throw errors.card_declined() // 402 card_declined
 * ```
 */
export function combineErrors<const Catalogs extends readonly AnyCatalog[]> (...catalogs: Catalogs): CombinedCatalog<Catalogs> {
  const chosen = new Map<string, CatalogEntry>()
  for (const [index, catalog] of catalogs.entries()) {
    const entries = catalogEntries(catalog)
    if (entries === undefined) {
      throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `error-envelope: combineErrors() takes catalogs made by defineErrors(), instead got ${describe(catalog)} (argument ${index + 1})`)
    }
    for (const entry of entries) {
      // A built-in code as a catalog leaves it adds nothing.
      if (entry.builtIn && sameEntry(entry, plain.get(entry.code) as CatalogEntry)) continue
      const known = chosen.get(entry.code)
      if (known !== undefined && !sameEntry(known, entry)) {
        throw new MisuseError('ERR_ENVELOPE_INVALID_CATALOG', `error-envelope: combineErrors(): the code "${entry.code}" has two different definitions (argument ${index + 1} and an earlier one); keep one, or give one of the errors another code`)
      }
      chosen.set(entry.code, entry)
    }
  }
  const entries = [...plain.values()].map((entry) => chosen.get(entry.code) ?? entry)
  for (const entry of chosen.values()) if (!entry.builtIn) entries.push(entry)
  return catalogOf(entries) as CombinedCatalog<Catalogs>
}

function sameEntry (a: CatalogEntry, b: CatalogEntry): boolean {
  return a.status === b.status && a.type === b.type && a.title === b.title && a.message === b.message &&
    a.description === b.description && a.fix === b.fix
}

/**
 * Whether a value is catalogs spread into one object (`{ ...a, ...b }`):
 * no catalog, but an object holding errors of catalogs.
 *
 * @example
 * ```ts
 * isSpreadOfCatalogs({ ...widgetErrors, ...billingErrors }) // true
 * isSpreadOfCatalogs(combineErrors(widgetErrors, billingErrors)) // false
 * ```
 */
export function isSpreadOfCatalogs (value: unknown): boolean {
  return typeof value === 'object' && value !== null && catalogEntries(value) === undefined && Object.values(value).some(isCatalogError)
}

/** What to do instead of spreading catalogs, for a message. */
export const SPREAD_HINT = 'spreading catalogs ({ ...a, ...b }) makes no catalog: combine them with combineErrors(a, b)'
