import type { IncomingMessage } from 'node:http'
import { requestIdFromHeaders } from '../../../lib/core/traceparent.js'
import type { KoaSettings } from './options.js'

const ids = new WeakMap<IncomingMessage, string>()

/**
 * The id of a request, given once and kept: a valid incoming id when the
 * header is read and trusted, else a new one (`requestIdFromHeaders()`).
 *
 * @example
 * ```ts
 * requestIdOf(ctx.req, settings) // 'req_4Jd8kQ2mZx7Lr1Vb9Tn3'
 * ```
 */
export function requestIdOf (req: IncomingMessage, settings: KoaSettings): string {
  let id = ids.get(req)
  if (id === undefined) {
    id = requestIdFromHeaders(req.headers, settings)
    ids.set(req, id)
  }
  return id
}
