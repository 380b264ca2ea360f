import type { CheckReport } from './run.js'

/**
 * A report in TAP 14: one test point per check, a skip directive with its
 * reason, and a YAML block under each failure.
 *
 * @example
 * ```ts
 * formatTap(report)
 * // TAP version 14
 * // 1..17
 * // ok 1 - EE01 unknown path answers 404 in the contract
 * // not ok 3 - EE03 wrong method on a known path answers 405 with Allow
 * //   ---
 * //   reason: "DELETE /orders/o_1: 404 text/html, expected 405 with Allow"
 * //   docs: "error-envelope/docs/check.md#ee03"
 * //   ...
 * ```
 */
export function formatTap (report: CheckReport): string {
  const lines = ['TAP version 14', `1..${report.results.length}`]
  report.results.forEach((result, index) => {
    const point = `${result.status === 'fail' ? 'not ok' : 'ok'} ${index + 1} - ${result.id} ${result.title}`
    if (result.status === 'skip') {
      lines.push(`${point} # SKIP ${(result.reason as string).replace(/[\r\n#]/g, ' ')}`)
      return
    }
    lines.push(point)
    if (result.status === 'fail') {
      lines.push('  ---', `  reason: ${JSON.stringify(result.reason)}`, `  docs: ${JSON.stringify(`error-envelope/${result.docs}`)}`)
      if (result.request !== undefined) lines.push(`  request: ${JSON.stringify(`${result.request.method} ${result.request.path}`)}`)
      if (result.response !== undefined) lines.push(`  status: ${result.response.status}`)
      lines.push('  ...')
    }
  })
  return lines.join('\n') + '\n'
}
