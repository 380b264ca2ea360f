import { readErrorBody, type ErrorBody } from './contract.js'
import type { CheckSettings } from './options.js'
import { probe, type Exchange, type ProbeRequest } from './probe.js'
import { rawProbe } from './raw-probe.js'

/**
 * What a check concluded: pass, fail or skip, why, and the exchange that
 * shows it.
 *
 * @example
 * ```ts
 * const verdict: Verdict = { status: 'skip', reason: 'no --crash-path given' }
 * ```
 */
export interface Verdict {
  status: 'pass' | 'fail' | 'skip'
  reason?: string
  exchange?: Exchange
}

/**
 * What every check is given: the settings, a way to send that records every
 * error answer, and the error answers so far (for the checks that look at
 * every answer of the run).
 *
 * @example
 * ```ts
 * const exchange = await context.send({ method: 'GET', path: context.unknownPath })
 * ```
 */
export interface CheckContext {
  settings: CheckSettings
  unknownPath: string
  answers: Exchange[]
  send: (sent: ProbeRequest) => Promise<Exchange>
  /** Sends on a raw connection, for answers that must have no body (HEAD, 204). */
  sendRaw: (sent: ProbeRequest) => Promise<Exchange>
}

/**
 * A context for one run; `unknownPath` is random, so that no API serves it.
 *
 * @example
 * ```ts
 * const context = checkContext(checkSettings('http://127.0.0.1:3000'))
 * ```
 */
export function checkContext (settings: CheckSettings): CheckContext {
  const answers: Exchange[] = []
  return {
    settings,
    unknownPath: `/error-envelope-check-${Math.random().toString(36).slice(2, 10)}`,
    answers,
    async send (sent) {
      const exchange = await probe(settings.probe, sent)
      if (exchange.response !== undefined && exchange.response.status >= 400 && sent.method !== 'HEAD') answers.push(exchange)
      return exchange
    },
    async sendRaw (sent) {
      return await rawProbe(settings.probe, sent)
    }
  }
}

/**
 * A response in a few words for a reason: `404 text/html`, or why there was
 * none.
 *
 * @example
 * ```ts
 * summary({ request: { method: 'GET', path: '/' }, failure: 'connection refused' }) // 'connection refused'
 * ```
 */
export function summary (exchange: Exchange): string {
  const response = exchange.response
  if (response === undefined) return exchange.failure as string
  return `${response.status} ${response.headers['content-type'] ?? 'without Content-Type'}`
}

/**
 * The error body of an answer with the expected status, or why it is not
 * one.
 *
 * @example
 * ```ts
 * const body = expectError(exchange, [404])
 * if (typeof body === 'string') return { status: 'fail', reason: body, exchange }
 * ```
 */
export function expectError (exchange: Exchange, statuses: number[], extra = ''): ErrorBody | string {
  const response = exchange.response
  if (response === undefined || !statuses.includes(response.status)) {
    return `${summary(exchange)}, expected ${statuses.join(' or ')}${extra}`
  }
  return readErrorBody(response)
}

/**
 * A header's value as one string.
 *
 * @example
 * ```ts
 * header(exchange, 'allow') // 'GET, HEAD'
 * ```
 */
export function header (exchange: Exchange, name: string): string | undefined {
  // Node joins repeated headers into one string (only Set-Cookie stays a list).
  const value = exchange.response?.headers[name]
  return value === undefined ? undefined : String(value)
}

/**
 * A verdict from a check's conclusion: a string is the reason it failed.
 *
 * @example
 * ```ts
 * verdict(exchange, 'no Allow header') // { status: 'fail', reason: 'no Allow header', exchange }
 * ```
 */
export function verdict (exchange: Exchange, failure: string | undefined, note?: string): Verdict {
  return failure === undefined ? { status: 'pass', reason: note, exchange } : { status: 'fail', reason: failure, exchange }
}
