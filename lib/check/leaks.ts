/**
 * What an error body must never show, in the first place found: markup, a
 * stack frame, a source file path.
 *
 * @example
 * ```ts
 * leak('Error: boom\n    at handler (/srv/app/routes.js:12:5)') // 'a stack frame: at handler (/srv/app/routes.js:12:5)'
 * leak('{"error":{"code":"not_found"}}') // undefined
 * ```
 */
export function leak (body: string): string | undefined {
  const patterns: Array<[string, RegExp]> = [
    ['a stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\s)"]*:\d+:\d+\)?/],
    ['HTML', /<(?:!doctype|html|head|body|pre|h1|title|script)\b/i],
    ['a source file path', /(?:\/|\\)[\w.-]+(?:\/|\\)[\w./\\-]*\.(?:m?[jt]s|cjs|py|rb|java|go|php)(?::\d+)?\b/]
  ]
  for (const [what, pattern] of patterns) {
    const match = pattern.exec(body)
    if (match !== null) return `${what}: ${match[0].slice(0, 80)}`
  }
  return undefined
}
