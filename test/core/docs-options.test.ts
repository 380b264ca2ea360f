import t from 'tap'
import { catalogEntries, defineErrors, renderCatalogHtml, renderCatalogMarkdown } from '../../index.js'
import { normalizeDocsOptions } from '../../lib/core/docs-options.js'
import { MisuseError, type MisuseCode } from '../../lib/core/misuse.js'
import { errors } from '../fixtures/catalog.js'

t.test('refuses a wrong catalog or docs option, naming it', async (t) => {
  const wrong: Array<[unknown, unknown, MisuseCode, string]> = [
    [{ widget_not_found: {} }, undefined, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "catalog" must be a catalog made by defineErrors(), instead got an object'],
    [errors, { path: 'errors' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.path" must be a path such as /errors, instead got "errors"'],
    [errors, { path: '/errors/' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.path" must be a path such as /errors, instead got "/errors/"'],
    [errors, { publicUrl: 'ftp://example.com/errors' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.publicUrl" must be an http or https URL without a fragment, instead got "ftp://example.com/errors"'],
    [errors, { publicUrl: 'https://example.com/errors#top' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.publicUrl" must be an http or https URL without a fragment, instead got "https://example.com/errors#top"'],
    [errors, { publicUrl: 'not a url' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.publicUrl" must be an http or https URL without a fragment, instead got "not a url"'],
    [errors, { publicUrl: 42 }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.publicUrl" must be an http or https URL without a fragment, instead got 42'],
    [errors, { title: '' }, 'ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "docs.title" must be a non-empty string, instead got ""'],
    [errors, { page: '/errors' }, 'ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "docs.page"; known options of docs: path, publicUrl, title, openapi']
  ]
  for (const [catalog, docs, code, message] of wrong) t.throws(() => normalizeDocsOptions(catalog, docs), new MisuseError(code, message), message)
})

t.test('links catalog codes only, to the public page or to the path', async (t) => {
  const relative = normalizeDocsOptions(errors, {})
  t.equal(relative.docs?.path, '/errors')
  t.equal(relative.codeDocs.urlOf('widget_not_found'), '/errors#widget_not_found')
  t.equal(relative.codeDocs.urlOf('im_a_teapot'), undefined)
  const none = normalizeDocsOptions(undefined, undefined)
  t.equal(none.docs, undefined)
  t.equal(none.codeDocs.urlOf('not_found'), undefined, 'no page, no doc_url')
  t.equal(none.codeDocs.titleOf('not_found'), 'Not found', 'the built-in codes have titles')
})

t.test('a 5xx entry is an api_error unless it says otherwise, and a non-object is no catalog', async (t) => {
  const entries = catalogEntries(defineErrors({ upstream_down: { status: 503, message: 'The ledger is down' } })) ?? []
  t.equal(entries.find((entry) => entry.code === 'upstream_down')?.type, 'api_error')
  t.equal(catalogEntries('errors'), undefined)
})

t.test('renders the page as HTML and Markdown, every code with its anchor, the catalog\'s text escaped', async (t) => {
  const entries = catalogEntries(errors) ?? []
  const urlOf = (code: string): string => `https://api.example.com/errors#${code}`
  const html = renderCatalogHtml(entries, urlOf, 'Widgets & Co')
  t.match(html, '<title>Errors · Widgets &amp; Co</title>')
  for (const entry of entries) t.match(html, `<section class="code" id="${entry.code}">`)
  t.match(html, '<dt>Cause</dt><dd>The card issuer refused the charge &lt;for a reason it keeps&gt;.</dd>')
  const markdown = renderCatalogMarkdown(entries, urlOf, 'Widgets API')
  t.match(markdown, /^# Errors\n\nEvery error of Widgets API answers/)
  t.match(markdown, '| [`widget_not_found`](#widget_not_found) | 404 | `invalid_request_error` | Widget not found |')
  t.match(markdown, '### card_declined\n\n**402 Payment Required**, type `card_error`: The card was declined.')
  t.match(markdown, '**Fix.** List widgets with GET /widgets and use one of their ids.')
  t.match(markdown, '"doc_url": "https://api.example.com/errors#quota_exceeded"')
  const unusual = catalogEntries(defineErrors({ client_closed: { status: 499, message: 'The client closed the connection' } })) ?? []
  t.match(renderCatalogHtml(unusual, urlOf), '<tr><td>499</td><td>Request error</td>', 'a status without a reason phrase gets the table\'s')
  t.match(renderCatalogMarkdown(unusual, urlOf), '**499 Request error**')
  const onlyBuiltIns = catalogEntries(defineErrors({})) ?? []
  t.match(renderCatalogMarkdown(onlyBuiltIns, urlOf), 'Every error of API answers', 'the API\'s default name')
  t.match(renderCatalogHtml(onlyBuiltIns, urlOf), '"code": "bad_request"'.replace(/"/g, '&quot;'), 'the example is the first code when the catalog has none of its own')
})
