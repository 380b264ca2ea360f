/**
 * Response headers as clients hand them over: a `Headers` (fetch, ky,
 * ofetch), an object with a `get` method (axios's `AxiosHeaders`), or a
 * plain object whose values are strings, numbers or arrays of strings.
 *
 * @example
 * ```ts
 * const headers: HeadersLike = { 'retry-after': '30', 'x-request-id': 'req_1' }
 * ```
 */
export type HeadersLike = { get (name: string): unknown } | Readonly<Record<string, unknown>>

/**
 * One header's value, its name matched without regard to case; an array is
 * joined with `, `; undefined when absent or not text.
 *
 * @example
 * ```ts
 * headerOf({ 'Retry-After': '30' }, 'retry-after') // '30'
 * headerOf(new Headers({ 'x-request-id': 'req_1' }), 'x-request-id') // 'req_1'
 * ```
 */
export function headerOf (headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined
  let value: unknown
  try {
    const get = (headers as { get?: unknown }).get
    if (typeof get === 'function') value = get.call(headers, name)
    else {
      for (const key of Object.keys(headers)) {
        if (key.toLowerCase() === name) value = (headers as Record<string, unknown>)[key]
      }
    }
  } catch {
    return undefined
  }
  if (Array.isArray(value)) value = value.join(', ')
  if (typeof value === 'number') value = String(value)
  return typeof value === 'string' ? value : undefined
}
