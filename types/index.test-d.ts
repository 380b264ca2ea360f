import Fastify from 'fastify'
import errorEnvelope, {
  ApiError,
  errorEnvelope as named,
  isApiError,
  notFound,
  serverOptions,
  unauthorized,
  type ErrorEnvelopeOptions
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
if (isApiError(value)) {
  const narrowed: number = value.status
  void narrowed
}
void options
void wrong
void status
void code
