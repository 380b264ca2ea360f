import { MisuseError } from '../core/misuse.js'
import { readField } from '../core/safe-read.js'

/**
 * The middleware of one `errorEnvelope()` that the checks look for in the
 * app: the first of `beforeRoutes()` (or the request id middleware mounted
 * alone), and the two of `afterRoutes()`.
 */
export interface EnvelopeMounts {
  before: readonly unknown[]
  notFound: readonly unknown[]
  errorHandler: readonly unknown[]
  /** Whether the global rate limit counts in `beforeRoutes()`. */
  globalLimit: boolean
}

/** What the checks found: warnings to say once, and the error of a limit that never counts. */
export interface MountFindings {
  warnings: string[]
  error: MisuseError | undefined
}

/** The warning of `afterRoutes()` never mounted. */
export const AFTER_ROUTES_MISSING = 'error-envelope: beforeRoutes() is mounted but afterRoutes() is not; add app.use(envelope.afterRoutes()) after the routes, or errors answer with Express\'s HTML page'

/** The error of a global rate limit that `beforeRoutes()` does not count before the routes. */
export const RATE_LIMIT_UNCOUNTED = 'error-envelope: the rateLimit option counts in beforeRoutes(), which is not mounted before the routes, so the limit would never count: mount app.use(envelope.beforeRoutes()) before the routes. Requests that reach the envelope are answered 500 until then'

/** The error of `afterRoutes()` asked for before `beforeRoutes()`, with the global rate limit on. */
export const RATE_LIMIT_UNCOUNTED_SETUP = 'error-envelope: afterRoutes() was called before beforeRoutes(), but the rateLimit option counts in beforeRoutes(), so the limit would never count: mount app.use(envelope.beforeRoutes()) before the routes, then app.use(envelope.afterRoutes()) after them'

/** The warning of two `errorEnvelope()` instances in one app. */
export const TWO_ENVELOPES = 'error-envelope: two errorEnvelope() instances are mounted in this app, each with its own request ids, limits and answers: make one errorEnvelope() and mount its beforeRoutes() and afterRoutes() once'

// Every middleware an errorEnvelope() hands out carries the instance it
// belongs to, so that another instance's is recognised in the stack.
const kEnvelope = Symbol.for('error-envelope.instance')

/**
 * Marks middleware as belonging to one `errorEnvelope()`.
 *
 * @example
 * ```ts
 * const owner = {}
 * markOwner(owner, requestId, notFound, errorHandler)
 * ```
 */
export function markOwner (owner: object, ...middleware: unknown[]): void {
  for (const one of middleware) (one as { [kEnvelope]?: object })[kEnvelope] = owner
}

// Routers nest no deeper than this in any app a person writes.
const MAX_DEPTH = 16
// Routes named in a warning, at most.
const MAX_NAMED = 5

type Entry = { kind: 'before' | 'notFound' | 'errorHandler' | 'other' } | { kind: 'route', name: string }

/**
 * The mistakes of how one envelope is mounted in an app, read from its
 * router's stack in order (routers mounted in it included) at the first
 * request that reaches the envelope: `afterRoutes()` missing, or mounted
 * before routes (they answer 404); `beforeRoutes()` missing, or mounted
 * after routes (their answers have no request id and no `req.log`), which
 * is an error when the global rate limit counts there; two envelopes.
 *
 * @example
 * ```ts
 * mountMistakes(req.app, { before: [firstOfRoutes], notFound: [notFound], errorHandler: [errorHandler], globalLimit: false })
 * // { warnings: ['error-envelope: afterRoutes() is mounted before routes (GET /late), ...'], error: undefined }
 * ```
 */
export function mountMistakes (app: unknown, mounts: EnvelopeMounts): MountFindings {
  const entries: Entry[] = []
  const owner = (mounts.notFound[0] as { [kEnvelope]?: object })[kEnvelope]
  collect(readField(app, 'router'), mounts, owner, entries, 0)
  const warnings: string[] = []
  const position = (kind: Entry['kind']): number => entries.findIndex((entry) => entry.kind === kind)
  const routes = (from: number, to: number): string[] => entries.slice(from, to).flatMap((entry) => entry.kind === 'route' ? [entry.name] : [])
  const before = position('before')
  const notFound = position('notFound')

  if (entries.some((entry) => entry.kind === 'other')) warnings.push(TWO_ENVELOPES)
  if (position('errorHandler') === -1) {
    if (before !== -1) warnings.push(AFTER_ROUTES_MISSING)
  } else if (notFound !== -1) {
    const late = routes(notFound, entries.length)
    if (late.length > 0) warnings.push(`error-envelope: afterRoutes() is mounted before routes (${named(late)}), which therefore answer 404: mount app.use(envelope.afterRoutes()) after the last route`)
  }
  const early = before === -1 ? [] : routes(0, before)
  if (mounts.globalLimit && (before === -1 || early.length > 0)) {
    return { warnings, error: new MisuseError('ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED', RATE_LIMIT_UNCOUNTED) }
  }
  if (before === -1) warnings.push('error-envelope: beforeRoutes() is not mounted, so answers that succeed carry no request id and req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes')
  else if (early.length > 0) warnings.push(`error-envelope: beforeRoutes() is mounted after routes (${named(early)}), whose answers carry no request id and whose req.log is undefined: mount app.use(envelope.beforeRoutes()) before the routes`)
  return { warnings, error: undefined }
}

// The app's middleware and routes in the order the router tries them.
function collect (router: unknown, mounts: EnvelopeMounts, owner: unknown, entries: Entry[], depth: number): void {
  const stack = readField(router, 'stack')
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return
  for (const layer of stack) {
    const handle = readField(layer, 'handle')
    const route = readField(layer, 'route')
    if (mounts.before.includes(handle)) entries.push({ kind: 'before' })
    else if (mounts.notFound.includes(handle)) entries.push({ kind: 'notFound' })
    else if (mounts.errorHandler.includes(handle)) entries.push({ kind: 'errorHandler' })
    else if (typeof handle === 'function' && kEnvelope in handle && (handle as { [kEnvelope]?: unknown })[kEnvelope] !== owner) entries.push({ kind: 'other' })
    else if (route !== undefined) entries.push({ kind: 'route', name: routeName(route) })
    else collect(handle, mounts, owner, entries, depth + 1)
  }
}

function routeName (route: unknown): string {
  const methods = Object.keys(readField(route, 'methods') as object).filter((method) => method !== '_all').map((method) => method.toUpperCase())
  return `${methods.length === 0 ? 'ALL' : methods.join(', ')} ${String(readField(route, 'path'))}`
}

function named (routes: string[]): string {
  return routes.length > MAX_NAMED ? `${routes.slice(0, MAX_NAMED).join(', ')} and ${routes.length - MAX_NAMED} more` : routes.join(', ')
}
