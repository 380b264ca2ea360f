import { catalogJson, renderCatalogHtml } from '../core/catalog-page.js'
import type { DocsSettings } from '../core/docs-options.js'
import { pathOf } from '../core/unrouted.js'
import type { Middleware } from './types.js'

/**
 * Serves the catalog's reference page at `docs.path` and its JSON at
 * `docs.path` + `.json`, rendered once, from `beforeRoutes()`: ahead of the
 * rate limit and of the app's routes.
 *
 * @example
 * ```ts
 * app.use(docsMiddleware(settings.docs)) // GET /errors, GET /errors.json
 * ```
 */
export function docsMiddleware (docs: DocsSettings): Middleware {
  const urlOf = (code: string): string => docs.urlOf(code) as string
  const pages = new Map([
    [docs.path, { type: 'text/html; charset=utf-8', body: renderCatalogHtml(docs.entries, urlOf, docs.title) }],
    [`${docs.path}.json`, { type: 'application/json; charset=utf-8', body: JSON.stringify(catalogJson(docs.entries, urlOf)) }]
  ])
  return function envelopeErrorsPage (req, res, next) {
    const page = req.method === 'GET' || req.method === 'HEAD' ? pages.get(pathOf(req.url as string)) : undefined
    if (page === undefined) {
      next()
      return
    }
    res.statusCode = 200
    res.setHeader('content-type', page.type)
    res.setHeader('content-length', Buffer.byteLength(page.body))
    res.end(req.method === 'HEAD' ? undefined : page.body)
  }
}
