import type underPressureModule from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import { loadPeer } from '../core/peer.js'
import { overloadError, unhealthyError } from '../core/overload.js'
import type { Settings } from './options.js'

/**
 * Registers `@fastify/under-pressure` when the `underPressure` option is
 * given: past its limits, a request is answered 503 `service_unavailable`
 * with `Retry-After`, in the envelope, before its route runs, with one log
 * line at `warn` and no internal figure in the body. `@fastify/under-pressure`
 * is an optional peer, loaded here: without it, registration fails with the
 * command that installs it. The answer goes through
 * the plugin's error handler, as `@fastify/under-pressure` hands its
 * handler's rejection to Fastify; its status route's failures do too.
 *
 * @example
 * ```ts
 * installUnderPressure(fastify, settings)
 * ```
 */
export function installUnderPressure (fastify: FastifyInstance, settings: Settings): void {
  const options = settings.underPressure
  if (options === false) return
  const underPressure = loadPeer<typeof underPressureModule>('@fastify/under-pressure', 'the underPressure option')
  const { passed, retryAfter, ...limits } = options
  fastify.register(underPressure, {
    ...limits,
    ...passed,
    retryAfter,
    pressureHandler: function shedRequest (_request: unknown, _reply: unknown, type: string) {
      return Promise.reject(type === 'healthCheck' ? unhealthyError(retryAfter) : overloadError(retryAfter))
    }
  })
}
