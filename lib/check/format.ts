import { formatTap } from './format-tap.js'
import { formatText } from './format-text.js'
import type { CheckReport } from './run.js'

/**
 * The output formats of `error-envelope check --format`.
 *
 * @example
 * ```ts
 * const format: ReportFormat = 'tap'
 * ```
 */
export type ReportFormat = 'text' | 'json' | 'tap'

/**
 * A report written out: `text` for people (colours when `colour` is true),
 * `json` (the report object: one result per check with its id, status,
 * request, response summary and reason) or `tap`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(await check(url), 'json'))
 * ```
 */
export function formatReport (report: CheckReport, format: ReportFormat, colour = false): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n'
  if (format === 'tap') return formatTap(report)
  return formatText(report, colour)
}
