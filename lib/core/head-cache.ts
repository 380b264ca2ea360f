import { envelopeHead, type NormalizedError } from './envelope.js'
import { flatString } from './flat-string.js'

// Slots of the cache; a power of two, so that a slot is a mask of the length.
const SLOTS = 32

interface KeptHead {
  message: string
  code: string
  type: string
  param: string | undefined
  head: string
}

/**
 * Finds the `envelopeHead()` of an answer, or builds and keeps it.
 *
 * @example
 * ```ts
 * const headOf = createHeadCache()
 * headOf(normalizeError(unauthorized('Invalid API key')))
 * // '{"error":{"code":"unauthorized","message":"Invalid API key","type":"authentication_error","request_id":"'
 * ```
 */
export type HeadCache = (answer: NormalizedError) => string

/**
 * A small cache of envelope heads, for the answers an API gives again and
 * again: under attack or misuse, the same 401, 403 or 404 with the same
 * message, thousands of times a second, whose head is the same text each
 * time. Building it (escape checks, a rope of a dozen pieces that the
 * body's length then flattens) was most of the error handler's own work.
 *
 * One head per slot, the slot chosen by the message's length: no hashing,
 * no eviction order, nothing that grows. A message that changes with each
 * request (an id in it) replaces its slot every time, which costs one
 * string comparison and one small object; the 32 slots keep at most 32
 * heads. A kept head is used only when message, code, type and param are
 * all the same; answers with `details` are built every time.
 *
 * @example
 * ```ts
 * const headOf = createHeadCache()
 * const answer = normalizeError(notFound('Widget w_1 not found'))
 * headOf(answer) === envelopeHead(answer) // true, built and kept
 * headOf(answer) // the kept head
 * ```
 */
export function createHeadCache (build: (answer: NormalizedError) => string = envelopeHead): HeadCache {
  const slots: Array<KeptHead | undefined> = new Array<KeptHead | undefined>(SLOTS).fill(undefined)
  return function headOf (answer: NormalizedError): string {
    if (answer.details !== undefined) return build(answer)
    const message = answer.message
    const slot = message.length & (SLOTS - 1)
    const kept = slots[slot]
    if (kept !== undefined && kept.message === message && kept.code === answer.code && kept.type === answer.type && kept.param === answer.param) {
      return kept.head
    }
    const head = flatString(build(answer))
    slots[slot] = { message, code: answer.code, type: answer.type, param: answer.param, head }
    return head
  }
}
