interface CounterLike {
  add: (value: number, attributes: Record<string, string | number>) => void
}

interface MeterProviderLike {
  getMeter: (name: string) => { createCounter: (name: string, options: { description: string, unit: string }) => CounterLike }
}

/** The part of `@opentelemetry/api`'s metrics the package uses. */
export interface MetricsApi {
  metrics: { getMeterProvider: () => MeterProviderLike }
}

/**
 * The counter's name, in the package's own namespace, pluralized as a count
 * of discrete errors (as the conventions' `hw.errors`).
 *
 * @example
 * ```ts
 * import { ERROR_METRIC } from 'error-envelope'
 * ERROR_METRIC // 'error_envelope.errors'
 * ```
 */
export const ERROR_METRIC = 'error_envelope.errors'

// The methods the HTTP semantic conventions name; any other is `_OTHER`,
// so that a client cannot make a series per made-up method.
const KNOWN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'QUERY', 'TRACE'])

// The global meter provider can be set after the package is loaded (the
// API keeps no proxy for metrics, unlike traces): the counter is made again
// whenever the provider changes, which costs one comparison per answer.
let provider: MeterProviderLike | undefined
let counter: CounterLike | undefined

/**
 * Counts one error answer on the `error_envelope.errors` counter (unit
 * `{error}`), with `error.type`, `http.response.status_code`,
 * `http.request.method` (a known method, else `_OTHER`) and `http.route`
 * (the route template; absent for a request no route matched). Each is
 * drawn from a bounded list, so unknown paths never make new series.
 *
 * @example
 * ```ts
 * countErrorAnswer(api, 'not_found', 404, { method: 'GET', route: '/users/:id' })
 * // error_envelope.errors{error.type="not_found",http.response.status_code=404,http.request.method="GET",http.route="/users/:id"} +1
 * ```
 */
export function countErrorAnswer (api: MetricsApi, errorType: string, status: number, request: { method: string | undefined, route: string | undefined }): void {
  const current = api.metrics.getMeterProvider()
  if (current !== provider) {
    counter = current.getMeter('error-envelope').createCounter(ERROR_METRIC, {
      description: 'Error answers sent, by code',
      unit: '{error}'
    })
    provider = current
  }
  const attributes: Record<string, string | number> = {
    'error.type': errorType,
    'http.response.status_code': status,
    'http.request.method': request.method !== undefined && KNOWN_METHODS.has(request.method) ? request.method : '_OTHER'
  }
  if (request.route !== undefined) attributes['http.route'] = request.route
  // Made above on the first answer, when `provider` was still undefined.
  const made = counter as CounterLike
  made.add(1, attributes)
}
