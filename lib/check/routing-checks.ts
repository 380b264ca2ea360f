import { expectError, header, summary, verdict, type CheckContext, type Verdict } from './context.js'
import type { Exchange } from './probe.js'

const NO_PATH: Verdict = { status: 'skip', reason: 'no known path given (--path or --openapi)' }
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * EE01 to EE05: what a router answers by itself, for an unknown path, a
 * wrong method, OPTIONS and a method nobody implements.
 *
 * @example
 * ```ts
 * const verdict = await routingChecks.EE01(context)
 * ```
 */
export const routingChecks: Record<string, (context: CheckContext) => Promise<Verdict>> = {
  async EE01 (context) {
    const exchange = await context.send({ method: 'GET', path: context.unknownPath })
    const body = expectError(exchange, [404])
    return verdict(exchange, typeof body === 'string' ? body : undefined)
  },
  async EE02 (context) {
    const exchange = await context.sendRaw({ method: 'HEAD', path: context.unknownPath })
    const response = exchange.response
    if (response === undefined || response.status !== 404) return verdict(exchange, `${summary(exchange)}, expected 404`)
    return verdict(exchange, response.body === '' ? undefined : `the answer to HEAD has a body: ${response.body.length} bytes`)
  },
  async EE03 (context) {
    const path = context.settings.knownPath
    if (path === undefined) return NO_PATH
    const known = context.settings.knownMethods ?? []
    const method = ['DELETE', 'PATCH', 'PUT', 'POST'].find((candidate) => !known.includes(candidate))
    if (method === undefined) return { status: 'skip', reason: `${path} serves DELETE, PATCH, PUT and POST: no wrong method to send` }
    const exchange = await context.send({ method, path })
    const body = expectError(exchange, [405], ' with Allow')
    const problem = typeof body === 'string' ? body : allowProblem(exchange, context, method)
    return verdict(exchange, problem === undefined ? undefined : `${method} ${path}: ${problem}`)
  },
  async EE04 (context) {
    const path = context.settings.knownPath
    if (path === undefined) return NO_PATH
    const exchange = await context.sendRaw({ method: 'OPTIONS', path })
    const response = exchange.response
    if (response === undefined || response.status !== 204) return verdict(exchange, `${summary(exchange)}, expected 204 with Allow`)
    if (response.body !== '') return verdict(exchange, `the 204 has a body: ${response.body.length} bytes`)
    return verdict(exchange, allowProblem(exchange, context))
  },
  async EE05 (context) {
    const path = context.settings.knownPath ?? '/'
    const exchange = await context.send({ method: 'PROPFIND', path })
    const body = expectError(exchange, [501])
    return verdict(exchange, typeof body === 'string' ? `PROPFIND ${path}: ${body}` : undefined)
  }
}

// What is wrong with the Allow header, if anything: it must list methods,
// not the one refused, and every method the OpenAPI document gives the path.
function allowProblem (exchange: Exchange, context: CheckContext, refused?: string): string | undefined {
  const allow = header(exchange, 'allow')
  if (allow === undefined || allow.trim() === '') return 'no Allow header'
  const methods = allow.split(',').map((method) => method.trim())
  if (!methods.every((method) => TOKEN.test(method))) return `Allow is not a list of methods: ${allow}`
  if (refused !== undefined && methods.includes(refused)) return `Allow lists ${refused}, the method refused: ${allow}`
  const missing = (context.settings.knownMethods ?? []).filter((method) => !methods.includes(method))
  return missing.length === 0 ? undefined : `Allow (${allow}) lacks ${missing.join(', ')}, which the OpenAPI document gives ${context.settings.knownPath as string}`
}
