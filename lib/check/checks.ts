/**
 * One check of the table: a stable id, a one-line title, what it sends and
 * what it expects, and the anchor of its section in `docs/check.md`.
 *
 * @example
 * ```ts
 * const info: CheckInfo = CHECKS[0]
 * info.id // 'EE01'
 * ```
 */
export interface CheckInfo {
  id: string
  title: string
  sends: string
  expects: string
  /** Where the fix is explained, relative to the package root. */
  docs: string
}

function info (id: string, title: string, sends: string, expects: string): CheckInfo {
  return Object.freeze({ id, title, sends, expects, docs: `docs/check.md#${id.toLowerCase()}` })
}

/**
 * Every check, in the order they run. Ids are stable across releases: a
 * check may be added, never renumbered.
 *
 * @example
 * ```ts
 * CHECKS.map((check) => check.id) // ['EE01', 'EE02', …, 'EE17']
 * ```
 */
export const CHECKS: readonly CheckInfo[] = Object.freeze([
  info('EE01', 'unknown path answers 404 in the contract', 'GET on a path no API serves', '404, a body valid against the envelope or the problem contract'),
  info('EE02', 'HEAD on an unknown path answers 404 without a body', 'HEAD on the same unknown path', '404 and no body'),
  info('EE03', 'wrong method on a known path answers 405 with Allow', 'a method the known path does not serve (DELETE unless the OpenAPI document says otherwise)', '405, an Allow header listing the path\'s methods and not the one sent, a contract body'),
  info('EE04', 'OPTIONS on a known path answers 204 with Allow', 'OPTIONS on the known path', '204, an Allow header listing the path\'s methods, no body'),
  info('EE05', 'unknown method answers 501', 'PROPFIND on the known path (or /)', '501 and a contract body'),
  info('EE06', 'malformed JSON answers 400', 'a truncated JSON body to the body route', '400 and a contract body'),
  info('EE07', 'unsupported content type answers 415', 'an XML body with Content-Type text/xml to the body route', '415 and a contract body'),
  info('EE08', 'oversized body answers 413', 'a JSON body one byte over --max-body to the body route', '413 and a contract body'),
  info('EE09', 'several invalid fields are all named in the details', 'a body with up to three fields of the wrong type, from the OpenAPI request body schema', '400 or 422 and every field sent wrong in details (envelope) or errors (problem)'),
  info('EE10', 'request ids: a valid one echoed, a hostile one replaced', 'X-Request-Id: a valid id, then 10 KB, non-ASCII, spaces and markup', 'the valid id echoed in the header and the body; every hostile one replaced by a valid id'),
  info('EE11', 'every error body carries the X-Request-Id header\'s value', 'nothing new: every error answer of the run', 'the body\'s request_id equal to the X-Request-Id header'),
  info('EE12', 'every error is JSON with charset utf-8', 'nothing new: every error answer of the run', 'Content-Type application/json (envelope) or application/problem+json (problem), with charset=utf-8'),
  info('EE13', 'no error body holds HTML or a stack trace', 'nothing new: every error answer of the run', 'no markup, no stack frame, no source file path'),
  info('EE14', 'Accept: application/problem+json is answered in a contract', 'GET on the unknown path with Accept: application/problem+json', '404 in either contract; whether the server negotiates is reported'),
  info('EE15', 'a rate-limited route answers 429 with Retry-After and rate-limit headers', 'GET on --rate-limit-path until it answers 429', '429, Retry-After, RateLimit or X-RateLimit headers, a contract body'),
  info('EE16', 'a failing route answers a masked 500', 'GET on --crash-path', '500, a contract body, no stack trace or source path'),
  info('EE17', 'every doc_url answered resolves', 'GET on each distinct doc_url (envelope) or type (problem) seen', 'a 2xx answer for each')
])

/**
 * The ids of every check.
 *
 * @example
 * ```ts
 * CHECK_IDS.includes('EE03') // true
 * ```
 */
export const CHECK_IDS: readonly string[] = Object.freeze(CHECKS.map((check) => check.id))
