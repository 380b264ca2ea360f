import { CHECKS, type CheckInfo } from './checks.js'
import { answerChecks } from './answer-checks.js'
import { bodyChecks } from './body-checks.js'
import { checkContext, summary, type Verdict } from './context.js'
import { headerChecks } from './header-checks.js'
import { checkSettings, type CheckOptions } from './options.js'
import type { Exchange } from './probe.js'
import { routingChecks } from './routing-checks.js'

/**
 * The outcome of one check: its table entry, pass, fail or skip, why, and
 * the request and answer that show it.
 *
 * @example
 * ```ts
 * const result: CheckResult = { id: 'EE02', title: 'HEAD on an unknown path answers 404 without a body', status: 'pass', docs: 'docs/check.md#ee02' }
 * ```
 */
export interface CheckResult {
  id: string
  title: string
  status: 'pass' | 'fail' | 'skip'
  reason?: string
  /** The anchor of the check's section, relative to the package root. */
  docs: string
  request?: { method: string, path: string, headers?: Record<string, string> }
  response?: { status: number, contentType?: string, bytes: number, truncated: boolean }
}

/**
 * Every result of a run, with the counts; `ok` is true when no check that
 * ran failed.
 *
 * @example
 * ```ts
 * const report = await check('http://127.0.0.1:3000')
 * if (!report.ok) console.log(report.results.filter((result) => result.status === 'fail'))
 * ```
 */
export interface CheckReport {
  url: string
  ok: boolean
  passed: number
  failed: number
  skipped: number
  results: CheckResult[]
}

const IMPLEMENTATIONS = { ...routingChecks, ...bodyChecks, ...headerChecks, ...answerChecks }
const UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']

/**
 * Runs the checks against a running API and returns every result. It
 * rejects only for a wrong option (a TypeError naming it) or a server that
 * cannot be reached at all (an Error with code `ERR_CHECK_UNREACHABLE`);
 * anything the server does wrong is a failed check with a reason.
 *
 * @example
 * ```ts
 * import { check } from 'error-envelope/check'
 *
 * const report = await check('http://127.0.0.1:3000', { path: '/widgets/w_1', crashPath: '/crash' })
 * report.ok // true when every check that ran passed
 * ```
 */
export async function check (url: string, options: CheckOptions = {}): Promise<CheckReport> {
  const settings = checkSettings(url, options)
  const context = checkContext(settings)
  const first = await context.send({ method: 'GET', path: context.unknownPath })
  if (first.response === undefined && UNREACHABLE.includes(first.failureCode ?? '')) {
    throw Object.assign(new Error(`cannot reach ${url}: ${summary(first)}`), { code: 'ERR_CHECK_UNREACHABLE' })
  }
  context.answers.length = 0
  const results: CheckResult[] = []
  for (const info of CHECKS) {
    const verdict: Verdict = settings.runs(info.id)
      ? await IMPLEMENTATIONS[info.id](context)
      : { status: 'skip', reason: 'not selected' }
    results.push(result(info, verdict))
  }
  const count = (status: CheckResult['status']): number => results.filter((one) => one.status === status).length
  return { url, ok: count('fail') === 0, passed: count('pass'), failed: count('fail'), skipped: count('skip'), results }
}

function result (info: CheckInfo, verdict: Verdict): CheckResult {
  const one: CheckResult = { id: info.id, title: info.title, status: verdict.status, docs: info.docs }
  if (verdict.reason !== undefined) one.reason = verdict.reason
  if (verdict.exchange !== undefined) Object.assign(one, exchangeSummary(verdict.exchange))
  return one
}

function exchangeSummary (exchange: Exchange): Pick<CheckResult, 'request' | 'response'> {
  const sent = exchange.request
  const request: CheckResult['request'] = { method: sent.method, path: sent.path }
  if (sent.headers !== undefined) request.headers = Object.fromEntries(Object.entries(sent.headers).map(([name, value]) => [name, value.length > 100 ? `${value.slice(0, 100)}… (${value.length} characters)` : value]))
  const got = exchange.response
  if (got === undefined) return { request }
  const type = got.headers['content-type']
  return { request, response: { status: got.status, ...(type === undefined ? {} : { contentType: type }), bytes: Buffer.byteLength(got.body), truncated: got.truncated } }
}
