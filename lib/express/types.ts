import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EnvelopeLogger } from '../core/logger.js'

/**
 * A request as the adapter's middleware sees it: Node's request, with the
 * id and logger that `beforeRoutes()` gives it. Express's `Request` is one.
 */
export type EnvelopeRequest = IncomingMessage & { id?: string, log?: EnvelopeLogger, app?: unknown, originalUrl?: string }

/**
 * The request a `keyGenerator` receives on Express: Node's request with
 * Express's `req.ip`, and whatever `@types/express` declares when installed.
 *
 * @example
 * ```ts
 * const byKey = (req: ExpressRequest) => req.headers['x-api-key'] as string | undefined
 * ```
 */
export type ExpressRequest = IncomingMessage & Express.Request & { ip?: string }

/** A middleware, typed with Node's objects so that it fits Express 5 without importing it. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void

/** An error-handling middleware (four arguments, as Express recognises it). */
export type ErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void

declare global {
  // Express's own request type, filled in by @types/express when installed.
  // Nothing is added to it: pino-http declares `id` and `log` on Node's
  // request with types of its own, and a second declaration of either would
  // break every program that has both (TS2320); getRequestId() and
  // getLogger() give them typed.
  namespace Express {
    interface Request {}
  }
}
