import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { CatalogEntry } from '../core/catalog.js'
import { renderCodeTypes, type CodeTypeEntry } from '../core/code-types.js'

/**
 * The usage of `error-envelope types`, shown with every mistake.
 *
 * @example
 * ```ts
 * process.stderr.write(TYPES_USAGE + '\n')
 * ```
 */
export const TYPES_USAGE = `Usage: error-envelope types <module | URL of /errors.json> [--out <file>]

Writes a TypeScript module of every error code of the API: the ApiErrorCode
union and the apiErrorCodes map from code to status and type, sorted, to
<file> or to standard output. The codes come from the catalog a module
exports (made by defineErrors()) or from the /errors.json a running server
serves beside its reference page.`

/**
 * Where the command writes: the process's streams, or a test's.
 *
 * @example
 * ```ts
 * const output: CommandOutput = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }
 * ```
 */
export interface CommandOutput {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

/**
 * `error-envelope types <module | URL> [--out file]`: the exit code, 0 when
 * the module was written, 2 on a usage mistake or a source without codes.
 * `catalogOf` loads a module's catalog, or says what is wrong.
 *
 * @example
 * ```ts
 * await typesCommand(['http://127.0.0.1:3000/errors.json', '--out', 'api-errors.ts'], catalogOf, output) // 0
 * ```
 */
export async function typesCommand (argv: string[], catalogOf: (module: string) => Promise<readonly CatalogEntry[] | string>, output: CommandOutput): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } })
  } catch (error) {
    return usage(output, (error as Error).message)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1) return usage(output, 'expected: types <module | URL of /errors.json>')
  const source = positionals[0]
  const entries = /^https?:\/\//.test(source) ? await servedCodes(source) : await catalogOf(source)
  if (typeof entries === 'string') return usage(output, entries)
  const module = renderCodeTypes(entries)
  if (values.out === undefined) output.stdout(module)
  else writeFileSync(values.out, module)
  return 0
}

// The codes of a served /errors.json, or what is wrong.
async function servedCodes (url: string): Promise<readonly CodeTypeEntry[] | string> {
  let json: unknown
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) })
    if (!response.ok) return `${url} answered ${response.status}`
    json = await response.json()
  } catch (error) {
    return `cannot read ${url}: ${(error as Error).message}`
  }
  const list = (json as { errors?: unknown } | null)?.errors
  if (!Array.isArray(list) || list.length === 0) return `${url} serves no "errors" list of a catalog`
  return list as CodeTypeEntry[]
}

function usage (output: CommandOutput, problem: string): number {
  output.stderr(`error-envelope: ${problem}\n\n${TYPES_USAGE}\n`)
  return 2
}
