import t, { type Test } from 'tap'
import { contractErrors } from '../helper.js'
import { adapters, type Adapter, type Route, type SuiteOptions } from './adapters.js'

// The same limits on both adapters: the same statuses, the same headers and
// the same envelopes (request id aside) for the same sequence of requests.

const routes: Route[] = [
  { method: 'GET', path: '/widgets', handler: () => ({ widgets: [] }) },
  { method: 'POST', path: '/widgets', handler: () => ({ created: true }) },
  { method: 'GET', path: '/search', rateLimit: { max: 2 }, handler: () => ({ hits: [] }) }
]

const HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy', 'retry-after', 'allow']

interface Answer { status: number, headers: Record<string, string>, body: unknown }

// Windows of one hour keep every reset at 3600 s whatever the machine's
// pace, so that both adapters' headers compare exactly.
async function run (t: Test, adapter: Adapter, options: SuiteOptions, requests: Array<{ method?: string, path: string, headers?: Record<string, string> }>): Promise<Answer[]> {
  const app = await adapter.start(t, routes, options)
  const answers: Answer[] = []
  for (const request of requests) {
    const response = await fetch(`${app.base}${request.path}`, { method: request.method ?? 'GET', headers: request.headers })
    const headers: Record<string, string> = {}
    for (const name of HEADERS) {
      const value = response.headers.get(name)
      if (value !== null) headers[name] = value
    }
    const text = await response.text()
    let body: unknown = text
    if (response.status >= 400 && text !== '') {
      const parsed = JSON.parse(text)
      t.same(contractErrors(parsed), [], `${adapter.name}: ${request.path} answers the contract`)
      t.equal(parsed.error.request_id, response.headers.get('x-request-id'))
      delete parsed.error.request_id
      body = parsed
    }
    answers.push({ status: response.status, headers, body })
  }
  return answers
}

async function same (t: Test, options: SuiteOptions, requests: Parameters<typeof run>[3], check: (answers: Answer[]) => void): Promise<void> {
  const results: Answer[][] = []
  for (const adapter of adapters) {
    const answers = await run(t, adapter, options, requests)
    check(answers)
    results.push(answers)
  }
  t.same(results[1], results[0], 'Express answers as Fastify does')
}

const exceeded = { error: { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, retry in 3600 seconds', type: 'rate_limit_error' } }

t.test('answers the request past the global limit 429 with the same headers and envelope', async (t) => {
  await same(t, { rateLimit: { max: 2, timeWindow: '1 hour', headers: 'both' } }, [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(answers.map((answer) => answer.status), [200, 200, 429])
    t.same(answers[2], {
      status: 429,
      headers: { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3600', 'ratelimit-policy': '"default";q=2;w=3600', ratelimit: '"default";r=0;t=3600', 'retry-after': '3600' },
      body: exceeded
    })
  })
})

t.test('counts 404, 405 and 501 answers against the global limit', async (t) => {
  await same(t, { rateLimit: { max: 3, timeWindow: '1 hour' } }, [
    { path: '/nowhere' }, { method: 'DELETE', path: '/widgets' }, { method: 'PROPFIND', path: '/widgets' }, { path: '/widgets' }
  ], (answers) => {
    t.same(answers.map((answer) => answer.status), [404, 405, 501, 429])
    t.same(answers.map((answer) => answer.headers['x-ratelimit-remaining']), ['2', '1', '0', '0'])
  })
})

t.test('answers 403 past max plus ban', async (t) => {
  await same(t, { rateLimit: { max: 1, ban: 1, timeWindow: '1 hour' } }, [{ path: '/widgets' }, { path: '/widgets' }, { path: '/widgets' }], (answers) => {
    t.same(answers.map((answer) => answer.status), [200, 429, 403])
    t.same(answers[2].body, { error: { code: 'forbidden', message: 'Too many requests past the limit; access is blocked, retry in 3600 seconds', type: 'permission_error' } })
    t.equal(answers[2].headers['retry-after'], '3600')
  })
})

t.test('counts a route\'s own limit apart, its HEAD in the GET bucket, named "route" in the draft headers', async (t) => {
  await same(t, { rateLimit: { max: 100, timeWindow: '1 hour', headers: 'draft' } }, [
    { path: '/search' }, { method: 'HEAD', path: '/search' }, { path: '/search' }, { path: '/widgets' }
  ], (answers) => {
    t.same(answers.map((answer) => answer.status), [200, 200, 429, 200])
    t.same(answers[0].headers, { 'ratelimit-policy': '"route";q=2;w=3600', ratelimit: '"route";r=1;t=3600' })
    t.same(answers[3].headers, { 'ratelimit-policy': '"default";q=100;w=3600', ratelimit: '"default";r=99;t=3600' })
  })
})

t.test('keys by keyGenerator, and by client IP when it gives nothing', async (t) => {
  const keyGenerator = (request: { headers: Record<string, unknown> }): string | undefined => request.headers['x-api-key'] as string | undefined
  await same(t, { rateLimit: { max: 1, timeWindow: '1 hour', keyGenerator } }, [
    { path: '/widgets', headers: { 'x-api-key': 'a' } }, { path: '/widgets', headers: { 'x-api-key': 'b' } },
    { path: '/widgets', headers: { 'x-api-key': 'a' } }, { path: '/widgets' }, { path: '/widgets', headers: { 'x-api-key': '' } }
  ], (answers) => {
    t.same(answers.map((answer) => answer.status), [200, 200, 429, 200, 429])
  })
})

t.test('limits only the routes with a limit of their own when global is false', async (t) => {
  await same(t, { rateLimit: { max: 1, timeWindow: '1 hour', global: false } }, [
    { path: '/widgets' }, { path: '/widgets' }, { path: '/nowhere' }, { path: '/search' }, { path: '/search' }, { path: '/search' }
  ], (answers) => {
    t.same(answers.map((answer) => answer.status), [200, 200, 404, 200, 200, 429])
    t.same(answers[0].headers, {})
  })
})
