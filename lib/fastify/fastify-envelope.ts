import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { MisuseError } from '../core/misuse.js'
import { objectOption } from '../core/option-checks.js'
import { REGISTER_OPTIONS, type ErrorEnvelopeOptions } from './options.js'
import { errorEnvelopePlugin, PLUGIN_META } from './plugin.js'
import { serverOptions, type EnvelopeServerOptions } from './server-options.js'

/**
 * The plugin's options and `strictBody`, given once for the server and the
 * plugin.
 *
 * @example
 * ```ts
 * const options: FastifyEnvelopeOptions = { requestId: { header: 'x-correlation-id' }, strictBody: true }
 * ```
 */
export interface FastifyEnvelopeOptions extends ErrorEnvelopeOptions {
  /** Refuse extra properties and values of another type in bodies; see `serverOptions()`. Default false. */
  strictBody?: boolean
}

/**
 * What `fastifyEnvelope()` returns: the constructor options and the plugin,
 * both made from the same options.
 */
export interface FastifyEnvelope {
  /** To spread into `Fastify({ ... })`. */
  serverOptions: EnvelopeServerOptions
  /** To register, without options: `app.register(envelope.plugin)`. */
  plugin: FastifyPluginAsync
}

/**
 * The Fastify setup from one options object: the constructor options of
 * `serverOptions()` and the plugin, registered without options. The
 * options are checked here, once; `app.register(errorEnvelope, options)`
 * with `serverOptions(options)` stays the same setup.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { fastifyEnvelope } from 'error-envelope'
 *
 * const envelope = fastifyEnvelope({ requestId: { header: 'x-correlation-id' }, strictBody: true })
 * const app = Fastify({ logger: true, ...envelope.serverOptions })
 * await app.register(envelope.plugin)
 * ```
 */
export function fastifyEnvelope (options: FastifyEnvelopeOptions = {}): FastifyEnvelope {
  const { strictBody, ...pluginOptions } = objectOption('options', options) as FastifyEnvelopeOptions
  // Checks every option of the plugin too.
  const server = serverOptions({ ...pluginOptions, strictBody } as FastifyEnvelopeOptions)
  const plugin: FastifyPluginAsync = async function errorEnvelope (fastify, registered) {
    const extra = Object.keys(registered).filter((key) => !REGISTER_OPTIONS.includes(key))
    if (extra.length > 0) {
      throw new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', `error-envelope: the plugin of fastifyEnvelope() takes its options from fastifyEnvelope(options); register it without options (got ${extra.join(', ')})`)
    }
    await errorEnvelopePlugin(fastify, pluginOptions)
  }
  return { serverOptions: server, plugin: fp(plugin, PLUGIN_META) }
}
