import { codeOfPhrase, defaultCodes, isErrorStatus, specialCodes, typeForStatus, type CodeEntry } from '../core/code-table.js'
import { ClientError } from './client-error.js'
import { detailsOf, fieldErrorsOf } from './field-errors.js'
import { headerOf, type HeadersLike } from './headers.js'
import { isObject, matching, own, text } from './read-fields.js'
import { retryAfterMs } from './retry-after.js'

const CODE = /^[a-z][a-z0-9_]{0,63}$/
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/
/** Statuses where the same request may succeed later. */
const RETRYABLE = [408, 429, 502, 503, 504]
/** Text longer than this is not parsed as JSON (the envelope's own bound is far below). */
const MAX_JSON = 1 << 20

const builtIns = new Map<string, CodeEntry>()
for (const entry of [...Object.values(defaultCodes), ...Object.values(specialCodes)]) builtIns.set(entry.code, entry)

/**
 * Reads a failed response whose body a client already parsed (ky's
 * `HTTPError.data`, ofetch's `FetchError.data`, axios's
 * `error.response.data`), or text: the same `ClientError` that
 * `readError()` gives for the same status, headers and body. Never throws.
 *
 * @example
 * ```ts
 * import { parseError } from 'error-envelope/client'
 * const err = parseError(404, { 'x-request-id': 'req_1' }, { error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', request_id: 'req_1' } })
 * err.code // 'not_found'
 * ```
 */
export function parseError<Code extends string = string> (status: number, headers: HeadersLike | undefined, body: unknown): ClientError<Code> {
  return errorOf(status, headers, body)
}

/**
 * `parseError()` with the response's reason phrase, which names the code of a
 * status the table lacks (`418 I'm a Teapot` is `im_a_teapot`), as the server
 * names it.
 *
 * @example
 * ```ts
 * errorOf(418, new Headers(), '', "I'm a Teapot").code // 'im_a_teapot'
 * ```
 */
export function errorOf<Code extends string = string> (status: number, headers: unknown, body: unknown, phrase?: string): ClientError<Code> {
  const entry = defaultEntry(status, phrase)
  let fields: Partial<Record<'code' | 'type' | 'message' | 'param' | 'requestId' | 'docUrl', string | undefined>> = {}
  let details = detailsOf(undefined, 'message')
  let format: 'envelope' | 'problem' | 'unknown' = 'unknown'
  let retryAfter: number | undefined
  try {
    if (typeof body === 'string' && body.length <= MAX_JSON) body = parseJson(body)
    const error = own(body, 'error')
    if (isObject(error)) {
      format = 'envelope'
      fields = { code: own(error, 'code'), type: own(error, 'type'), message: own(error, 'message'), param: own(error, 'param'), requestId: own(error, 'request_id'), docUrl: own(error, 'doc_url') } as typeof fields
      details = detailsOf(own(error, 'details'), 'message')
    } else if (isObject(body) && (/problem\+json/i.test(headerOf(headers, 'content-type') ?? '') || (typeof body.status === 'number' && typeof body.title === 'string'))) {
      format = 'problem'
      const type = text(own(body, 'type'), 2048)
      fields = { code: own(body, 'code'), message: own(body, 'detail') ?? own(body, 'title'), param: own(body, 'param'), requestId: own(body, 'request_id'), docUrl: type !== undefined && !/^(about|urn):/.test(type) ? type : undefined } as typeof fields
      details = detailsOf(own(body, 'errors'), 'detail')
    }
    retryAfter = retryAfterMs(status, headers)
  } catch {}
  const code = matching(fields.code, CODE) ?? entry.code
  return new ClientError<Code>({
    status,
    code: code as Code,
    type: matching(fields.type, CODE) ?? builtIns.get(code)?.type ?? entry.type,
    message: text(fields.message, 1024) ?? entry.message,
    param: text(fields.param, 256),
    details,
    fieldErrors: fieldErrorsOf(details),
    requestId: matching(fields.requestId, REQUEST_ID) ?? matching(headerOf(headers, 'x-request-id'), REQUEST_ID),
    docUrl: text(fields.docUrl, 2048),
    retryAfterMs: retryAfter,
    retryable: RETRYABLE.includes(status),
    format,
    body
  })
}

// The server's default entry of a status: the table's row, else one named
// from the reason phrase; a status outside 400-599 reads as 500.
function defaultEntry (status: number, phrase: string | undefined): { code: string, type: string, message: string } {
  if (!isErrorStatus(status)) return defaultCodes[500]
  return defaultCodes[status] ?? { code: codeOfPhrase(status, phrase), type: typeForStatus(status), message: phrase !== undefined && phrase !== '' ? phrase : `HTTP ${status}` }
}

function parseJson (body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}
