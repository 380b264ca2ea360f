import t from 'tap'
import express from 'express'
import zlib from 'node:zlib'
import { assertFetched, buildExpress, rawExchange } from './helper.js'
import { waitFor } from '../helper.js'

t.test('answers each body-parser error by its type, with a message that echoes nothing', async (t) => {
  const { app, listen } = buildExpress(t)
  app.use('/form', express.urlencoded({ parameterLimit: 2, extended: false }))
  app.use('/verified', express.json({ type: 'application/vnd.signed+json', verify () { throw new Error('signature mismatch for key sk_live_1') } }))
  app.post(['/json', '/form', '/verified'], (req, res) => { res.json(req.body) })
  const base = await listen()
  const cases: Array<[string, RequestInit, number, { code: string, message: string, type: string }]> = [
    ['/json', { body: '{"a":', headers: { 'content-type': 'application/json' } }, 400, { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' }],
    ['/json', { body: JSON.stringify({ pad: 'x'.repeat(2000) }), headers: { 'content-type': 'application/json' } }, 413, { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' }],
    ['/form', { body: 'a=1&b=2&c=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 413, { code: 'payload_too_large', message: 'Too many parameters in the request body', type: 'invalid_request_error' }],
    ['/json', { body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br-unknown' } }, 415, { code: 'unsupported_media_type', message: 'Unsupported Content-Encoding', type: 'invalid_request_error' }],
    ['/json', { body: '{}', headers: { 'content-type': 'application/json; charset=klingon' } }, 415, { code: 'unsupported_media_type', message: 'Unsupported charset in Content-Type', type: 'invalid_request_error' }],
    ['/verified', { body: '{}', headers: { 'content-type': 'application/vnd.signed+json' } }, 403, { code: 'forbidden', message: 'Request body was rejected', type: 'permission_error' }]
  ]
  for (const [path, init, status, expected] of cases) {
    await assertFetched(t, await fetch(base + path, { method: 'POST', ...init }), status, expected)
  }
})

t.test('writes nothing to a client that aborted its upload, and logs the request once', async (t) => {
  const { app, logs, listen } = buildExpress(t)
  app.post('/json', (req, res) => { res.json(req.body) })
  const base = await listen()
  const raw = await rawExchange(base, 'POST /json HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":', 50)
  t.equal(raw, '')
  const mine = (): typeof logs => logs.filter((line) => line.request_id === 'gone-1' && line.code !== undefined)
  t.ok(await waitFor(() => mine().length > 0), 'the request is logged')
  const lines = mine()
  t.same(lines.map((line) => [line.level, line.statusCode, line.code]), [[30, 400, 'bad_request']])
})

t.test('answers a body that does not decode with its Content-Encoding with a fixed message', async (t) => {
  const { app, listen } = buildExpress(t)
  app.post('/json', (req, res) => { res.json(req.body) })
  const base = await listen()
  const encodings = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])]
  for (const encoding of encodings) {
    await assertFetched(t, await fetch(base + '/json', { method: 'POST', body: '{"not":"compressed"}', headers: { 'content-type': 'application/json', 'content-encoding': encoding } }), 400,
      { code: 'bad_request', message: 'The request body could not be decoded with its Content-Encoding', type: 'invalid_request_error' })
  }
})
