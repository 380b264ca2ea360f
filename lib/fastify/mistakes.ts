import type { FastifyInstance } from 'fastify'
import { safeLog } from '../core/safe-log.js'

const kRegistered = Symbol.for('error-envelope.registered')

/**
 * Refuses a second registration on the same server (or in a child of a
 * server that has it): the second one would replace the first's error and
 * not-found handlers and fail on Fastify's "Not found handler already set".
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope)
 * await app.register(errorEnvelope) // Error: error-envelope is registered twice on this server; ...
 * ```
 */
export function refuseSecondRegistration (fastify: FastifyInstance): void {
  const instance = fastify as FastifyInstance & { [kRegistered]?: true }
  if (instance[kRegistered] === true) {
    throw new Error('error-envelope is registered twice on this server; register it once, at the root, before the routes')
  }
  instance[kRegistered] = true
}

/**
 * Warns once, when the server is ready, if the envelope's error handler was
 * replaced on the same instance by a later `setErrorHandler()` (Fastify only
 * says FSTWRN004): that handler's errors leave in its own shape.
 *
 * @example
 * ```ts
 * warnReplacedErrorHandler(fastify, installed)
 * // warn: error-envelope's error handler was replaced by a later setErrorHandler() ...
 * ```
 */
export function warnReplacedErrorHandler (fastify: FastifyInstance, installed: unknown): void {
  fastify.addHook('onReady', function checkErrorHandler (done) {
    if (fastify.errorHandler !== installed) {
      safeLog(fastify.log, 'warn', {}, 'error-envelope\'s error handler was replaced by a later setErrorHandler() on the same instance, so errors leave in that handler\'s shape: remove that call, or make it in a child plugin (app.register(async (child) => { child.setErrorHandler(...) })) for the routes that need it')
    }
    done()
  })
}
