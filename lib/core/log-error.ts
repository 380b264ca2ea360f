import { readField } from './safe-read.js'

/**
 * A thrown value as a log line carries it: a plain object with `type`,
 * `message`, `stack`, `code`, `statusCode`, `cause` and the `errors` of an
 * `AggregateError`. Built through guards, bounded in depth and size, and
 * without the error's `headers` (where `Set-Cookie` and `Authorization`
 * values travel) or any other property.
 */
export interface LoggedError {
  type: string
  message: string
  stack?: string
  code?: string | number
  statusCode?: number
  cause?: LoggedError
  errors?: LoggedError[]
}

const MAX_DEPTH = 4
const MAX_TEXT = 8192
const MAX_AGGREGATED = 10

/**
 * Describes a thrown value for a log line. `withStack` adds the stack (the
 * plugin asks for it on 5xx only).
 *
 * @example
 * ```ts
 * import { errorForLog } from 'error-envelope'
 * errorForLog(new Error('boom'), true) // { type: 'Error', message: 'boom', stack: 'Error: boom\n    at …' }
 * errorForLog('boom', true) // { type: 'string', message: 'boom' }
 * ```
 */
export function errorForLog (thrown: unknown, withStack: boolean): LoggedError {
  // Every read below goes through a guard, so no thrown value can make this throw.
  return describeThrown(thrown, withStack, 0, new Set())
}

function describeThrown (thrown: unknown, withStack: boolean, depth: number, seen: Set<object>): LoggedError {
  if (typeof thrown !== 'object' || thrown === null) {
    return plain(thrown === null ? 'null' : typeof thrown, cap(primitiveText(thrown)))
  }
  if (seen.has(thrown)) return plain('circular', '[circular]')
  seen.add(thrown)

  const logged = plain(typeName(thrown), cap(text(readField(thrown, 'message'))))
  const stack = withStack ? readField(thrown, 'stack') : undefined
  if (typeof stack === 'string') logged.stack = cap(stack)
  const code = readField(thrown, 'code')
  if (typeof code === 'string' || typeof code === 'number') logged.code = typeof code === 'string' ? cap(code) : code
  const statusCode = readField(thrown, 'statusCode') ?? readField(thrown, 'status')
  if (typeof statusCode === 'number') logged.statusCode = statusCode
  if (depth < MAX_DEPTH) {
    const cause = readField(thrown, 'cause')
    if (cause !== undefined) logged.cause = describeThrown(cause, withStack, depth + 1, seen)
    const errors = firstErrors(readField(thrown, 'errors'))
    if (errors !== undefined) {
      logged.errors = errors.map((inner) => describeThrown(inner, withStack, depth + 1, seen))
    }
  }
  return logged
}

// pino's `err` serializer takes the type from `constructor.name`, else from
// `name`: a null prototype and a hidden `name` make it keep ours.
function plain (type: string, message: string): LoggedError {
  const logged: LoggedError = Object.create(null)
  Object.defineProperty(logged, 'name', { value: type })
  logged.type = type
  logged.message = message
  return logged
}

// An `errors` list that cannot be read (a Proxy whose trap throws) is left
// out, so that the rest of the error is still described.
// The copy is made by hand: an Array subclass could make slice() or map()
// run code of its own.
function firstErrors (value: unknown): unknown[] | undefined {
  try {
    if (!Array.isArray(value)) return undefined
    const first: unknown[] = []
    for (let i = 0; i < value.length && i < MAX_AGGREGATED; i++) first.push(value[i])
    return first
  } catch {
    return undefined
  }
}

function typeName (value: object): string {
  const name = readField(readField(value, 'constructor'), 'name')
  return typeof name === 'string' && name.length > 0 ? cap(name) : 'Object'
}

function text (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function primitiveText (value: unknown): string {
  if (typeof value === 'symbol') return value.description ?? ''
  return String(value)
}

function cap (value: string): string {
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) + '…' : value
}
