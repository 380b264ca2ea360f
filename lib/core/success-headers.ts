/**
 * Headers a route may have set for the success it meant to send, which an
 * error answer never inherits: its framing (`Transfer-Encoding`, `Trailer`:
 * an error writes its own `Content-Length`), the headers of the content it
 * replaces (finalhandler 2.x removes the same six), and caching and
 * validator headers (a shared cache must not keep a 404 for an hour because
 * the route meant its 200 to be kept). `Set-Cookie` and `Vary` are kept:
 * the application set them on purpose, and an error cannot set them itself.
 * An error's own `Cache-Control` or `Content-Language` (in `errorHeaders`)
 * is applied after these are dropped.
 *
 * @example
 * ```ts
 * for (const name of SUCCESS_HEADERS) res.removeHeader(name)
 * ```
 */
export const SUCCESS_HEADERS: readonly string[] = Object.freeze([
  'transfer-encoding',
  'trailer',
  'content-encoding',
  'content-language',
  'content-range',
  'content-disposition',
  'content-location',
  'etag',
  'last-modified',
  'cache-control',
  'expires'
])

/** What holds a response's headers: Node's `ServerResponse` and Fastify's reply alike. */
export interface HeaderHolder {
  hasHeader: (name: string) => boolean
  removeHeader: (name: string) => unknown
}

/**
 * Drops the success-only headers from a response about to answer an error.
 *
 * @example
 * ```ts
 * res.setHeader('cache-control', 'public, max-age=3600')
 * dropSuccessHeaders(res)
 * res.hasHeader('cache-control') // false
 * ```
 */
export function dropSuccessHeaders (response: HeaderHolder): void {
  for (const name of SUCCESS_HEADERS) if (response.hasHeader(name)) response.removeHeader(name)
}
