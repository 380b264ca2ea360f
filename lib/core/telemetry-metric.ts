interface CounterLike {
  add: (value: number, attributes: Record<string, string | number>) => void
}

interface MeterProviderLike {
  getMeter: (name: string) => { createCounter: (name: string, options: { description: string, unit: string }) => CounterLike }
}

/** The part of `@opentelemetry/api`'s metrics the package uses. */
export interface MetricsApi {
  metrics: { getMeterProvider: () => MeterProviderLike }
  createNoopMeter: () => { createCounter: (name: string) => CounterLike }
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
 * The `error_envelope.errors` counter of the global meter provider, or
 * undefined while no SDK registered one: the API's no-op meter gives one
 * shared no-op counter, and an answer then counts nothing and reads nothing
 * for the count.
 *
 * @example
 * ```ts
 * errorCounter(api) // undefined until an SDK's MeterProvider is registered
 * ```
 */
export function errorCounter (api: MetricsApi): CounterLike | undefined {
  const current = api.metrics.getMeterProvider()
  if (current !== provider) {
    const made = current.getMeter('error-envelope').createCounter(ERROR_METRIC, {
      description: 'Error answers sent, by code',
      unit: '{error}'
    })
    counter = made === api.createNoopMeter().createCounter(ERROR_METRIC) ? undefined : made
    provider = current
  }
  return counter
}

/**
 * Counts one error answer on the `error_envelope.errors` counter (unit
 * `{error}`), with `error.type`, `http.response.status_code`,
 * `http.request.method` (a known method, else `_OTHER`) and `http.route`
 * (the route template; absent for a request no route matched). Each is
 * drawn from a bounded list, so unknown paths never make new series.
 *
 * @example
 * ```ts
 * countErrorAnswer(errorCounter(api), 'not_found', 404, 'GET', '/users/:id')
 * // error_envelope.errors{error.type="not_found",http.response.status_code=404,http.request.method="GET",http.route="/users/:id"} +1
 * ```
 */
export function countErrorAnswer (into: CounterLike, errorType: string, status: number, method: string | undefined, route: string | undefined): void {
  const attributes: Record<string, string | number> = {
    'error.type': errorType,
    'http.response.status_code': status,
    'http.request.method': method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER'
  }
  if (route !== undefined) attributes['http.route'] = route
  into.add(1, attributes)
}
