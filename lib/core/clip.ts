/**
 * A string cut to at most `max` characters, with an ellipsis, never in the
 * middle of a surrogate pair.
 *
 * @example
 * ```ts
 * clip('abcdef', 4) // 'abc…'
 * ```
 */
export function clip (value: string, max: number): string {
  if (value.length <= max) return value
  let end = max - 1
  // Never cut a surrogate pair in half.
  const last = value.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return value.slice(0, end) + '…'
}
