import t from 'tap'
import fc from 'fast-check'
import { ClientError, parseError, readError } from '../../client.js'

// Bodies shaped like the envelope and problem details, with every member
// free to be any JSON value, beside arbitrary JSON and text.
const member = fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }))
const envelopeLike = fc.record({ error: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ code: member, message: member, type: member, param: member, request_id: member, doc_url: member, details: fc.oneof(member, fc.array(fc.record({ field: member, message: member }), { maxLength: 5 })) }, { requiredKeys: [] })) })
const problemLike = fc.record({ type: member, title: member, status: member, detail: member, code: member, request_id: member, errors: fc.oneof(member, fc.array(fc.record({ field: member, pointer: member, detail: member }, { requiredKeys: [] }), { maxLength: 5 })) }, { requiredKeys: [] })
const body = fc.oneof(envelopeLike, problemLike, fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 200 }), fc.constant(undefined))
const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('45', 'Thu, 01 Jan 2026 00:00:30 GMT', '"default";r=0;t=3', 'application/problem+json', 'req_1'))
const headers = fc.dictionary(fc.constantFrom('retry-after', 'ratelimit', 'ratelimit-reset', 'x-ratelimit-reset', 'x-request-id', 'content-type', '__proto__'), headerValue)
const status = fc.oneof(fc.integer({ min: 400, max: 599 }), fc.integer(), fc.double())

// Whether an error is well typed: what the declarations promise.
function wellTyped (err: ClientError): boolean {
  const optional = (value: unknown, type: string): boolean => value === undefined || typeof value === type // eslint-disable-line valid-typeof
  return err instanceof ClientError && /^[a-z][a-z0-9_]{0,63}$/.test(err.code) && typeof err.type === 'string' &&
    typeof err.message === 'string' && err.message.length <= 1024 && Array.isArray(err.details) && err.details.length <= 100 &&
    err.details.every((detail) => typeof detail.field === 'string' && typeof detail.message === 'string') &&
    optional(err.param, 'string') && optional(err.requestId, 'string') && optional(err.docUrl, 'string') && optional(err.retryAfterMs, 'number') &&
    typeof err.retryable === 'boolean' && ['envelope', 'problem', 'unknown'].includes(err.format)
}

t.test('parseError never throws and always gives a well-typed ClientError', async (t) => {
  fc.assert(fc.property(status, headers, body, (status, headers, body) => wellTyped(parseError(status, headers, body))), { numRuns: 2000 })
  t.pass('2,000 generated bodies')
})

t.test('readError never rejects, whatever the body bytes, and reads what parseError reads from the same text', async (t) => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 400, max: 599 }), headers, fc.oneof(body.map((value) => JSON.stringify(value) ?? ''), fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })), async (status, headers, content) => {
    const err = await readError(new Response(content, { status, headers: Object.entries(headers).filter(([name]) => name !== '__proto__') }))
    if (!wellTyped(err)) return false
    if (typeof content !== 'string') return true
    const parsed = parseError(status, new Response(null, { status, headers: Object.entries(headers).filter(([name]) => name !== '__proto__') }).headers, content)
    return JSON.stringify({ ...parsed, retryAfterMs: 0 }) === JSON.stringify({ ...err, retryAfterMs: 0 }) && parsed.message === err.message
  }), { numRuns: 500 })
  t.pass('500 generated responses')
})
