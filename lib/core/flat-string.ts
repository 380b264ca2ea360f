/**
 * The same text, made flat for V8 first. A string built with `+` is kept as
 * a rope of its pieces until something reads it whole, and every later use
 * walks the rope again: a head kept for many answers and joined to each
 * answer's request id was walked piece by piece on each of them. Measuring
 * its UTF-8 length reads it whole, after which V8 keeps it flat; doing so
 * once, when the text is kept, makes each later use cost what a literal
 * costs.
 *
 * @example
 * ```ts
 * const head = flatString(envelopeHead(answer)) // kept, and joined to many ids
 * ```
 */
export function flatString (text: string): string {
  Buffer.byteLength(text)
  return text
}
