import t from 'tap'
import { contractErrors } from '../helper.js'
import { badRequest, notFound } from '../../index.js'
import { answerPathAdapters, type Route } from './adapters.js'

// A route that set headers for the success it meant to send, then threw:
// the error answer keeps none of them that describe that success.
const routes: Route[] = [
  {
    method: 'GET',
    path: '/chunked',
    handler: ({ setHeader }) => {
      setHeader('Transfer-Encoding', 'chunked')
      setHeader('Trailer', 'Server-Timing')
      throw badRequest('bad')
    }
  },
  {
    method: 'GET',
    path: '/gzipped',
    handler: ({ setHeader }) => {
      setHeader('Content-Encoding', 'gzip')
      setHeader('Content-Language', 'de')
      setHeader('Content-Disposition', 'attachment; filename="report.csv"')
      setHeader('Content-Location', '/reports/r_1.csv')
      throw notFound('x')
    }
  },
  {
    method: 'GET',
    path: '/cached',
    handler: ({ setHeader }) => {
      setHeader('Cache-Control', 'public, max-age=3600')
      setHeader('Expires', 'Thu, 01 Jan 2037 00:00:00 GMT')
      setHeader('ETag', '"v1"')
      setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT')
      setHeader('Vary', 'Origin')
      setHeader('Set-Cookie', 'session=; Max-Age=0')
      throw notFound('Widget w_9 not found', { param: 'id' })
    }
  },
  {
    method: 'GET',
    path: '/own-cache-control',
    handler: ({ setHeader }) => {
      setHeader('Cache-Control', 'public, max-age=3600')
      throw badRequest('Try later', { headers: { 'cache-control': 'no-store' } })
    }
  }
]

for (const adapter of answerPathAdapters) {
  t.test(`${adapter.name}: an error answer drops the headers a route set for its success`, async (t) => {
    const { base } = await adapter.start(t, routes)

    // fetch() refuses a response with both framings: reading it at all is the first check.
    const chunked = await fetch(base + '/chunked')
    t.equal(chunked.status, 400)
    t.equal(chunked.headers.get('transfer-encoding'), null, 'no Transfer-Encoding left by the route')
    t.equal(chunked.headers.get('trailer'), null, 'no Trailer left by the route')
    const chunkedText = await chunked.text()
    t.equal(chunked.headers.get('content-length'), String(Buffer.byteLength(chunkedText)), 'framed by its own Content-Length')
    const chunkedBody = JSON.parse(chunkedText)
    t.same(contractErrors(chunkedBody), [])
    t.same(chunkedBody, { error: { code: 'bad_request', message: 'bad', type: 'invalid_request_error', request_id: chunked.headers.get('x-request-id') } })

    // A body labelled gzip that is plain JSON would fail to decode in fetch().
    const gzipped = await fetch(base + '/gzipped')
    t.equal(gzipped.status, 404)
    for (const name of ['content-encoding', 'content-language', 'content-disposition', 'content-location']) t.equal(gzipped.headers.get(name), null, `no ${name}`)
    const gzippedBody = await gzipped.json()
    t.same(contractErrors(gzippedBody), [])
    t.same(gzippedBody, { error: { code: 'not_found', message: 'x', type: 'invalid_request_error', request_id: gzipped.headers.get('x-request-id') } })

    const cached = await fetch(base + '/cached')
    t.equal(cached.status, 404)
    for (const name of ['cache-control', 'expires', 'etag', 'last-modified']) t.equal(cached.headers.get(name), null, `no ${name} meant for the success`)
    t.equal(cached.headers.get('set-cookie'), 'session=; Max-Age=0', 'the application\'s Set-Cookie is kept')
    t.match(cached.headers.get('vary'), /^Origin(, Accept)?$/, 'the application\'s Vary is kept')
    const cachedBody = await cached.json()
    t.same(contractErrors(cachedBody), [])
    t.same(cachedBody, { error: { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id', request_id: cached.headers.get('x-request-id') } })

    const own = await fetch(base + '/own-cache-control')
    t.equal(own.status, 400)
    t.equal(own.headers.get('cache-control'), 'no-store', 'an error\'s own Cache-Control replaces the route\'s')
    const ownBody = await own.json()
    t.same(contractErrors(ownBody), [])
    t.same(ownBody, { error: { code: 'bad_request', message: 'Try later', type: 'invalid_request_error', request_id: own.headers.get('x-request-id') } })
  })
}
