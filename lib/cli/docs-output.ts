import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { isPageUrl } from '../core/docs-options.js'

/**
 * What is wrong with the `--public-url` of `error-envelope docs`, checked as
 * the `docs.publicUrl` option is: an http or https URL without a fragment,
 * or nothing.
 *
 * @example
 * ```ts
 * publicUrlProblem('https://x.test/errors#frag')
 * // '--public-url must be an http or https URL without a fragment, instead got "https://x.test/errors#frag"'
 * publicUrlProblem('https://x.test/errors') // undefined
 * ```
 */
export function publicUrlProblem (value: string | undefined): string | undefined {
  if (value === undefined || isPageUrl(value)) return undefined
  return `--public-url must be an http or https URL without a fragment, instead got ${JSON.stringify(value)}`
}

/**
 * Writes the page to `file`, creating its folder (`public/` of
 * `--out public/errors.html`) when it does not exist yet; what went wrong,
 * naming the folder or the file, or nothing.
 *
 * @example
 * ```ts
 * writePage('public/errors.html', page) // undefined: public/ made, the page written
 * writePage('/proc/errors/page.html', page)
 * // 'cannot write /proc/errors/page.html: cannot create its folder /proc/errors (ENOENT: ...)'
 * ```
 */
export function writePage (file: string, page: string): string | undefined {
  const folder = dirname(file)
  try {
    mkdirSync(folder, { recursive: true })
  } catch (error) {
    return `cannot write ${file}: cannot create its folder ${folder} (${(error as Error).message})`
  }
  try {
    writeFileSync(file, page)
  } catch (error) {
    return `cannot write ${file}: ${(error as Error).message}`
  }
  return undefined
}
