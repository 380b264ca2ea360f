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
import { MisuseError } from '../core/misuse.js'

/**
 * The plugin before `fastify-plugin` wraps it: checks the options, then
 * installs request ids, logging, the error handler, the rate limiter and the
 * fallback for requests no route handles, in that order (hooks added before
 * `setNotFoundHandler` run for the fallback too).
 */
export const errorEnvelopePlugin: FastifyPluginAsync<ErrorEnvelopeOptions> = async function errorEnvelope (fastify, options) {
  refuseNonFastify(fastify)
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

/** What `fastify-plugin` is told of the plugin: the Fastify versions it needs, and its name. */
export const PLUGIN_META = Object.freeze({ fastify: '>=5.12.1 <6', name: 'error-envelope' })

// The default export used as Express middleware (app.use(errorEnvelope))
// would be called with a request: said plainly, with the Express entry.
function refuseNonFastify (fastify: unknown): void {
  const instance = fastify as { register?: unknown, addHook?: unknown } | null
  if (typeof instance?.register !== 'function' || typeof instance.addHook !== 'function') {
    throw new MisuseError('ERR_ENVELOPE_NOT_FASTIFY', 'error-envelope: the default export of \'error-envelope\' is the Fastify plugin, to register with app.register(errorEnvelope); on Express, import { errorEnvelope } from \'error-envelope/express\' and mount envelope.beforeRoutes() and envelope.afterRoutes()')
  }
}
