import type { FastifyInstance } from 'fastify'
import { envelopeSchema } from '../core/envelope-schema.js'

/**
 * Adds the envelope's contract to the server as a shared schema, under its
 * `$id` (`urn:error-envelope:envelope`), so that routes can name it in their
 * `response` schemas and documentation generators can show it. A schema of
 * that id the app added itself is left as it is.
 *
 * @example
 * ```ts
 * installContractSchema(fastify)
 * app.get('/w/:id', { schema: { response: { 404: { $ref: 'urn:error-envelope:envelope#' } } } }, handler)
 * ```
 */
export function installContractSchema (fastify: FastifyInstance): void {
  if (fastify.getSchema(envelopeSchema.$id as string) === undefined) fastify.addSchema(structuredClone(envelopeSchema))
}
