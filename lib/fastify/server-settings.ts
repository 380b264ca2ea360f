import type { FastifyInstance } from 'fastify'
import type { Settings } from './options.js'

// The plugin's settings per HTTP server, so that the answers Fastify asks
// for before the plugin has a say (`serverOptions()`'s handlers of a
// malformed URL or a request Node could not parse) apply the same options:
// `doc_url`, `mapError`, `exposeServerErrors`, `errorHeaders`, the format.
const byServer = new WeakMap<object, Settings>()

/**
 * Records the plugin's settings for the server it runs on.
 *
 * @example
 * ```ts
 * rememberSettings(fastify, settings)
 * ```
 */
export function rememberSettings (fastify: FastifyInstance, settings: Settings): void {
  byServer.set(fastify.server, settings)
}

// What each option given to `serverOptions()` decides of its answers.
const OWN_FIELDS = {
  requestId: ['requestIdHeader', 'trustIncomingRequestId', 'newRequestId', 'requestIdFromTraceparent'],
  telemetry: ['telemetry'],
  logLevels: ['clientErrorLevel', 'serverErrorLevel'],
  format: ['format']
} as const satisfies Record<string, ReadonlyArray<keyof Settings>>

/**
 * The settings `serverOptions()` answers with: those of the plugin
 * registered on the server, with the options given to `serverOptions()`
 * itself (`requestId`, `logLevels`, `format`) where they were given; `own`
 * alone while no plugin is registered. Made once per plugin.
 *
 * @example
 * ```ts
 * const settingsOf = serverSettings(own, ['logLevels'])
 * settingsOf(request.server.server)
 * ```
 */
export function serverSettings (own: Settings, given: readonly string[]): (server: unknown) => Settings {
  const merged = new WeakMap<Settings, Settings>()
  return function settingsOfServer (server) {
    const plugin = typeof server === 'object' && server !== null ? byServer.get(server) : undefined
    if (plugin === undefined) return own
    let settings = merged.get(plugin)
    if (settings === undefined) {
      const mixed: Record<string, unknown> = { ...plugin }
      for (const [option, fields] of Object.entries(OWN_FIELDS)) {
        if (given.includes(option)) for (const field of fields) mixed[field] = own[field]
      }
      settings = mixed as unknown as Settings
      merged.set(plugin, settings)
    }
    return settings
  }
}
