import Fastify from 'fastify'
import errorEnvelope, {
  ApiError,
  badGateway,
  badRequest,
  conflict,
  errorEnvelope as named,
  forbidden,
  gatewayTimeout,
  internalError,
  isApiError,
  methodNotAllowed,
  notFound,
  notImplemented,
  routeRateLimit,
  serverOptions,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessable,
  type ApiErrorOptions,
  type EnvelopeServerOptions,
  type ErrorDetail,
  type ErrorEnvelopeOptions,
  type ErrorHeaders,
  type LogLevel,
  type MethodNotAllowedOptions,
  type RequestIdOptions,
  type RetryAfterOptions,
  type UnauthorizedOptions
} from 'error-envelope'

const app = Fastify({ ...serverOptions() })
await app.register(errorEnvelope)
await app.register(named, { exposeServerErrors: false, requestId: { header: 'x-correlation-id' } })
await app.register(errorEnvelope, { logLevels: { clientError: 'warn' } })

// @ts-expect-error an unknown log level is refused
await app.register(errorEnvelope, { logLevels: { clientError: 'loud' } })
// @ts-expect-error exposeServerErrors is a boolean
await app.register(errorEnvelope, { exposeServerErrors: 'yes' })

const options: ErrorEnvelopeOptions = { validation: { maxDetails: 50, status: { body: 400 } } }
// @ts-expect-error a validation status is 400 or 422
const wrong: ErrorEnvelopeOptions = { validation: { status: 404 } }

const error: ApiError = notFound('Widget w_1 not found', { param: 'id' })
const status: number = error.statusCode
const code: string = error.code
// @ts-expect-error the status is read-only
error.status = 500
unauthorized(undefined, { challenge: 'Basic realm="api"' })
// @ts-expect-error details need a field and a message
notFound('x', { details: [{ field: 'a' }] })

const value: unknown = error
const narrowed: number | undefined = isApiError(value) ? value.status : undefined

// Every helper takes an optional message and the common options, and returns an ApiError.
const common: ApiErrorOptions = {
  code: 'widget_missing',
  type: 'invalid_request_error',
  param: 'id',
  details: [{ field: 'id', message: 'is unknown' }],
  headers: { 'cache-control': 'no-store', 'x-count': 3, vary: ['Accept', 'Origin'] },
  cause: new Error('lookup failed'),
  expose: false,
  captureStack: true
}
const made: ApiError[] = [
  badRequest(), badRequest('x', common),
  forbidden(), forbidden('x', common),
  notFound(), notFound('x', common),
  conflict(), conflict('x', common),
  unprocessable(), unprocessable('x', common),
  internalError(), internalError('x', common),
  notImplemented(), notImplemented('x', common),
  badGateway(), badGateway('x', common),
  gatewayTimeout(), gatewayTimeout('x', common),
  unauthorized(), unauthorized('x', { ...common, challenge: 'Basic realm="api"' }),
  methodNotAllowed(), methodNotAllowed('x', { ...common, allow: ['GET', 'HEAD'] as const }),
  tooManyRequests(), tooManyRequests('x', { ...common, retryAfter: 30 }),
  serviceUnavailable(), serviceUnavailable('x', { ...common, retryAfter: 1.5 }),
  new ApiError(418), new ApiError(409, 'x', common)
]
const unauthorizedOptions: UnauthorizedOptions = { challenge: 'Bearer' }
const allowOptions: MethodNotAllowedOptions = { allow: ['GET'] }
const retryOptions: RetryAfterOptions = { retryAfter: 5 }
const detail: ErrorDetail = { field: 'a', message: 'b' }
const headers: ErrorHeaders = { allow: 'GET', 'retry-after': 5, vary: ['Accept'] }

// @ts-expect-error the message is a string
notFound(404)
// @ts-expect-error code is a string
badRequest('x', { code: 400 })
// @ts-expect-error expose is a boolean
internalError('x', { expose: 'no' })
// @ts-expect-error header values are strings, numbers or lists of strings
badRequest('x', { headers: { allow: true } })
// @ts-expect-error details is a list
unprocessable('x', { details: { field: 'a', message: 'b' } })
// @ts-expect-error unknown options are refused
conflict('x', { status: 409 })
// @ts-expect-error challenge belongs to unauthorized()
forbidden('x', { challenge: 'Bearer' })
// @ts-expect-error the challenge is a string
unauthorized('x', { challenge: ['Bearer'] })
// @ts-expect-error allow is a list of methods
methodNotAllowed('x', { allow: 'GET' })
// @ts-expect-error allow belongs to methodNotAllowed()
notFound('x', { allow: ['GET'] })
// @ts-expect-error retryAfter is a number of seconds
tooManyRequests('x', { retryAfter: '30' })
// @ts-expect-error retryAfter belongs to tooManyRequests() and serviceUnavailable()
gatewayTimeout('x', { retryAfter: 30 })
// @ts-expect-error an ApiError needs a status
const noStatus = new ApiError()

// The fields of an ApiError are read-only.
const readOnly = notFound()
// @ts-expect-error code is read-only
readOnly.code = 'other'
// @ts-expect-error headers are read-only
readOnly.headers = {}
const readCode: string = readOnly.code
const readParam: string | undefined = readOnly.param
const readDetails: readonly ErrorDetail[] | undefined = readOnly.details
const readHeaders: ErrorHeaders | undefined = readOnly.headers
const readExpose: boolean = readOnly.expose

// serverOptions() takes the requestId and logLevels options, and spreads into Fastify's.
const server: EnvelopeServerOptions = serverOptions({ requestId: { header: 'x-correlation-id', trustIncoming: false }, logLevels: { serverError: 'fatal' } })
const spread = Fastify({ logger: true, ...serverOptions() })
// @ts-expect-error serverOptions() does not take exposeServerErrors
serverOptions({ exposeServerErrors: true })
// @ts-expect-error requestId.header is a string or false
serverOptions({ requestId: { header: true } })

// Every plugin option, and the wrong types for each.
const requestId: RequestIdOptions = { header: false, trustIncoming: true, generate: () => 'id-1' }
const level: LogLevel = 'debug'
const everything: ErrorEnvelopeOptions = {
  exposeServerErrors: true,
  errorHeaders: ['x-quota'],
  requestId,
  logLevels: { clientError: level, serverError: 'error' },
  validation: { maxDetails: 10, status: 422 },
  rateLimit: false
}
await spread.register(errorEnvelope, everything)
// @ts-expect-error errorHeaders is a list of names
const wrongHeaders: ErrorEnvelopeOptions = { errorHeaders: 'x-quota' }
// @ts-expect-error requestId.generate returns a string
const wrongGenerate: ErrorEnvelopeOptions = { requestId: { generate: () => 42 } }
// @ts-expect-error requestId.trustIncoming is a boolean
const wrongTrust: ErrorEnvelopeOptions = { requestId: { trustIncoming: 'yes' } }
// @ts-expect-error unknown options are refused
const wrongName: ErrorEnvelopeOptions = { exposeErrors: true }
// @ts-expect-error validation.maxDetails is a number
const wrongMax: ErrorEnvelopeOptions = { validation: { maxDetails: '10' } }
// @ts-expect-error rateLimit is options or false
const wrongRateLimit: ErrorEnvelopeOptions = { rateLimit: true }

// A route's own limit, typed as the plugin reads it.
spread.get('/search', { config: { rateLimit: routeRateLimit({ max: 10, timeWindow: '1 minute', ban: 2, keyGenerator: (request) => request.ip }) } }, async () => 'hits')
// @ts-expect-error a misspelled field
routeRateLimit({ maxx: 10 })
// @ts-expect-error max is a number, not a function
routeRateLimit({ max: () => 10 })
// @ts-expect-error hook is @fastify/rate-limit's own, which the plugin does not take
routeRateLimit({ hook: 'preHandler' })
const noNotFound: ErrorEnvelopeOptions = { notFound: { code: 'route_not_found', message: (method, path) => `${method} ${path} is not here` } }
// @ts-expect-error notFound.message is a string or a function of the method and path
const wrongNotFound: ErrorEnvelopeOptions = { notFound: { message: 404 } }

// Exported, so that every value above counts as used.
export {
  narrowed,
  options,
  wrong,
  status,
  code,
  made,
  unauthorizedOptions,
  allowOptions,
  retryOptions,
  detail,
  headers,
  noStatus,
  readCode,
  readParam,
  readDetails,
  readHeaders,
  readExpose,
  server,
  wrongHeaders,
  wrongGenerate,
  wrongTrust,
  wrongName,
  wrongMax,
  wrongRateLimit,
  noNotFound,
  wrongNotFound
}
