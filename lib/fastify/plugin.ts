import type { FastifyPluginAsync } from 'fastify'
import { installContractSchema } from './contract-schema.js'
import { installErrorHandler } from './error-handler.js'
import { installLogging } from './logging.js'
import { refuseSecondRegistration, warnReplacedErrorHandler, warnRoutesBeforePlugin } from './mistakes.js'
import { installDocsRoutes } from './docs-routes.js'
import { installOpenApiErrors } from './openapi.js'
import { installNotFound } from './not-found.js'
import { installUnderPressure } from './overload.js'
import { installShutdown } from './shutdown.js'
import { normalizeOptions, type ErrorEnvelopeOptions } from './options.js'
import { installRateLimit } from './rate-limit.js'
import { rememberSettings } from './server-settings.js'
import { installRequestId } from './request-id-hook.js'
import { installResponsePayloadKeeper } from './response-schema.js'
import { installSchemaErrorFormatter } from './schema-error-formatter.js'
import { loadTelemetry } from '../core/telemetry.js'

/**
 * The plugin before `fastify-plugin` wraps it: checks the options, then
 * installs request ids, logging, the error handler, the rate limiter and the
 * fallback for requests no route handles, in that order (hooks added before
 * `setNotFoundHandler` run for the fallback too).
 */
export const errorEnvelopePlugin: FastifyPluginAsync<ErrorEnvelopeOptions> = async function errorEnvelope (fastify, options) {
  const settings = normalizeOptions(options)
  refuseSecondRegistration(fastify)
  rememberSettings(fastify, settings)
  warnRoutesBeforePlugin(fastify)
  installRequestId(fastify, settings)
  installLogging(fastify)
  warnReplacedErrorHandler(fastify, installErrorHandler(fastify, settings))
  installSchemaErrorFormatter(fastify)
  installContractSchema(fastify)
  installResponsePayloadKeeper(fastify)
  installUnderPressure(fastify, settings)
  installShutdown(fastify, settings)
  const notFoundHooks = installRateLimit(fastify, settings)
  installNotFound(fastify, settings, notFoundHooks)
  installDocsRoutes(fastify, settings)
  installOpenApiErrors(fastify, settings)
  await loadTelemetry(settings.telemetry)
}
