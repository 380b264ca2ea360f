import { createRequire } from 'node:module'
import { MisuseError } from './misuse.js'

/**
 * The error of a missing optional peer: a package that only one option (or
 * one framework) needs, which the app did not install. A `MisuseError` of
 * code `ERR_ENVELOPE_PEER_MISSING`.
 *
 * @example
 * ```ts
 * new PeerMissingError('express-rate-limit', 'the rateLimit option').message
 * // 'error-envelope: the rateLimit option needs express-rate-limit, which is not installed: npm install express-rate-limit'
 * ```
 */
export class PeerMissingError extends MisuseError {
  /** The package to install. */
  readonly peer: string

  constructor (peer: string, user: string, hint = '') {
    super('ERR_ENVELOPE_PEER_MISSING', `error-envelope: ${user} needs ${peer}, which is not installed: npm install ${peer}${hint}`)
    this.peer = peer
  }
}

/**
 * Loads an optional peer at once, when the option that needs it is read:
 * a missing one fails there, with the install command, rather than at the
 * first request. Loaded with `require` (every peer ships CommonJS), resolved
 * from this package's own folder as an `import` of it would be.
 *
 * @example
 * ```ts
 * const { rateLimit } = loadPeer<typeof import('express-rate-limit')>('express-rate-limit', 'the rateLimit option')
 * loadPeer('fastify', 'serverOptions()', { hint: "; on Express, import from 'error-envelope/express'" })
 * // Error: error-envelope: serverOptions() needs fastify, which is not installed: npm install fastify; on Express, ...
 * ```
 */
export function loadPeer<T> (peer: string, user: string, options: PeerOptions = {}): T {
  const own = createRequire(ownFile())
  const require = options.from === undefined ? own : createRequire(own.resolve(options.from))
  try {
    require.resolve(peer)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') throw new PeerMissingError(peer, user, options.hint)
    /* c8 ignore next 2: resolving fails otherwise only on a broken package.json of the peer */
    throw error
  }
  return require(peer) as T
}

/** Options of `loadPeer()`. */
export interface PeerOptions {
  /** Words added to the message, after the install command. */
  hint?: string
  /** A package the peer is a dependency of, to resolve it from: `fastify` for `@fastify/ajv-compiler`. */
  from?: string
}

// This file's own path or URL. One source compiles to both module systems,
// where only CommonJS has __filename and only an ES module has import.meta:
// the first frame of a stack trace names the file in either.
function ownFile (): string {
  const { prepareStackTrace, stackTraceLimit } = Error
  try {
    Error.stackTraceLimit = 1
    Error.prepareStackTrace = function frames (_error, callSites) { return callSites }
    const callSites = new Error().stack as unknown as NodeJS.CallSite[]
    return callSites[0].getFileName() as string
  } finally {
    Error.prepareStackTrace = prepareStackTrace
    Error.stackTraceLimit = stackTraceLimit
  }
}
