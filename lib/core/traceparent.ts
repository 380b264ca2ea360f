import type { IncomingHttpHeaders } from 'node:http'
import type { CommonSettings } from './options.js'
import { isValidRequestId } from './request-id.js'

// version "-" trace-id "-" parent-id "-" trace-flags, each lowercase hex
// (W3C Trace Context, level 1, section 3.2.2). A later version may add
// fields after the flags, behind a "-".
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
const ZERO_TRACE_ID = '0'.repeat(32)
const ZERO_PARENT_ID = '0'.repeat(16)

/**
 * The trace id of a W3C `traceparent` header, or undefined when the header
 * is missing or not valid: 32 lowercase hex characters, not all zeros, from
 * a header whose version is not `ff`, whose parent id is not all zeros, and
 * which carries nothing after the flags in version `00`.
 *
 * @example
 * ```ts
 * traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // '4bf92f3577b34da6a3ce929d0e0e4736'
 * traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01') // undefined
 * ```
 */
export function traceIdOf (header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined
  const parts = TRACEPARENT.exec(header.trim())
  if (parts === null) return undefined
  const [, version, traceId, parentId, , rest] = parts
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined
  return traceId
}

/**
 * The id of a request from its headers, by the `requestId` option: the
 * incoming id when it is trusted and valid; else, with `fromTraceparent`,
 * the trace id of a valid `traceparent`; else a new one.
 *
 * @example
 * ```ts
 * requestIdFromHeaders({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, settings)
 * // '4bf92f3577b34da6a3ce929d0e0e4736' with requestId: { fromTraceparent: true }
 * ```
 */
export function requestIdFromHeaders (headers: IncomingHttpHeaders, settings: CommonSettings): string {
  const header = settings.requestIdHeader
  if (header !== false && settings.trustIncomingRequestId) {
    const incoming = headers[header]
    if (isValidRequestId(incoming)) return incoming
  }
  if (settings.requestIdFromTraceparent) {
    const traceId = traceIdOf(headers.traceparent)
    if (traceId !== undefined) return traceId
  }
  return settings.newRequestId()
}
