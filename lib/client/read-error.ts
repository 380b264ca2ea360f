import type { ClientError } from './client-error.js'
import { errorOf } from './parse-error.js'

/**
 * Options of `readError()`.
 *
 * @example
 * ```ts
 * await readError(response, { maxBytes: 64 * 1024 })
 * ```
 */
export interface ReadErrorOptions {
  /** Read at most this many bytes of the body; a longer one is read as unknown. Default 1 MiB. */
  maxBytes?: number
}

/**
 * The part of a `Response` that `readError()` uses: a fetch `Response`, or
 * the response of a client built on fetch (ky's `HTTPError.response`).
 *
 * @example
 * ```ts
 * const response: ResponseLike = await fetch('/widgets/w_9')
 * ```
 */
export interface ResponseLike {
  readonly status: number
  readonly statusText?: string
  readonly headers: { get (name: string): string | null }
  readonly bodyUsed?: boolean
  clone (): { readonly body: ReadableStream<Uint8Array> | null }
}

const DEFAULT_MAX_BYTES = 1 << 20

/**
 * Reads a failed `Response` as a `ClientError`: the envelope, problem
 * details, other JSON, HTML or text, an empty body, a body cut short or one
 * over `maxBytes`. It reads a clone, so the response's own body is left for
 * the caller (`response.json()` still works after it); a body already read
 * gives the fields of the status and headers alone. Never throws, never
 * rejects.
 *
 * @example
 * ```ts
 * import { readError } from 'error-envelope/client'
 * const res = await fetch('/orders/o_1', { method: 'PATCH', body })
 * if (!res.ok) {
 *   const err = await readError(res)
 *   if (err.code === 'validation_failed') form.setErrors(err.fieldErrors)
 * }
 * ```
 */
export async function readError<Code extends string = string> (response: ResponseLike, options?: ReadErrorOptions): Promise<ClientError<Code>> {
  let body: string | undefined
  try {
    body = await readText(response, options?.maxBytes ?? DEFAULT_MAX_BYTES)
  } catch {}
  return errorOf<Code>(response.status, response.headers, body, response.statusText)
}

// The body of a clone as text, at most maxBytes of it: what was read when
// the stream fails part way; undefined when there is no body.
async function readText (response: ResponseLike, maxBytes: number): Promise<string | undefined> {
  if (response.bodyUsed === true) return undefined
  const stream = response.clone().body
  if (stream === null) return undefined
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        reader.cancel().catch(() => {})
        return undefined
      }
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    return text
  }
  return text + decoder.decode()
}
