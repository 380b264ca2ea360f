import { envelopeHead, type NormalizedError } from './envelope.js'
import { flatString } from './flat-string.js'
import { isStandardMethod, unroutedAnswer, unroutedDecision, type NotFoundSettings } from './unrouted.js'

/** An answer sent to many requests, with its envelope serialized up to the request id. Read it, never change it. */
export interface PreparedAnswer {
  answer: NormalizedError
  head: string
}

/**
 * What an adapter keeps for one path no route takes: the methods routed
 * there, as an `Allow` value, and the answer of each standard method asked.
 */
export interface PathAnswers {
  /** The `Allow` value of the path, `''` when no method is routed there. */
  allow: string
  /** A route of every method serves the path (Express's `router.all()`): every request the fallback gets there is a 404. */
  every: boolean
  byMethod: Map<string, PreparedAnswer>
}

/**
 * A path's entry, for the methods routed there.
 *
 * @example
 * ```ts
 * pathAnswers('GET, HEAD') // { allow: 'GET, HEAD', every: false, byMethod: Map {} }
 * ```
 */
export function pathAnswers (allow: string, every = false): PathAnswers {
  return { allow, every, byMethod: new Map() }
}

/**
 * The answer to a request no route took, built and serialized once per
 * path and standard method: scanners and health checks ask the same paths
 * again and again (see bench/NOTES.md). `undefined` for an `OPTIONS` that
 * gets 204 with `entry.allow` (`unroutedDecision()`). A method outside
 * `STANDARD_METHODS` is answered but not kept: any token is a method.
 *
 * @example
 * ```ts
 * const entry = pathAnswers('GET, HEAD')
 * const prepared = preparedUnrouted(entry, 'DELETE', '/widgets/1', settings.notFound)
 * // { answer: the 405, head: '{"error":{"code":"method_not_allowed",…,"request_id":"' }
 * ```
 */
export function preparedUnrouted (entry: PathAnswers, method: string, path: string, notFound: NotFoundSettings): PreparedAnswer | undefined {
  let prepared = entry.byMethod.get(method)
  if (prepared !== undefined) return prepared
  const answer = entry.every ? unroutedAnswer(method, path, '', notFound) : unroutedDecision(method, path, entry.allow, notFound)
  if (answer === undefined) return undefined
  prepared = { answer, head: flatString(envelopeHead(answer)) }
  if (isStandardMethod(method)) entry.byMethod.set(method, prepared)
  return prepared
}
