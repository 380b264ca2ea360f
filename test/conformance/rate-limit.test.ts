import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { adapters, type Adapter, type LogLine, type Route, type SuiteOptions } from './adapters.js'

// The same limits on both adapters: the same statuses, the same headers and
// the same envelopes (request id aside) for the same sequence of requests.

const routes: Route[] = [
  { method: 'GET', path: '/widgets', handler: () => ({ widgets: [] }) },
  { method: 'POST', path: '/widgets', handler: () => ({ created: true }) },
  { method: 'GET', path: '/search', rateLimit: { max: 2 }, handler: () => ({ hits: [] }) },
  { method: 'GET', path: '/reports', rateLimit: { max: 1, timeWindow: '30s' }, handler: () => ({ reports: [] }) },
  { method: 'GET', path: '/broken', handler: () => { throw new Error('db down') } }
]

const HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy', 'retry-after', 'allow']

interface Request { method?: string, path: string, headers?: Record<string, string>, /** Milliseconds the clock moves before the request. */ tick?: number }
interface Answer { status: number, headers: Record<string, string>, body: unknown }
interface Run { answers: Answer[], logs: LogLine[] }

// Both in-memory stores (@fastify/rate-limit's and express-rate-limit's)
// read the time with Date.now(); a clock that only moves when a request says
// so makes every window and reset exact, whatever the machine's pace.
async function run (t: Test, adapter: Adapter, options: SuiteOptions, requests: Request[], served: Route[]): Promise<Run> {
  let now = Date.parse('2030-01-01T00:00:00Z')
  const clock = t.capture(Date, 'now', () => now)
  const app = await adapter.start(t, served, options)
  const answers: Answer[] = []
  for (const request of requests) {
    now += request.tick ?? 0
    const response = await fetch(`${app.base}${request.path}`, { method: request.method ?? 'GET', headers: request.headers })
    const headers: Record<string, string> = {}
    for (const name of HEADERS) {
      const value = response.headers.get(name)
      if (value !== null) headers[name] = value
    }
    const text = await response.text()
    let body: unknown = text
    if (response.status >= 400 && text !== '') {
      t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', `${adapter.name}: ${request.path} content type`)
      const parsed = JSON.parse(text)
      t.same(contractErrors(parsed), [], `${adapter.name}: ${request.path} answers the contract`)
      t.equal(parsed.error.request_id, response.headers.get('x-request-id'))
      delete parsed.error.request_id
      body = parsed
    }
    answers.push({ status: response.status, headers, body })
  }
  clock.restore()
  return { answers, logs: app.logs }
}

async function same (t: Test, options: SuiteOptions, requests: Request[], check: (answers: Answer[], logs: LogLine[]) => void, served = routes): Promise<void> {
  const results: Answer[][] = []
  for (const adapter of adapters) {
    const { answers, logs } = await run(t, adapter, options, requests, served)
    check(answers, logs)
    results.push(answers)
  }
  t.same(results[1], results[0], 'Express answers as Fastify does')
}

const exceeded = (seconds: number): object => ({ error: { code: 'rate_limit_exceeded', message: `Rate limit exceeded, retry in ${seconds} second${seconds === 1 ? '' : 's'}`, type: 'rate_limit_error' } })
const statuses = (answers: Answer[]): number[] => answers.map((answer) => answer.status)

t.test('limits nothing and sends no rate-limit header unless rateLimit is given', async (t) => {
  // A route's own limit without the option is refused at setup.
  const unlimited = routes.filter((route) => route.rateLimit === undefined)
  await same(t, {}, [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(answers, [0, 1, 2].map(() => ({ status: 200, headers: {}, body: '{"widgets":[]}' })))
  }, unlimited)
})

t.test('answers 2xx with X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset in seconds, the reset counting down', async (t) => {
  await same(t, { rateLimit: { max: 3, timeWindow: '1 minute' } }, [{ path: '/widgets' }, { path: '/widgets', tick: 15_500 }], (answers) => {
    t.same(statuses(answers), [200, 200])
    t.same(answers[0].headers, { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': '60' })
    t.same(answers[1].headers, { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '45' })
  })
})

t.test('answers the request past the limit 429 rate_limit_exceeded with Retry-After in whole seconds, in each header set', async (t) => {
  const requests = [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets', tick: 20_250 }]
  const legacy = { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '40', 'retry-after': '40' }
  await same(t, { rateLimit: { max: 2, timeWindow: 60_000 } }, requests, (answers) => {
    t.same(answers[2], { status: 429, headers: legacy, body: exceeded(40) })
  })
  await same(t, { rateLimit: { max: 2, timeWindow: 60_000, headers: 'both' } }, requests, (answers) => {
    t.same(answers[2], { status: 429, headers: { ...legacy, 'ratelimit-policy': '"default";q=2;w=60', ratelimit: '"default";r=0;t=40' }, body: exceeded(40) })
  })
})

t.test('answers the request past the global limit 429 with the same headers and envelope', async (t) => {
  await same(t, { rateLimit: { max: 2, timeWindow: '1 hour', headers: 'both' } }, [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(statuses(answers), [200, 200, 429])
    t.same(answers[2], {
      status: 429,
      headers: { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3600', 'ratelimit-policy': '"default";q=2;w=3600', ratelimit: '"default";r=0;t=3600', 'retry-after': '3600' },
      body: exceeded(3600)
    })
  })
})

t.test('answers Retry-After 1, never 0, one millisecond before the window ends, and counts afresh after it', async (t) => {
  await same(t, { rateLimit: { max: 1, timeWindow: 60_000 } }, [{ path: '/widgets' }, { path: '/widgets', tick: 59_999 }, { path: '/widgets', tick: 1 }], (answers) => {
    t.same(answers[1], { status: 429, headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1', 'retry-after': '1' }, body: exceeded(1) })
    t.same(answers[2], { status: 200, headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' }, body: '{"widgets":[]}' })
  })
})

t.test('rounds a window shorter than a second up to 1 in every header', async (t) => {
  await same(t, { rateLimit: { max: 1, timeWindow: 250, headers: 'both' } }, [{ path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(answers[1], {
      status: 429,
      headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1', ratelimit: '"default";r=0;t=1', 'ratelimit-policy': '"default";q=1;w=1', 'retry-after': '1' },
      body: exceeded(1)
    })
  })
})

t.test('sends only RateLimit and RateLimit-Policy with headers: draft', async (t) => {
  const requests: Request[] = Array.from({ length: 57 }, () => ({ path: '/widgets' }))
  await same(t, { rateLimit: { max: 100, timeWindow: '1 minute', headers: 'draft' } }, [...requests, { path: '/widgets', tick: 30_000 }], (answers) => {
    t.same(answers[57], { status: 200, headers: { ratelimit: '"default";r=42;t=30', 'ratelimit-policy': '"default";q=100;w=60' }, body: '{"widgets":[]}' })
  })
})

t.test('counts 404, 405 and 501 answers against the global limit, and answers them 429 past it', async (t) => {
  await same(t, { rateLimit: { max: 4 } }, [
    { path: '/nowhere' }, { method: 'DELETE', path: '/widgets' }, { method: 'PROPFIND', path: '/widgets' }, { path: '/widgets' },
    { path: '/another-unknown-path' }, { path: '/widgets' }
  ], (answers) => {
    t.same(statuses(answers), [404, 405, 501, 200, 429, 429])
    t.same(answers.map((answer) => answer.headers['x-ratelimit-remaining']), ['3', '2', '1', '0', '0', '0'])
    t.same(answers[4].body, exceeded(60), 'an unrouted request past the limit')
    t.same(answers[5].body, exceeded(60), 'a routed request past the limit')
  })
})

t.test('answers 403 forbidden once a key goes past max plus ban within the window', async (t) => {
  await same(t, { rateLimit: { max: 1, ban: 1 } }, [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(statuses(answers), [200, 429, 403])
    t.same(answers[2], {
      status: 403,
      headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60', 'retry-after': '60' },
      body: { error: { code: 'forbidden', message: 'Too many requests past the limit; access is blocked, retry in 60 seconds', type: 'permission_error' } }
    })
  })
})

t.test('counts a route\'s own limit apart, its HEAD in the GET bucket, named "route" in the draft headers', async (t) => {
  await same(t, { rateLimit: { max: 100, timeWindow: '1 hour', headers: 'draft' } }, [
    { path: '/search' }, { method: 'HEAD', path: '/search' }, { path: '/search' }, { method: 'HEAD', path: '/search' }, { path: '/widgets' }
  ], (answers) => {
    t.same(statuses(answers), [200, 200, 429, 429, 200])
    t.same(answers[0].headers, { 'ratelimit-policy': '"route";q=2;w=3600', ratelimit: '"route";r=1;t=3600' })
    t.same(answers[1].headers, { 'ratelimit-policy': '"route";q=2;w=3600', ratelimit: '"route";r=0;t=3600' }, 'the HEAD took the second request of the GET bucket')
    t.same(answers[2].body, exceeded(3600))
    t.same(answers[3].headers, { 'ratelimit-policy': '"route";q=2;w=3600', ratelimit: '"route";r=0;t=3600', 'retry-after': '3600' }, 'a HEAD past the limit')
    t.same(answers[4].headers, { 'ratelimit-policy': '"default";q=100;w=3600', ratelimit: '"default";r=99;t=3600' })
  })
})

t.test('counts a route with its own limit and window apart from the global limit, in both header sets', async (t) => {
  await same(t, { rateLimit: { max: 5, headers: 'both' } }, [{ path: '/reports' }, { path: '/reports' }, { path: '/widgets' }], (answers) => {
    t.same(answers[0], {
      status: 200,
      headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30', ratelimit: '"route";r=0;t=30', 'ratelimit-policy': '"route";q=1;w=30' },
      body: '{"reports":[]}'
    })
    t.same(answers[1].status, 429)
    t.same(answers[1].body, exceeded(30))
    t.same(answers[2].status, 200)
    t.equal(answers[2].headers['x-ratelimit-remaining'], '4', 'the global bucket was not touched by /reports')
  })
})

t.test('counts GET and HEAD of one client in one global bucket', async (t) => {
  await same(t, { rateLimit: { max: 3 } }, [
    { method: 'HEAD', path: '/widgets' }, { path: '/widgets' }, { method: 'HEAD', path: '/widgets' }, { path: '/widgets' }
  ], (answers) => {
    t.same(statuses(answers), [200, 200, 200, 429])
    t.same(answers[3].body, exceeded(60))
  })
})

t.test('keys by keyGenerator, and by client IP when it gives nothing or throws, with a warning', async (t) => {
  const keyGenerator = (request: { headers: Record<string, unknown> }): string | undefined => {
    const key = request.headers['x-api-key']
    if (key === 'boom') throw new Error('no tenant')
    return key as string | undefined
  }
  await same(t, { rateLimit: { max: 1, timeWindow: '1 hour', keyGenerator } }, [
    { path: '/widgets', headers: { 'x-api-key': 'a' } }, { path: '/widgets', headers: { 'x-api-key': 'b' } },
    { path: '/widgets', headers: { 'x-api-key': 'a' } }, { path: '/widgets' }, { path: '/widgets', headers: { 'x-api-key': '' } },
    { path: '/widgets', headers: { 'x-api-key': 'boom' } }
  ], (answers, logs) => {
    t.same(statuses(answers), [200, 200, 429, 200, 429, 429], 'the empty and the throwing key count in the same IP bucket')
    const warnings = logs.filter((line) => line.msg === 'Rate limit keyGenerator failed; counting the request by client IP')
    t.same(warnings.map((line) => [line.level, line.err?.message]), [[40, 'no tenant']], 'one warning, with the error')
  })
})

t.test('limits only the routes with a limit of their own, and not the 404 answers, when global is false', async (t) => {
  await same(t, { rateLimit: { max: 1, timeWindow: '1 hour', global: false } }, [
    { path: '/widgets' }, { path: '/widgets' }, { path: '/nowhere' }, { path: '/nowhere' }, { path: '/search' }, { path: '/search' }, { path: '/search' }
  ], (answers) => {
    t.same(statuses(answers), [200, 200, 404, 404, 200, 200, 429])
    t.same(answers.slice(0, 4).map((answer) => answer.headers), [{}, {}, {}, {}], 'a route without its own limit and the fallback are not limited')
    t.same(answers[4].headers, { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '3600' })
    t.same(answers[6].body, exceeded(3600))
  })
})

t.test('keeps the rate-limit headers on an error the handler throws', async (t) => {
  await same(t, { rateLimit: { max: 2 } }, [{ path: '/broken' }], (answers) => {
    t.same(answers[0], {
      status: 500,
      headers: { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '60' },
      body: { error: { code: 'internal_error', message: 'Internal server error', type: 'api_error' } }
    })
  })
})
