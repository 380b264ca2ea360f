import { isIdentifier } from './api-error.js'
import { clip } from './clip.js'
import { codeFor } from './codes.js'
import type { NormalizedError } from './envelope.js'
import { fromEntry, MAX_MESSAGE_LENGTH } from './normalize.js'
import { fail, nestedOption, type KnownKeys } from './option-checks.js'

/**
 * How the 404 to a request no route took reads: its `code` (default
 * `not_found`) and its `message`, fixed or made from the method and the path
 * (default `No route for GET /x`). The function is called once per method and
 * path and its answer may be reused: keep it free of side effects.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, {
 *   notFound: { code: 'route_not_found', message: (method, path) => `${method} ${path} is not part of this API; see https://docs.example.com` }
 * })
 * ```
 */
export interface NotFoundOptions {
  /** The code of the 404; the contract's pattern. Default `not_found`. */
  code?: string
  /** The message, or a function of the method and path that makes it. */
  message?: string | ((method: string, path: string) => string)
}

/** The `notFound` option after checking. */
export interface NotFoundSettings {
  code: string
  message: ((method: string, path: string) => string) | undefined
}

const NOT_FOUND_KEYS: KnownKeys<NotFoundOptions> = { code: true, message: true }
const defaultNotFound: NotFoundSettings = Object.freeze({ code: codeFor(404).code, message: undefined })

/**
 * Checks the `notFound` option.
 *
 * @example
 * ```ts
 * normalizeNotFoundOptions({ code: 'Route Missing' })
 * // TypeError: error-envelope option "notFound.code" must be a code of lower-case letters, digits and underscores, instead got "Route Missing"
 * ```
 */
export function normalizeNotFoundOptions (options: unknown): NotFoundSettings {
  const given = nestedOption('notFound', options, NOT_FOUND_KEYS) as NotFoundOptions
  const code = given.code ?? codeFor(404).code
  if (!isIdentifier(code)) fail('notFound.code', 'a code of lower-case letters, digits and underscores', code)
  const message = given.message
  if (message === undefined) return { code, message: undefined }
  if (typeof message === 'string') {
    if (message === '') fail('notFound.message', 'a non-empty string or a function', message)
    return { code, message: function fixedMessage () { return message } }
  }
  if (typeof message !== 'function') fail('notFound.message', 'a non-empty string or a function', message)
  return { code, message }
}

/**
 * The methods whose use on a routed path answers 405 rather than 501, and on
 * an unknown path 404: RFC 9110's methods and PATCH (RFC 5789). CONNECT is
 * left out: Node's HTTP server never hands it to an app. Any other method
 * that no route handles answers 501.
 *
 * @example
 * ```ts
 * import { STANDARD_METHODS } from 'error-envelope'
 * STANDARD_METHODS.includes('TRACE') // true
 * ```
 */
export const STANDARD_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'])

const STANDARD = new Set(STANDARD_METHODS)
const MAX_PATH_IN_MESSAGE = 256

/**
 * Whether a method is one of `STANDARD_METHODS`.
 *
 * @example
 * ```ts
 * isStandardMethod('PROPFIND') // false
 * ```
 */
export function isStandardMethod (method: string): boolean {
  return STANDARD.has(method)
}

/**
 * The answer to a request no route took, from the methods its path is
 * routed for (`allow`, an `Allow` value, `''` for none):
 * - no method routed there, or the request's own method (a handler that
 *   handed the request on, as `reply.callNotFound()` or `next()` do): 404;
 * - other methods only: 405 with `Allow`.
 * The caller answers a method outside `STANDARD_METHODS` with
 * `notImplementedAnswer()` first, unless the path routes it.
 *
 * @example
 * ```ts
 * unroutedAnswer('DELETE', '/widgets/1', 'GET, HEAD')
 * // { status: 405, code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/1', headers: { allow: 'GET, HEAD' }, ... }
 * ```
 */
export function unroutedAnswer (method: string, path: string, allow: string, notFound: NotFoundSettings = defaultNotFound): NormalizedError {
  if (allow === '' || routedFor(allow, method)) return notFoundAnswer(method, path, notFound)
  const answer = fromEntry(codeFor(405), `Method ${method} is not allowed for ${describePath(path)}`)
  answer.headers = { allow }
  return answer
}

// The 404: the option's code and message when given. A message function
// that throws, or gives no text, leaves the default message.
function notFoundAnswer (method: string, path: string, notFound: NotFoundSettings): NormalizedError {
  const answer = fromEntry(codeFor(404), `No route for ${method} ${describePath(path)}`)
  answer.code = notFound.code
  if (notFound.message !== undefined) {
    try {
      const message: unknown = notFound.message(method, path)
      if (typeof message === 'string' && message !== '') answer.message = clip(message, MAX_MESSAGE_LENGTH)
    } catch {}
  }
  return answer
}

/**
 * The one decision for a request no route took, from its method, its path
 * and the methods routed there (`allow`, an `Allow` value, `''` for none):
 * - `OPTIONS` to a path routed for other methods: `undefined`, as the
 *   request is answered 204 with `Allow`, no error;
 * - a method outside `STANDARD_METHODS` that the path does not route: 501;
 * - otherwise the 404 or 405 of `unroutedAnswer()`.
 *
 * @example
 * ```ts
 * unroutedDecision('DELETE', '/widgets/1', 'GET, HEAD') // the 405, Allow: GET, HEAD
 * unroutedDecision('OPTIONS', '/widgets/1', 'GET, HEAD') // undefined: 204, Allow: GET, HEAD
 * unroutedDecision('PURGE', '/widgets/1', 'GET, HEAD') // the 501
 * ```
 */
export function unroutedDecision (method: string, path: string, allow: string, notFound: NotFoundSettings = defaultNotFound): NormalizedError | undefined {
  if (allow !== '' && method === 'OPTIONS' && !routedFor(allow, method)) return undefined
  if (!isStandardMethod(method) && !routedFor(allow, method)) return notImplementedAnswer(method)
  return unroutedAnswer(method, path, allow, notFound)
}

/**
 * The 501 of a method no route handles anywhere it was asked.
 *
 * @example
 * ```ts
 * notImplementedAnswer('PROPFIND') // { status: 501, code: 'not_implemented', message: 'Method PROPFIND is not implemented', ... }
 * ```
 */
function notImplementedAnswer (method: string): NormalizedError {
  const answer = fromEntry(codeFor(501), `Method ${method} is not implemented`)
  clientCaused.add(answer)
  return answer
}

// The 5xx answers that the client caused: logged as client errors.
const clientCaused = new WeakSet<NormalizedError>()

/**
 * Whether an answer is one the client caused although its status is a 5xx:
 * the 501 to a method no route handles (a scanner's `PROPFIND`).
 *
 * @example
 * ```ts
 * isClientCaused(notImplementedAnswer('PROPFIND')) // true
 * isClientCaused(normalizeError(notImplemented())) // false
 * ```
 */
export function isClientCaused (answer: NormalizedError): boolean {
  return clientCaused.has(answer)
}

/**
 * Whether `method` is one of those an `Allow` value lists.
 *
 * @example
 * ```ts
 * routedFor('GET, HEAD', 'HEAD') // true
 * ```
 */
function routedFor (allow: string, method: string): boolean {
  return (', ' + allow + ', ').includes(', ' + method + ', ')
}

/**
 * An `Allow` value: the standard methods in their usual order, then any
 * other, each once.
 *
 * @example
 * ```ts
 * allowValue(['POST', 'HEAD', 'GET', 'MKCOL']) // 'GET, HEAD, POST, MKCOL'
 * ```
 */
export function allowValue (methods: Iterable<string>): string {
  const given = new Set(methods)
  const ordered = STANDARD_METHODS.filter((method) => given.has(method))
  for (const method of given) if (!STANDARD.has(method)) ordered.push(method)
  return ordered.join(', ')
}

/**
 * The path of a request target: a query string may carry tokens, and it is
 * not part of what was not found (nor of what a router matches).
 *
 * @example
 * ```ts
 * pathOf('/widgets?token=secret') // '/widgets'
 * ```
 */
export function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

// Capped, so that a 9,000-character URL stays readable.
function describePath (path: string): string {
  return path.length > MAX_PATH_IN_MESSAGE ? path.slice(0, MAX_PATH_IN_MESSAGE) + '…' : path
}
