import type { FastifyInstance, FastifySchema } from 'fastify'
import { catalogJson, renderCatalogHtml } from '../core/catalog-page.js'
import type { Settings } from './options.js'

/**
 * Serves the catalog's reference page at `docs.path` and its JSON at
 * `docs.path` + `.json`, rendered once. Both routes are left out of rate
 * limiting, and log at `warn` only, so that crawlers reading the page add
 * no noise to the request log. They are hidden from `@fastify/swagger`:
 * the OpenAPI document lists them only with `docs: { openapi: true }`, as
 * the Express adapter's does (see `withErrorResponses()`).
 *
 * @example
 * ```ts
 * installDocsRoutes(fastify, settings) // GET /errors, GET /errors.json
 * ```
 */
export function installDocsRoutes (fastify: FastifyInstance, settings: Settings): void {
  const docs = settings.docs
  if (docs === undefined) return
  const urlOf = (code: string): string => docs.urlOf(code) as string
  const html = renderCatalogHtml(docs.entries, urlOf, docs.title)
  const json = JSON.stringify(catalogJson(docs.entries, urlOf))
  const quiet = {
    config: { rateLimit: false as const },
    logLevel: 'warn' as const,
    // @fastify/swagger's own key, which its types add to FastifySchema.
    schema: { hide: true } as FastifySchema
  }
  fastify.get(docs.path, quiet, async function errorsPage (_request, reply) {
    return await reply.type('text/html; charset=utf-8').send(html)
  })
  fastify.get(`${docs.path}.json`, quiet, async function errorsJson (_request, reply) {
    return await reply.type('application/json; charset=utf-8').send(json)
  })
}
