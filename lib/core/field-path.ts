/** The parts of a request that a route schema validates. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers'

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const INDEX = /^(?:0|[1-9][0-9]*)$/
// What a pointer segment escapes (RFC 6901).
const ESCAPED = /[~/]/

/**
 * The segments of a JSON pointer (ajv's `instancePath`), unescaped.
 *
 * @example
 * ```ts
 * pointerSegments('/items/2/a~1b') // ['items', '2', 'a/b']
 * ```
 */
export function pointerSegments (pointer: string): string[] {
  if (pointer === '') return []
  const segments = pointer.slice(1).split('/')
  // Only a `~` starts an escape: most pointers have none to undo.
  if (!pointer.includes('~')) return segments
  return segments.map(function unescapeSegment (segment) {
    return segment.replace(/~1/g, '/').replace(/~0/g, '~')
  })
}

/**
 * One more segment on a JSON pointer, escaped as RFC 6901 says.
 *
 * @example
 * ```ts
 * appendPointer('/items', 'a/b') // '/items/a~1b'
 * ```
 */
export function appendPointer (pointer: string, segment: string | number): string {
  // An index, or a name without `~` or `/`, is its own escaped form.
  if (typeof segment === 'number' || !ESCAPED.test(segment)) return pointer + '/' + segment
  return pointer + '/' + segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * A field's path as a client writes it in code: `user.email`, `items[2].sku`,
 * `meta["odd key"]`. Numeric segments read as array indexes. In the
 * querystring, path parameters and headers, the field is the parameter's
 * name alone; a failure of a whole part is named after the part.
 *
 * @example
 * ```ts
 * fieldPath(['items', '2', 'sku'], 'body') // 'items[2].sku'
 * fieldPath(['tags', '1'], 'querystring') // 'tags'
 * fieldPath([], 'body') // 'body'
 * ```
 */
export function fieldPath (segments: readonly string[], part: RequestPart): string {
  if (segments.length === 0) return part
  if (part !== 'body') return segments[0]
  let path = ''
  for (const segment of segments) {
    if (INDEX.test(segment)) path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}
