import type { CheckReport } from './run.js'

const MARKS = { pass: '✓', fail: '✗', skip: '-' }
const COLOURS = { pass: '\u001b[32m', fail: '\u001b[31m', skip: '\u001b[33m' }
const RESET = '\u001b[0m'

/**
 * A report as lines for people: a mark, the id and the title of each check,
 * the reason under a failure, and the counts. Colours only when asked (the
 * command asks on a terminal).
 *
 * @example
 * ```ts
 * formatText(report, false)
 * // ✓ EE01 unknown path answers 404 in the contract
 * // ✗ EE03 wrong method on a known path answers 405 with Allow
 * //   DELETE /orders/o_1: 404 text/html, expected 405 with Allow
 * //   fix: error-envelope/docs/check.md#ee03
 * // …
 * // 12 passed, 3 failed, 2 skipped
 * ```
 */
export function formatText (report: CheckReport, colour: boolean): string {
  const paint = (status: keyof typeof MARKS, text: string): string => colour ? `${COLOURS[status]}${text}${RESET}` : text
  const lines: string[] = []
  for (const result of report.results) {
    const skipped = result.status === 'skip' ? ` (skipped: ${result.reason as string})` : ''
    lines.push(`${paint(result.status, MARKS[result.status])} ${result.id} ${result.title}${skipped}`)
    if (result.status === 'fail') lines.push(`  ${result.reason as string}`, `  fix: error-envelope/${result.docs}`)
    if (result.status === 'pass' && result.reason !== undefined) lines.push(`  ${result.reason}`)
  }
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`)
  return lines.join('\n') + '\n'
}
