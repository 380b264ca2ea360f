import { expectError, header, summary, verdict, type CheckContext, type Verdict } from './context.js'
import { leak } from './leaks.js'

const ID = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/
// Values a server must not echo: too long, not ASCII, spaces, markup.
const HOSTILE = ['a'.repeat(10_240), 'caf\u00e9-\u00ff', 'id with spaces', '"><script>alert(1)</script>']

/**
 * EE10 and EE14 to EE16: request ids, content negotiation, rate limits and
 * masked crashes.
 *
 * @example
 * ```ts
 * const verdict = await headerChecks.EE10(context)
 * ```
 */
export const headerChecks: Record<string, (context: CheckContext) => Promise<Verdict>> = {
  async EE10 (context) {
    const valid = `check-${Math.random().toString(36).slice(2, 12)}`
    const echoed = await context.send({ method: 'GET', path: context.unknownPath, headers: { 'x-request-id': valid } })
    const body = expectError(echoed, [404])
    if (typeof body === 'string') return verdict(echoed, body)
    if (header(echoed, 'x-request-id') !== valid || body.requestId !== valid) {
      return verdict(echoed, `sent X-Request-Id ${valid}; got ${header(echoed, 'x-request-id') ?? 'no header'} and request_id ${body.requestId}`)
    }
    for (const hostile of HOSTILE) {
      const exchange = await context.send({ method: 'GET', path: context.unknownPath, headers: { 'x-request-id': hostile } })
      const answered = header(exchange, 'x-request-id')
      const shown = JSON.stringify(hostile.length > 40 ? `${hostile.slice(0, 20)}… (${hostile.length} characters)` : hostile)
      if (exchange.response === undefined) return verdict(exchange, `X-Request-Id ${shown}: ${summary(exchange)}`)
      if (answered === undefined || answered === hostile || !ID.test(answered)) {
        return verdict(exchange, `X-Request-Id ${shown} answered ${answered === undefined ? 'without X-Request-Id' : `with X-Request-Id ${JSON.stringify(answered.slice(0, 40))}`}, expected a fresh valid id`)
      }
    }
    return verdict(echoed, undefined)
  },
  async EE14 (context) {
    const exchange = await context.send({ method: 'GET', path: context.unknownPath, headers: { accept: 'application/problem+json' } })
    const body = expectError(exchange, [404])
    if (typeof body === 'string') return verdict(exchange, body)
    return verdict(exchange, undefined, body.format === 'problem' ? 'negotiates: answered problem details' : 'does not negotiate: answered the envelope')
  },
  async EE15 (context) {
    const path = context.settings.rateLimitPath
    if (path === undefined) return { status: 'skip', reason: 'no rate-limited route given (--rate-limit-path)' }
    const tries = context.settings.rateLimitTries
    for (let tried = 1; tried <= tries; tried++) {
      const exchange = await context.send({ method: 'GET', path })
      if (exchange.response === undefined) return verdict(exchange, `GET ${path}: ${summary(exchange)}`)
      if (exchange.response.status !== 429) continue
      const body = expectError(exchange, [429])
      const retryAfter = header(exchange, 'retry-after')
      const headers = ['ratelimit', 'ratelimit-limit', 'x-ratelimit-limit'].filter((name) => header(exchange, name) !== undefined)
      let failure: string | undefined
      if (typeof body === 'string') failure = body
      else if (retryAfter === undefined || (!/^\d+$/.test(retryAfter) && Number.isNaN(Date.parse(retryAfter)))) failure = `Retry-After is ${retryAfter === undefined ? 'missing' : JSON.stringify(retryAfter)}, expected seconds or a date`
      else if (headers.length === 0) failure = 'no RateLimit, RateLimit-Limit or X-RateLimit-Limit header'
      return verdict(exchange, failure)
    }
    return { status: 'fail', reason: `GET ${path} answered no 429 in ${tries} requests` }
  },
  async EE16 (context) {
    const path = context.settings.crashPath
    if (path === undefined) return { status: 'skip', reason: 'no failing route given (--crash-path)' }
    const exchange = await context.send({ method: 'GET', path })
    const body = expectError(exchange, [500])
    if (typeof body === 'string') return verdict(exchange, `GET ${path}: ${body}`)
    const found = leak(exchange.response?.body as string)
    return verdict(exchange, found === undefined ? undefined : `the 500 is not masked: ${found}`)
  }
}
