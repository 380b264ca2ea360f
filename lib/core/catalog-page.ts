import { STATUS_CODES } from 'node:http'
import type { CatalogEntry } from './catalog.js'
import { codeFor } from './codes.js'

/**
 * What the reference page says of the envelope's fields, in the contract's
 * order.
 */
const FIELDS: ReadonlyArray<[string, string]> = [
  ['code', 'Machine-readable reason, stable across releases: switch on it.'],
  ['message', 'A sentence for a person. Never a stack trace or an internal detail.'],
  ['type', 'The category: invalid_request_error, authentication_error, permission_error, validation_error, rate_limit_error, api_error.'],
  ['param', 'The first input field the error is about, when there is one.'],
  ['details', 'Every offending field, as [{ "field", "message" }], when there are several.'],
  ['request_id', 'The id of the request, also in the X-Request-Id header: quote it when you ask for help.'],
  ['doc_url', 'A link to the code\'s entry on this page.']
]

/**
 * The JSON of `GET /errors.json`: every code of the catalog, built-in ones
 * first, with its page entry and `doc_url`.
 *
 * @example
 * ```ts
 * catalogJson(entries, (code) => `https://api.example.com/errors#${code}`)
 * // { errors: [{ code: 'bad_request', status: 400, ... }, ...] }
 * ```
 */
export function catalogJson (entries: readonly CatalogEntry[], urlOf: (code: string) => string): { errors: object[] } {
  return {
    errors: entries.map((entry) => ({
      code: entry.code,
      status: entry.status,
      type: entry.type,
      title: entry.title,
      message: entry.message,
      description: entry.description ?? null,
      fix: entry.fix ?? null,
      doc_url: urlOf(entry.code)
    }))
  }
}

/** An example body of one code, as the page shows it. */
function exampleOf (entry: CatalogEntry, urlOf: (code: string) => string): string {
  return JSON.stringify({ error: { code: entry.code, message: entry.message, type: entry.type, request_id: 'req_4Jd8kQ2mZx7Lr1Vb9Tn3', doc_url: urlOf(entry.code) } }, null, 2)
}

// The reason phrase of a status, or the table's phrase of one Node has none for (499).
function phrase (status: number): string {
  return STATUS_CODES[status] ?? codeFor(status).message
}

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

// A code span of CommonMark 0.31 (section 6.1): a run of backticks, then
// anything up to a run of the same length.
const CODE_SPAN = /(`+)[\s\S]*?(?<!`)\1(?!`)/g

/**
 * Catalog text for a Markdown page: its Markdown (emphasis, links, code
 * spans) kept, its HTML shown as text. `&`, `<` and `>` become entities
 * outside code spans, which a Markdown renderer shows as written (inside a
 * code span they are already literal, and an entity would show as typed).
 */
function escapeMarkdownHtml (text: string): string {
  let escaped = ''
  let last = 0
  for (const span of text.matchAll(CODE_SPAN)) {
    escaped += escapeHtmlText(text.slice(last, span.index)) + span[0]
    last = span.index + span[0].length
  }
  return escaped + escapeHtmlText(text.slice(last))
}

function escapeHtmlText (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const STYLE = `
:root { color-scheme: light dark; --text: #1b1f24; --muted: #57606a; --line: #d0d7de; --code: #f6f8fa; --accent: #0550ae; }
@media (prefers-color-scheme: dark) { :root { --text: #e6edf3; --muted: #9198a1; --line: #3d444d; --code: #151b23; --accent: #4493f8; } body { background: #0d1117; } }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); max-width: 54rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1, h2, h3 { line-height: 1.25; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
a { color: var(--accent); } code, pre { font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); border-radius: 6px; }
code { padding: .1rem .3rem; } pre { padding: .9rem 1rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; } th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .45rem .6rem; }
section.code { border: 1px solid var(--line); border-radius: 8px; padding: 0 1.1rem .4rem; margin: 1.25rem 0; }
section.code:target { outline: 3px solid var(--accent); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { color: var(--muted); } dd { margin: 0; }
.muted { color: var(--muted); }
@media print { body { max-width: none; padding: 0; } a { color: inherit; } section.code { break-inside: avoid; } pre { white-space: pre-wrap; } }
`

/**
 * The reference page of a catalog, as one self-contained HTML document:
 * the envelope with a real example, each field, the status codes, then every
 * code with its anchor (`#widget_not_found`), status, type, title,
 * description, fix and an example body. Plain semantic HTML with inline
 * CSS: readable without JavaScript, printable, light and dark. Every text
 * of the catalog is escaped.
 *
 * @example
 * ```ts
 * renderCatalogHtml(catalogEntries(errors), (code) => `/errors#${code}`, 'Widgets API')
 * ```
 */
export function renderCatalogHtml (entries: readonly CatalogEntry[], urlOf: (code: string) => string, title = 'API'): string {
  const statuses = [...new Set(entries.map((entry) => entry.status))].sort((a, b) => a - b)
  const example = entries.find((entry) => !entry.builtIn) ?? entries[0]
  const rows = statuses.map((status) => {
    const codes = entries.filter((entry) => entry.status === status).map((entry) => `<a href="#${entry.code}"><code>${entry.code}</code></a>`).join(', ')
    return `<tr><td>${status}</td><td>${escapeHtml(phrase(status))}</td><td>${codes}</td></tr>`
  }).join('\n')
  const sections = entries.map((entry) => `<section class="code" id="${entry.code}">
<h3><a href="#${entry.code}"><code>${entry.code}</code></a></h3>
<dl>
<dt>Status</dt><dd>${entry.status} ${escapeHtml(phrase(entry.status))}</dd>
<dt>Type</dt><dd><code>${entry.type}</code></dd>
<dt>Title</dt><dd>${escapeHtml(entry.title)}</dd>
${entry.description === undefined ? '' : `<dt>Cause</dt><dd>${escapeHtml(entry.description)}</dd>\n`}${entry.fix === undefined ? '' : `<dt>Fix</dt><dd>${escapeHtml(entry.fix)}</dd>\n`}</dl>
<pre><code>${escapeHtml(exampleOf(entry, urlOf))}</code></pre>
</section>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Errors · ${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Errors</h1>
<p>Every error of ${escapeHtml(title)} answers with an HTTP status from 400 to 599 and one JSON body, the envelope, whatever went wrong.</p>
</header>
<main>
<h2 id="envelope">The envelope</h2>
<pre><code>${escapeHtml(exampleOf(example, urlOf))}</code></pre>
<table>
<thead><tr><th scope="col">Field</th><th scope="col">What it is</th></tr></thead>
<tbody>
${FIELDS.map(([name, meaning]) => `<tr><td><code>${name}</code></td><td>${escapeHtml(meaning)}</td></tr>`).join('\n')}
</tbody>
</table>
<h2 id="status-codes">Status codes</h2>
<table>
<thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Codes</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2 id="codes">Codes</h2>
${sections}
</main>
</body>
</html>
`
}

/**
 * The reference page of a catalog as Markdown, for a documentation site.
 * The catalog's text (and `title`) keeps its Markdown, but its HTML is
 * shown as text, as on the HTML page: `&`, `<` and `>` outside code spans
 * become `&amp;`, `&lt;` and `&gt;`, so a renderer runs no inline HTML of
 * the catalog.
 *
 * @example
 * ```ts
 * renderCatalogMarkdown(catalogEntries(errors), (code) => `https://docs.example.com/errors#${code}`)
 * ```
 */
export function renderCatalogMarkdown (entries: readonly CatalogEntry[], urlOf: (code: string) => string, title = 'API'): string {
  const cell = (text: string): string => escapeMarkdownHtml(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const lines = [
    '# Errors',
    '',
    `Every error of ${escapeMarkdownHtml(title)} answers with an HTTP status from 400 to 599 and one JSON body, the envelope, whatever went wrong.`,
    '',
    '## The envelope',
    '',
    '```json',
    exampleOf(entries.find((entry) => !entry.builtIn) ?? entries[0], urlOf),
    '```',
    '',
    '| Field | What it is |',
    '|---|---|',
    ...FIELDS.map(([name, meaning]) => `| \`${name}\` | ${cell(meaning)} |`),
    '',
    '## Codes',
    '',
    '| Code | Status | Type | Title |',
    '|---|---|---|---|',
    ...entries.map((entry) => `| [\`${entry.code}\`](#${entry.code}) | ${entry.status} | \`${entry.type}\` | ${cell(entry.title)} |`)
  ]
  for (const entry of entries) {
    lines.push('', `### ${entry.code}`, '', `**${entry.status} ${phrase(entry.status)}**, type \`${entry.type}\`: ${escapeMarkdownHtml(entry.title)}.`)
    if (entry.description !== undefined) lines.push('', `**Cause.** ${escapeMarkdownHtml(entry.description)}`)
    if (entry.fix !== undefined) lines.push('', `**Fix.** ${escapeMarkdownHtml(entry.fix)}`)
    lines.push('', '```json', exampleOf(entry, urlOf), '```')
  }
  return lines.join('\n') + '\n'
}
