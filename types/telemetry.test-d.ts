import Fastify from 'fastify'
import errorEnvelope, { ERROR_METRIC, OTHER_ERROR_TYPE, serverOptions, traceIdOf, type TelemetryOptions } from 'error-envelope'
import { errorEnvelope as expressEnvelope } from 'error-envelope/express'

const app = Fastify(serverOptions({ requestId: { fromTraceparent: true }, telemetry: { metrics: false } }))
await app.register(errorEnvelope, { telemetry: false, requestId: { fromTraceparent: true } })
await app.register(errorEnvelope, { telemetry: { spans: true, metrics: false, logs: true } })
// @ts-expect-error the part is named spans
await app.register(errorEnvelope, { telemetry: { span: false } })
// @ts-expect-error fromTraceparent is a boolean
await app.register(errorEnvelope, { requestId: { fromTraceparent: 'yes' } })
expressEnvelope({ telemetry: true, requestId: { fromTraceparent: true } })

const options: TelemetryOptions = { logs: false }
const metric: string = ERROR_METRIC
const other: string = OTHER_ERROR_TYPE
const traceId: string | undefined = traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')

export { options, metric, other, traceId }
