import type { FastifyInstance, RouteOptions } from 'fastify'
import type { RequestPart } from '../core/field-path.js'
import { declaredErrors, withErrorResponses, type OpenApiDocument, type OperationFacts } from '../core/openapi.js'
import type { Settings } from './options.js'

const PARTS: readonly RequestPart[] = ['body', 'querystring', 'params', 'headers']

/**
 * Adds the errors of every route to the OpenAPI document of
 * `@fastify/swagger`, when it is registered: `components.schemas.ErrorEnvelope`
 * (the contract, and `ProblemDetails` when the `format` option sends problem
 * details), once (the copy `@fastify/swagger` lists as `def-0` is merged
 * into it), a response per error kind in `components.responses`, and, on
 * each operation, the error responses it can really give: 400/413/415 where
 * it takes a body, 400/422 where it has a schema, 404 for paths with
 * parameters, 405 where its path serves other methods, 429 where it is
 * rate-limited, the codes its `config.errors` declares (catalog codes,
 * `unauthorized`, `forbidden`...), 500 and 503, each with `code` narrowed
 * to the codes it carries, its headers, and an example of every code, in
 * each media type the `format` option answers with. Only the document
 * changes: error bodies are written as they always are.
 *
 * @example
 * ```ts
 * await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Widgets', version: '1.0.0' } } })
 * await app.register(errorEnvelope, { catalog: errors })
 * app.get('/widgets/:id', { config: { errors: ['widget_not_found'] } }, getWidget)
 * await app.ready()
 * app.swagger().paths['/widgets/{id}'].get.responses // { 404: ..., 405: ..., 500: ..., 503: ... }
 * ```
 */
export function installOpenApiErrors (fastify: FastifyInstance, settings: Settings): void {
  const routes = new Map<string, OperationFacts>()
  fastify.addHook('onRoute', function noteRouteErrors (route: RouteOptions) {
    const schema = (route.schema ?? {}) as Record<string, unknown>
    const config = (route.config ?? {}) as { rateLimit?: unknown, errors?: unknown }
    const facts: OperationFacts = {
      parts: new Set(PARTS.filter((part) => schema[part] !== undefined)),
      rateLimited: settings.rateLimit !== false && config.rateLimit !== false && (settings.rateLimit.global || config.rateLimit !== undefined),
      errors: declaredErrors(config.errors, `${String(route.method)} ${route.url}`, settings)
    }
    for (const method of [route.method].flat()) routes.set(`${method.toLowerCase()} ${openApiPath(route.url)}`, facts)
  })
  fastify.addHook('onReady', function documentErrors (done) {
    const instance = fastify as FastifyInstance & { swagger?: (options?: { yaml?: boolean }) => unknown }
    const original = instance.swagger
    if (typeof original !== 'function') {
      done()
      return
    }
    let documented: object | undefined
    instance.swagger = function swaggerWithErrors (this: unknown, options?: { yaml?: boolean }) {
      if (options?.yaml === true) return original.call(this, options)
      documented ??= withErrorResponses(original.call(this) as OpenApiDocument, function routeFacts (path, method) {
        return routes.get(`${method} ${path}`)
      }, settings)
      return documented
    }
    done()
  })
}

// Fastify's `/widgets/:id` as OpenAPI writes it: `/widgets/{id}`.
function openApiPath (url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}
