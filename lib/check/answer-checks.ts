import { readErrorBody } from './contract.js'
import { header, summary, verdict, type CheckContext, type Verdict } from './context.js'
import { leak } from './leaks.js'
import { probe, type Exchange } from './probe.js'

const MAX_LINKS = 10

/**
 * EE11 to EE13 and EE17: what every error answer of the run must satisfy.
 * Run alone, they first ask for an unknown path, so that there is an answer
 * to look at.
 *
 * @example
 * ```ts
 * const verdict = await answerChecks.EE12(context)
 * ```
 */
export const answerChecks: Record<string, (context: CheckContext) => Promise<Verdict>> = {
  async EE11 (context) {
    return everyAnswer(await answers(context), (exchange) => {
      const body = readErrorBody(exchange.response as NonNullable<Exchange['response']>)
      if (typeof body === 'string') return body
      const id = header(exchange, 'x-request-id')
      return id === body.requestId ? undefined : `request_id ${body.requestId} but X-Request-Id ${id ?? 'missing'}`
    })
  },
  async EE12 (context) {
    return everyAnswer(await answers(context), (exchange) => {
      const type = header(exchange, 'content-type')
      const body = readErrorBody(exchange.response as NonNullable<Exchange['response']>)
      const expected = typeof body !== 'string' && body.format === 'problem' ? 'application/problem+json' : 'application/json'
      const [media = '', ...parameters] = (type ?? '').toLowerCase().split(';').map((part) => part.trim())
      if (media !== expected) return `Content-Type ${type ?? 'missing'}, expected ${expected}`
      return parameters.includes('charset=utf-8') ? undefined : `Content-Type ${type as string} has no charset=utf-8`
    })
  },
  async EE13 (context) {
    return everyAnswer(await answers(context), (exchange) => leak((exchange.response as NonNullable<Exchange['response']>).body))
  },
  async EE17 (context) {
    const links = new Set<string>()
    for (const exchange of await answers(context)) {
      const body = readErrorBody(exchange.response as NonNullable<Exchange['response']>)
      if (typeof body === 'string' || body.docUrl === undefined) continue
      const url = URL.canParse(body.docUrl, context.settings.probe.base.href) ? new URL(body.docUrl, context.settings.probe.base) : undefined
      // A reference the contract allows but no client can follow.
      if (url === undefined) return verdict(exchange, `doc_url ${JSON.stringify(body.docUrl)} is not a URL`)
      if (url.protocol === 'http:' || url.protocol === 'https:') links.add(url.href.split('#')[0])
    }
    if (links.size === 0) return { status: 'skip', reason: 'no error answer carried a doc_url' }
    for (const link of [...links].slice(0, MAX_LINKS)) {
      const url = new URL(link)
      // The API's own headers (an API key) go to the API's own origin only.
      const own = context.settings.probe
      const exchange = await probe({ ...own, base: new URL(url.origin), headers: url.origin === own.base.origin ? own.headers : {} }, { method: 'GET', path: url.pathname + url.search })
      const status = exchange.response?.status ?? 0
      if (status < 200 || status > 299) return verdict(exchange, `doc_url ${link}: ${summary(exchange)}, expected 2xx`)
    }
    return { status: 'pass', reason: `${Math.min(links.size, MAX_LINKS)} link(s) resolved` }
  }
}

// The error answers so far, or those of one unknown path when none.
async function answers (context: CheckContext): Promise<Exchange[]> {
  if (context.answers.length === 0) await context.send({ method: 'GET', path: context.unknownPath })
  return [...context.answers]
}

function everyAnswer (exchanges: Exchange[], problem: (exchange: Exchange) => string | undefined): Verdict {
  if (exchanges.length === 0) return { status: 'skip', reason: 'no error answer to look at' }
  for (const exchange of exchanges) {
    const found = problem(exchange)
    if (found !== undefined) return verdict(exchange, `${exchange.request.method} ${exchange.request.path}: ${found}`)
  }
  return { status: 'pass', reason: `${exchanges.length} error answer(s) looked at` }
}
