import { isErrorStatus } from './code-table.js'

/**
 * What the code types module says of one code: a `CatalogEntry` or an item
 * of `/errors.json` has these fields.
 *
 * @example
 * ```ts
 * const entry: CodeTypeEntry = { code: 'not_found', status: 404, type: 'invalid_request_error' }
 * ```
 */
export interface CodeTypeEntry {
  code: string
  status: number
  type: string
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,63}$/

/**
 * The TypeScript module of a catalog's codes, for a client in another
 * repository: the `ApiErrorCode` union and the `apiErrorCodes` map from each
 * code to its status and type, sorted by code, the same text for the same
 * codes. Entries that are not a code, a status and a type are left out.
 *
 * @example
 * ```ts
 * renderCodeTypes([{ code: 'not_found', status: 404, type: 'invalid_request_error' }])
 * // export type ApiErrorCode =\n  | 'not_found'\n\nexport const apiErrorCodes = {\n  not_found: { status: 404, type: 'invalid_request_error' }\n} as const\n
 * ```
 */
export function renderCodeTypes (entries: readonly CodeTypeEntry[]): string {
  const byCode = new Map<string, CodeTypeEntry>()
  for (const entry of entries) {
    if (IDENTIFIER.test(entry.code) && isErrorStatus(entry.status) && IDENTIFIER.test(entry.type)) byCode.set(entry.code, entry)
  }
  const sorted = [...byCode.values()].sort((a, b) => a.code < b.code ? -1 : 1)
  return [
    '// The error codes of the API, written by `npx error-envelope types`. Do not edit: run it again.',
    '',
    '/** Every code an error response of the API can carry. */',
    'export type ApiErrorCode =',
    ...(sorted.length === 0 ? ['  never'] : sorted.map((entry) => `  | '${entry.code}'`)),
    '',
    '/** The status and type of each code. */',
    'export const apiErrorCodes = {',
    sorted.map((entry) => `  ${entry.code}: { status: ${entry.status}, type: '${entry.type}' }`).join(',\n'),
    '} as const satisfies Record<ApiErrorCode, { status: number, type: string }>',
    ''
  ].join('\n')
}
