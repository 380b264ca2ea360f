import { expectError, verdict, type CheckContext, type Verdict } from './context.js'

const NO_ROUTE: Verdict = { status: 'skip', reason: 'no body route given (--body-path or --openapi)' }

/**
 * EE06 to EE09: what the body parser and the validator answer.
 *
 * @example
 * ```ts
 * const verdict = await bodyChecks.EE06(context)
 * ```
 */
export const bodyChecks: Record<string, (context: CheckContext) => Promise<Verdict>> = {
  async EE06 (context) {
    return sendBody(context, 'application/json', '{"name":', [400])
  },
  async EE07 (context) {
    return sendBody(context, 'text/xml', '<widget><name>x</name></widget>', [415])
  },
  async EE08 (context) {
    const limit = context.settings.maxBody
    if (limit === undefined) return { status: 'skip', reason: 'no body limit given (--max-body)' }
    return sendBody(context, 'application/json', `"${'a'.repeat(limit - 1)}"`, [413])
  },
  async EE09 (context) {
    const invalid = context.settings.invalid
    if (invalid === undefined) return { status: 'skip', reason: 'no request body schema with typed fields (--openapi)' }
    const route = context.settings.body as { method: string, path: string }
    const exchange = await context.send({ method: route.method, path: route.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(invalid.body) })
    const body = expectError(exchange, [400, 422])
    if (typeof body === 'string') return verdict(exchange, `${route.method} ${route.path}: ${body}`)
    const missing = invalid.fields.filter((field) => !body.fields.some((named) => named === field || named.endsWith(`.${field}`) || named.endsWith(`/${field}`)))
    return verdict(exchange, missing.length === 0 ? undefined : `sent ${invalid.fields.join(', ')} wrong; the details name ${body.fields.length === 0 ? 'no field' : body.fields.join(', ')}, not ${missing.join(', ')}`)
  }
}

async function sendBody (context: CheckContext, type: string, payload: string, statuses: number[]): Promise<Verdict> {
  const route = context.settings.body
  if (route === undefined) return NO_ROUTE
  const exchange = await context.send({ method: route.method, path: route.path, headers: { 'content-type': type }, body: payload })
  const body = expectError(exchange, statuses)
  return verdict(exchange, typeof body === 'string' ? `${route.method} ${route.path}: ${body}` : undefined)
}
