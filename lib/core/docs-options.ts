import { catalogEntries, defineErrors, type CatalogEntry } from './catalog.js'
import { isSpreadOfCatalogs, SPREAD_HINT } from './combine-errors.js'
import { MisuseError } from './misuse.js'
import { booleanOption, fail, nestedOption, type KnownKeys } from './option-checks.js'

/**
 * Where the catalog's reference page is served and linked from: `path` on
 * this server (default `/errors`, with the JSON at `/errors.json`), and the
 * public address of the page for `doc_url` (default: `path` alone, a
 * relative URL); `title` names the API on the page; `openapi: true` lists
 * the page's two routes among the paths of the API's OpenAPI document
 * (default false: they document the API, they are not part of it).
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { catalog: errors, docs: { path: '/errors', publicUrl: 'https://api.example.com/errors' } })
 * ```
 */
export interface DocsOptions {
  path?: string
  publicUrl?: string
  title?: string
  openapi?: boolean
}

/** What an answer takes from the catalog: its code's `doc_url` and title. */
export interface CodeDocs {
  /** The `doc_url` of a code of the catalog when it has a page, or undefined. */
  urlOf: (code: string) => string | undefined
  /** The title of a code of the catalog, or undefined. */
  titleOf: (code: string) => string | undefined
  /** Every code of the catalog, built-in ones first. */
  entries: readonly CatalogEntry[]
}

/** The `docs` option after checking: where the page is served. */
export interface DocsSettings extends CodeDocs {
  path: string
  title: string
  /** Whether the OpenAPI document lists the page's routes. */
  openapi: boolean
}

const DOCS_KEYS: KnownKeys<DocsOptions> = { path: true, publicUrl: true, title: true, openapi: true }

/**
 * Checks the `catalog` and `docs` options. Without `docs` there is no page
 * and no `doc_url`; the catalog's titles still name its codes in problem
 * details.
 *
 * @example
 * ```ts
 * normalizeDocsOptions(errors, { publicUrl: 'ftp://x' })
 * // TypeError: error-envelope option "docs.publicUrl" must be an http or https URL without a fragment, instead got "ftp://x"
 * ```
 */
export function normalizeDocsOptions (catalog: unknown, docs: unknown): { codeDocs: CodeDocs, docs: DocsSettings | undefined } {
  const entries = catalog === undefined ? catalogEntries(defineErrors({})) : catalogEntries(catalog)
  if (entries === undefined) {
    if (isSpreadOfCatalogs(catalog)) throw new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `error-envelope option "catalog" must be a catalog made by defineErrors(), instead got catalogs spread into one object; ${SPREAD_HINT}`)
    fail('catalog', 'a catalog made by defineErrors()', catalog)
  }
  const titles = new Map(entries.map((entry) => [entry.code, entry.title]))
  const titleOf = function titleOf (code: string): string | undefined { return titles.get(code) }
  if (docs === undefined) return { codeDocs: { titleOf, entries, urlOf: function noPage () { return undefined } }, docs: undefined }
  const given = nestedOption('docs', docs, DOCS_KEYS)
  const path = given.path ?? '/errors'
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(path) || path.endsWith('/')) fail('docs.path', 'a path such as /errors', path)
  const publicUrl = given.publicUrl
  if (publicUrl !== undefined && !isPageUrl(publicUrl)) fail('docs.publicUrl', 'an http or https URL without a fragment', publicUrl)
  const title = given.title ?? 'this API'
  if (typeof title !== 'string' || title === '') fail('docs.title', 'a non-empty string', title)
  const openapi = booleanOption('docs.openapi', given.openapi, false)
  const base = (publicUrl as string | undefined) ?? path
  const codes = new Set(entries.map((entry) => entry.code))
  const urlOf = function docUrlOf (code: string): string | undefined { return codes.has(code) ? `${base}#${code}` : undefined }
  return { codeDocs: { titleOf, entries, urlOf }, docs: { path, title, openapi, entries, titleOf, urlOf } }
}

/**
 * Whether a value is the public address of a reference page: an http or
 * https URL without a fragment, since each code's `doc_url` adds its own
 * (`#widget_not_found`).
 *
 * @example
 * ```ts
 * isPageUrl('https://api.example.com/errors') // true
 * isPageUrl('https://api.example.com/errors#top') // false
 * ```
 */
export function isPageUrl (value: unknown): boolean {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !value.includes('#')
  } catch {
    return false
  }
}
