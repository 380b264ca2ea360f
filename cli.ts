#!/usr/bin/env node
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { catalogEntries, type CatalogEntry } from './lib/core/catalog.js'
import { renderCatalogHtml, renderCatalogMarkdown } from './lib/core/catalog-page.js'
import { isSpreadOfCatalogs, SPREAD_HINT } from './lib/core/combine-errors.js'
import { publicUrlProblem, writePage } from './lib/cli/docs-output.js'
import { typesCommand } from './lib/cli/types-command.js'
import { checkCommand, CHECK_USAGE } from './lib/check/command.js'

const USAGE = `Usage: error-envelope docs <module> [--out <file>] [--format html|md] [--public-url <url>] [--title <name>]

Writes the "Errors" reference page of the catalog that <module> exports
(made by defineErrors(): its default export, else its export named
"errors", else its one catalog export), as HTML or Markdown, to <file> or
to standard output.

       error-envelope types <module | URL of /errors.json> [--out <file>]

Writes the ApiErrorCode union and a map from code to status and type.

${CHECK_USAGE}`

/**
 * The `error-envelope` command: `error-envelope docs ./errors.js --out
 * errors.html` writes a catalog's reference page without a server;
 * `error-envelope check <url>` probes a running API's error answers.
 *
 * @example
 * ```sh
 * npx error-envelope docs ./dist/errors.js --out public/errors.html --public-url https://api.example.com/errors
 * npx error-envelope docs ./dist/errors.js --format md > docs/errors.md
 * npx error-envelope check http://localhost:3000 --path /orders/o_1 --openapi ./openapi.json
 * ```
 */
async function main (argv: string[]): Promise<number> {
  if (argv[0] === 'types') return await typesCommand(argv.slice(1), catalogOf, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) })
  if (argv[0] === 'check') {
    const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), colour: process.stdout.isTTY === true }
    return await checkCommand(argv.slice(1), io)
  }
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, format: { type: 'string', default: 'html' }, 'public-url': { type: 'string' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
    })
  } catch (error) {
    return usage((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  if (positionals[0] !== 'docs' || positionals.length !== 2) return usage('expected: docs <module>, types <module | url> or check <url>')
  if (values.format !== 'html' && values.format !== 'md') return usage(`--format is html or md, not "${String(values.format)}"`)
  const urlProblem = publicUrlProblem(values['public-url'])
  if (urlProblem !== undefined) return usage(urlProblem)
  const entries = await catalogOf(positionals[1])
  if (typeof entries === 'string') return usage(entries)
  const base = values['public-url'] ?? ''
  const urlOf = (code: string): string => `${base}#${code}`
  const page = values.format === 'md' ? renderCatalogMarkdown(entries, urlOf, values.title) : renderCatalogHtml(entries, urlOf, values.title)
  if (values.out === undefined) process.stdout.write(page)
  const writeProblem = values.out === undefined ? undefined : writePage(values.out, page)
  if (writeProblem === undefined) return 0
  process.stderr.write(`error-envelope: ${writeProblem}\n`)
  return 1
}

// The catalog a module exports, or what is wrong.
async function catalogOf (module: string): Promise<readonly CatalogEntry[] | string> {
  let exported: Record<string, unknown>
  try {
    exported = await import(pathToFileURL(resolve(module)).href) as Record<string, unknown>
  } catch (error) {
    return `cannot load ${module}: ${(error as Error).message}`
  }
  const candidates = [exported.default, exported.errors]
  for (const candidate of candidates) {
    const entries = catalogEntries(candidate)
    if (entries !== undefined) return entries
  }
  const found = Object.values(exported).map(catalogEntries).filter((entries) => entries !== undefined)
  if (found.length === 1) return found[0] as readonly CatalogEntry[]
  return found.length === 0
    ? `${module} exports no catalog made by defineErrors()${Object.values(exported).some(isSpreadOfCatalogs) ? `; ${SPREAD_HINT}` : ''}`
    : `${module} exports ${found.length} catalogs; export the one to document as default or as "errors"`
}

function usage (problem: string): number {
  process.stderr.write(`error-envelope: ${problem}\n\n${USAGE}\n`)
  return 2
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error: unknown) => {
  process.stderr.write(`error-envelope: ${String(error)}\n`)
  process.exitCode = 1
})
