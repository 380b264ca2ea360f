import t from 'tap'
import { catalogEntries } from '../../index.js'
import { contractErrors, problemErrors } from '../helper.js'
import { errors } from '../fixtures/catalog.js'
import { envelopeAdapters, type Route } from './adapters.js'

// A catalog declared once: its codes link to their entry on the reference
// page that the server itself serves, on both adapters.

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', handler: ({ params }) => { throw errors.widget_not_found({ id: (params as { id: string }).id }, { param: 'id' }) } },
  { method: 'POST', path: '/charges', handler: () => { throw errors.card_declined() } },
  { method: 'GET', path: '/teapot', handler: () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) } }
]

const docs = { path: '/errors', publicUrl: 'https://api.example.com/errors', title: 'Widgets API' }
const entries = catalogEntries(errors) ?? []

for (const adapter of envelopeAdapters) {
  t.test(`${adapter.name}: envelopes of catalog codes, built-in ones included, carry doc_url; other codes do not`, async (t) => {
    const { base } = await adapter.start(t, routes, { catalog: errors, docs })
    const cases: Array<[string, string, number, object]> = [
      ['GET', '/widgets/w_9', 404, { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id', doc_url: 'https://api.example.com/errors#widget_not_found' }],
      ['POST', '/charges', 402, { code: 'card_declined', message: 'The card was declined', type: 'card_error', doc_url: 'https://api.example.com/errors#card_declined' }],
      ['GET', '/nowhere', 404, { code: 'not_found', message: 'No route for GET /nowhere', type: 'invalid_request_error', doc_url: 'https://api.example.com/errors#not_found' }],
      ['GET', '/teapot', 418, { code: 'im_a_teapot', message: 'short and stout', type: 'invalid_request_error' }]
    ]
    for (const [method, path, status, expected] of cases) {
      const response = await fetch(base + path, { method })
      t.equal(response.status, status, path)
      const body = await response.json()
      t.same(contractErrors(body), [], `${path}: the contract`)
      const { doc_url: docUrl, ...rest } = expected as { doc_url?: string }
      t.same(body, { error: { ...rest, request_id: response.headers.get('x-request-id'), ...(docUrl === undefined ? {} : { doc_url: docUrl }) } }, `${path}: whole envelope`)
    }
  })

  t.test(`${adapter.name}: another method on the reference page gets the 405 with Allow, OPTIONS the 204`, async (t) => {
    const { base } = await adapter.start(t, routes, { catalog: errors, docs })
    for (const path of ['/errors', '/errors.json']) {
      const response = await fetch(base + path, { method: 'POST' })
      t.equal(response.status, 405, path)
      t.equal(response.headers.get('allow'), 'GET, HEAD', `${path}: Allow`)
      const body = await response.json()
      t.same(contractErrors(body), [], `${path}: the contract`)
      t.same(body, { error: { code: 'method_not_allowed', message: `Method POST is not allowed for ${path}`, type: 'invalid_request_error', request_id: response.headers.get('x-request-id'), doc_url: 'https://api.example.com/errors#method_not_allowed' } }, `${path}: whole envelope`)
      const options = await fetch(base + path, { method: 'OPTIONS' })
      t.equal(options.status, 204, `${path}: OPTIONS`)
      t.equal(options.headers.get('allow'), 'GET, HEAD', `${path}: OPTIONS Allow`)
    }
  })

  t.test(`${adapter.name}: with docs.path alone, doc_url is relative; in problem details it is the type`, async (t) => {
    const { base } = await adapter.start(t, routes, { catalog: errors, docs: { path: '/docs/errors' }, format: 'problem' })
    const response = await fetch(base + '/widgets/w_9')
    const body = await response.json()
    t.same(problemErrors(body), [])
    const id = response.headers.get('x-request-id') as string
    t.same(body, { type: '/docs/errors#widget_not_found', title: 'Widget not found', status: 404, detail: 'Widget w_9 not found', instance: `urn:request:${id}`, code: 'widget_not_found', request_id: id, param: 'id' })
  })

  t.test(`${adapter.name}: serves the reference page and its JSON, outside the rate limit`, async (t) => {
    const { base } = await adapter.start(t, routes, { catalog: errors, docs, rateLimit: { max: 1, timeWindow: 60_000 } })
    for (let i = 0; i < 3; i++) t.equal((await fetch(base + '/errors')).status, 200, `page request ${i + 1}`)
    const page = await fetch(base + '/errors')
    t.equal(page.headers.get('content-type'), 'text/html; charset=utf-8')
    const html = await page.text()
    for (const entry of entries) {
      t.match(html, `<section class="code" id="${entry.code}">`, `${entry.code} has its anchor`)
      t.match(html, `<a href="#${entry.code}"><code>${entry.code}</code></a>`, `${entry.code} is in the status table`)
    }
    t.match(html, 'The card issuer refused the charge &lt;for a reason it keeps&gt;.', 'catalog text is escaped')
    t.notMatch(html, /<script/i, 'no script')
    const head = await fetch(base + '/errors', { method: 'HEAD' })
    t.equal(head.status, 200)
    t.equal(await head.text(), '', 'HEAD gets no body')
    t.match(html, '@media (prefers-color-scheme: dark)')
    t.match(html, '@media print')
    const json = await (await fetch(base + '/errors.json')).json()
    t.equal(json.errors.length, entries.length)
    t.same(json.errors.find((entry: { code: string }) => entry.code === 'widget_not_found'), {
      code: 'widget_not_found',
      status: 404,
      type: 'invalid_request_error',
      title: 'Widget not found',
      message: 'Widget {id} not found',
      description: 'No widget has this id, or it was deleted.',
      fix: 'List widgets with GET /widgets and use one of their ids.',
      doc_url: 'https://api.example.com/errors#widget_not_found'
    })
  })
}
