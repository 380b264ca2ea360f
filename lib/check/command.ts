import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatReport, type ReportFormat } from './format.js'
import type { CheckOptions } from './options.js'
import { check } from './run.js'

/**
 * The usage of `error-envelope check`.
 *
 * @example
 * ```ts
 * process.stdout.write(CHECK_USAGE)
 * ```
 */
export const CHECK_USAGE = `Usage: error-envelope check <url> [options]

Probes a running API's error answers from outside and checks each one
against the error envelope or problem details contract.

  --path <path>              a path the API serves with GET
  --openapi <file>           the API's OpenAPI 3 document (JSON): known
                             paths, methods and the request body schema
  --body-path '[METHOD] <path>'  a route that takes a JSON body (POST)
  --rate-limit-path <path>   a rate-limited GET route
  --rate-limit-tries <n>     requests sent to it before giving up (100)
  --crash-path <path>        a GET route whose handler throws
  --max-body <bytes>         the API's body limit (the 413 check)
  --header 'Name: value'     sent with every request (repeatable)
  --only <ids>, --skip <ids> check ids, comma-separated (repeatable)
  --timeout <ms>             per request, answer read (5000)
  --format text|json|tap     the output (text)

Exit code: 0 when every check that ran passed, 1 when one failed, 2 for a
usage error or an unreachable server. Each check: error-envelope/docs/check.md
`

/**
 * Where the command writes, and whether standard output is a terminal (for
 * colours).
 *
 * @example
 * ```ts
 * const io: CommandIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), colour: process.stdout.isTTY === true }
 * ```
 */
export interface CommandIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  colour: boolean
}

const FLAGS = {
  path: { type: 'string' },
  openapi: { type: 'string' },
  'body-path': { type: 'string' },
  'rate-limit-path': { type: 'string' },
  'rate-limit-tries': { type: 'string' },
  'crash-path': { type: 'string' },
  'max-body': { type: 'string' },
  header: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  format: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h' }
} as const

/**
 * Runs `error-envelope check <url> …` and returns the exit code: 0 every
 * check that ran passed, 1 one failed, 2 a usage error or an unreachable
 * server.
 *
 * @example
 * ```ts
 * process.exitCode = await checkCommand(['http://127.0.0.1:3000', '--path', '/widgets/w_1'], io)
 * ```
 */
export async function checkCommand (argv: string[], io: CommandIo): Promise<number> {
  const usage = (problem: string): number => {
    io.stderr(`error-envelope check: ${problem}\n\n${CHECK_USAGE}`)
    return 2
  }
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: FLAGS })
  } catch (error) {
    return usage((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    io.stdout(CHECK_USAGE)
    return 0
  }
  if (positionals.length !== 1) return usage('expected one URL')
  const format = values.format as ReportFormat
  if (!['text', 'json', 'tap'].includes(format)) return usage(`--format is text, json or tap, not "${format}"`)
  const options = optionsOf(values)
  if (typeof options === 'string') return usage(options)
  try {
    const report = await check(positionals[0], options)
    io.stdout(formatReport(report, format, io.colour && format === 'text'))
    return report.ok ? 0 : 1
  } catch (error) {
    // A wrong option is a usage error; a server out of reach is not one.
    if ((error as { code?: string }).code !== 'ERR_CHECK_UNREACHABLE') return usage((error as Error).message)
    io.stderr(`error-envelope check: ${(error as Error).message}\n`)
    return 2
  }
}

type Values = Record<string, string | string[] | boolean | undefined>

// The check() options the flags give, or what is wrong with one.
function optionsOf (values: Values): CheckOptions | string {
  const options: CheckOptions = {
    path: values.path as string | undefined,
    bodyPath: values['body-path'] as string | undefined,
    rateLimitPath: values['rate-limit-path'] as string | undefined,
    crashPath: values['crash-path'] as string | undefined,
    only: listOf(values.only),
    skip: listOf(values.skip)
  }
  for (const [flag, key] of [['max-body', 'maxBody'], ['timeout', 'timeout'], ['rate-limit-tries', 'rateLimitTries']] as const) {
    const value = values[flag] as string | undefined
    if (value === undefined) continue
    if (!/^\d+$/.test(value)) return `--${flag} is a whole number, not "${value}"`
    options[key] = Number(value)
  }
  const headers: Record<string, string> = {}
  for (const line of (values.header ?? []) as string[]) {
    const colon = line.indexOf(':')
    if (colon < 1) return `--header is 'Name: value', not "${line}"`
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  options.headers = headers
  const file = values.openapi as string | undefined
  if (file !== undefined) {
    try {
      options.openapi = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      return `cannot read the OpenAPI document ${file} (JSON): ${(error as Error).message}`
    }
  }
  for (const key of Object.keys(options) as Array<keyof CheckOptions>) if (options[key] === undefined) delete options[key]
  return options
}

function listOf (value: Values[string]): string[] | undefined {
  return value === undefined ? undefined : (value as string[]).flatMap((item) => item.split(',')).map((id) => id.trim()).filter((id) => id !== '')
}
