import { check, CHECKS, formatReport, type CheckInfo, type CheckOptions, type CheckReport, type CheckResult, type ReportFormat } from 'error-envelope/check'

const options: CheckOptions = { path: '/widgets/w_1', openapi: { paths: {} }, bodyPath: 'POST /widgets', maxBody: 1048576, headers: { authorization: 'Bearer t' }, only: ['EE01'], skip: ['EE17'] }
const report: CheckReport = await check('http://127.0.0.1:3000', options)
const ok: boolean = report.ok
const first: CheckResult = report.results[0]
const status: 'pass' | 'fail' | 'skip' = first.status
const reason: string | undefined = first.reason
const answered: number | undefined = first.response?.status
const info: CheckInfo = CHECKS[0]
const format: ReportFormat = 'tap'
const text: string = formatReport(report, format)
// @ts-expect-error headers are strings
await check('http://127.0.0.1:3000', { headers: { 'x-count': 1 } })
// @ts-expect-error the format is text, json or tap
formatReport(report, 'xml')
// @ts-expect-error options are known by name
await check('http://127.0.0.1:3000', { timeOut: 5 })
// @ts-expect-error results is the list of results
const wrong: number = report.results

export { ok, status, reason, answered, info, text, wrong }
