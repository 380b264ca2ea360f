// The public surface both entry points share: the same objects from
// 'error-envelope' and 'error-envelope/express', so that an error made with
// one is recognised by the other.
export { ApiError, isApiError, type ApiErrorOptions, type ErrorDetail, type ErrorHeaders } from './api-error.js'
export { codeFor, defaultCodes, isErrorStatus, specialCodes, typeForStatus, type BuiltInErrorCode, type CodeEntry, type ErrorCodeOf } from './codes.js'
export { buildEnvelope, serializeEnvelope, type Envelope, type NormalizedError } from './envelope.js'
export {
  badGateway,
  badRequest,
  conflict,
  forbidden,
  gatewayTimeout,
  gone,
  internalError,
  locked,
  methodNotAllowed,
  notFound,
  notImplemented,
  payloadTooLarge,
  paymentRequired,
  preconditionFailed,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessable,
  unsupportedMediaType,
  type MethodNotAllowedOptions,
  type RetryAfterOptions,
  type UnauthorizedOptions
} from './helpers.js'
export { errorForLog, type LoggedError } from './log-error.js'
export { MisuseError, type MisuseCode } from './misuse.js'
export { defaultErrorHeaders, normalizeError, refusedErrorHeaders, type NormalizeSettings } from './normalize.js'
export type { NotFoundOptions } from './unrouted.js'
export type { UnderPressureOptions } from './overload.js'
export { catalogEntries, defineErrors, type BuiltInDescription, type CatalogEntry, type ErrorCatalog, type ErrorDefinition, type Placeholders, type Thrower } from './catalog.js'
export { combineErrors, type CombinedCatalog } from './combine-errors.js'
export { catalogJson, renderCatalogHtml, renderCatalogMarkdown } from './catalog-page.js'
export type { DocsOptions } from './docs-options.js'
export { problemOf, type ErrorFormat, type ProblemDetails, type ProblemFieldError } from './problem.js'
export { generateRequestId, isValidRequestId, REQUEST_ID_PATTERN, resolveRequestId } from './request-id.js'
export type { RequestPart, ValidationOptions, ValidationStatus } from './validation.js'
export { validate, type AjvLike, type ValidateOptions } from './validate.js'
export type { CommonOptions, LogLevel, MapError, RequestIdOptions } from './options.js'
export { OTHER_ERROR_TYPE, type TelemetryOptions } from './telemetry.js'
export { ERROR_METRIC } from './telemetry-metric.js'
export { traceIdOf } from './traceparent.js'
export { envelopeSchema } from './envelope-schema.js'
export { problemSchema } from './problem-schema.js'
