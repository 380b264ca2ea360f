// OpenTelemetry's SDK as an app sets it up, for the benchmark rows with
// telemetry: a context manager, a tracer provider whose spans are handed to
// an exporter that drops them, a meter provider with a reader, and a span
// per request around the server's request listener (what
// @opentelemetry/instrumentation-http does).
import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

class HeldReader extends MetricReader {
  async onForceFlush () {}
  async onShutdown () {}
}

const droppingExporter = {
  export (spans, done) { done({ code: 0 }) },
  async shutdown () {}
}

/** Registers the SDK globally. */
export function registerOtelSdk () {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(droppingExporter)] }))
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new HeldReader()] }))
}

/** Runs every request of the server in a span of its own, ended when the response closes. */
export function spanPerRequest (server) {
  const tracer = trace.getTracer('bench-server')
  const listeners = server.listeners('request')
  server.removeAllListeners('request')
  server.on('request', function tracedRequest (req, res) {
    const span = tracer.startSpan('request')
    res.once('close', () => { span.end() })
    context.with(trace.setSpan(context.active(), span), () => {
      for (const listener of listeners) listener.call(server, req, res)
    })
  })
}
