import t from 'tap'
import createHttpError from 'http-errors'
import { build } from '../../helper.js'
import { listen, rawRequest } from '../../fixtures/raw-http.js'
import { ApiError, refusedErrorHeaders } from '../../../index.js'

const FRAMING = {
  'transfer-encoding': 'chunked',
  'content-length': '5',
  connection: 'upgrade',
  'keep-alive': 'timeout=1',
  upgrade: 'websocket',
  trailer: 'x-sig',
  te: 'trailers',
  host: 'evil.example',
  'content-type': 'text/html',
  'proxy-connection': 'close',
  'retry-after': '30'
}

t.test('never copies framing, hop-by-hop, host or content-type headers from an error, whatever the allowlist', async (t) => {
  const { app } = await build(t, {
    plugin: { errorHeaders: ['x-quota'] },
    routes (app) {
      app.get('/api-error', async () => { throw new ApiError(503, 'Down for maintenance', { code: 'maintenance', headers: FRAMING }) })
      app.get('/http-error', async () => { throw createHttpError(503, 'Down', { headers: FRAMING }) })
    }
  })
  const port = await listen(app)
  for (const url of ['/api-error', '/http-error']) {
    const response = await rawRequest(port, `GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`)
    t.equal(response.status, 503)
    t.equal(response.headers['transfer-encoding'], undefined, 'no Transfer-Encoding beside Content-Length')
    t.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)), 'the body\'s own length')
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
    for (const name of ['upgrade', 'trailer', 'te', 'host', 'proxy-connection']) t.equal(response.headers[name], undefined, name)
    t.not(response.headers.connection, 'upgrade')
    t.equal(response.headers['retry-after'], '30', 'an allowed header still passes')
    t.equal(JSON.parse(response.body).error.code, url === '/api-error' ? 'maintenance' : 'service_unavailable')
  }
})

t.test('lists every refused header', async (t) => {
  t.same([...refusedErrorHeaders].sort(), ['connection', 'content-length', 'content-type', 'host', 'keep-alive', 'proxy-connection', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
})
