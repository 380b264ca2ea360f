import t from 'tap'
import { readError } from '../../client.js'
import { contractErrors } from '../helper.js'

const envelope = { error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id', request_id: 'req_1' } }

// A body that sends its chunks and then fails, as a connection cut short does.
function brokenBody (text: string): ReadableStream<Uint8Array> {
  let sent = false
  return new ReadableStream({
    pull (controller) {
      if (sent) controller.error(new Error('connection reset'))
      else controller.enqueue(new TextEncoder().encode(text))
      sent = true
    }
  })
}

t.test('reads an envelope from a Response and leaves its body for the caller', async (t) => {
  t.same(contractErrors(envelope), [])
  const response = new Response(JSON.stringify(envelope), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' } })
  const err = await readError(response)
  t.same([err.format, err.status, err.code, err.message, err.type, err.param, err.requestId], ['envelope', 404, 'not_found', 'Widget w_1 not found', 'invalid_request_error', 'id', 'req_1'])
  t.same(err.body, envelope)
  t.equal(response.bodyUsed, false, 'a clone was read')
  t.same(await response.json(), envelope, 'the caller still reads the body')
})

t.test('gives the fields of the status and headers when the body was already read', async (t) => {
  const response = new Response(JSON.stringify(envelope), { status: 404, headers: { 'x-request-id': 'req_h' } })
  await response.text()
  const err = await readError(response)
  t.same([err.format, err.code, err.requestId, err.body], ['unknown', 'not_found', 'req_h', undefined])
})

t.test('reads HTML, text, an empty body and no body as unknown, with the status\'s code', async (t) => {
  const cases: Array<[Response, string, unknown]> = [
    [new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } }), 'bad_gateway', '<html><body>502 Bad Gateway</body></html>'],
    [new Response('upstream timed out', { status: 504 }), 'gateway_timeout', 'upstream timed out'],
    [new Response('', { status: 503 }), 'service_unavailable', ''],
    [new Response(null, { status: 500 }), 'internal_error', undefined]
  ]
  for (const [response, code, body] of cases) {
    const err = await readError(response)
    t.same([err.format, err.code, err.body], ['unknown', code, body], code)
  }
})

t.test('names the code of a status the table lacks from the reason phrase, as the server does', async (t) => {
  const err = await readError(new Response('', { status: 418, statusText: "I'm a Teapot" }))
  t.same([err.code, err.type, err.message], ['im_a_teapot', 'invalid_request_error', "I'm a Teapot"])
  t.equal((await readError(new Response('', { status: 451, statusText: '' }))).code, 'http_451')
})

t.test('reads a body cut short as what arrived, and never rejects', async (t) => {
  const cut = await readError(new Response(brokenBody('{"error":{"code":"not_fou'), { status: 404 }))
  t.same([cut.format, cut.code, cut.body], ['unknown', 'not_found', '{"error":{"code":"not_fou'])
  const throwing = { status: 500, statusText: 'Internal Server Error', headers: new Headers(), clone () { throw new TypeError('Response body is already used') } }
  const err = await readError(throwing)
  t.same([err.format, err.code, err.body], ['unknown', 'internal_error', undefined])
})

t.test('stops reading a body over maxBytes and reads it as unknown', async (t) => {
  const big = JSON.stringify({ ...envelope, padding: 'x'.repeat(2000) })
  const capped = await readError(new Response(big, { status: 404 }), { maxBytes: 1000 })
  t.same([capped.format, capped.code, capped.body], ['unknown', 'not_found', undefined])
  const read = await readError(new Response(big, { status: 404 }), { maxBytes: 4000 })
  t.equal(read.format, 'envelope')
  const endless = new ReadableStream<Uint8Array>({ pull (controller) { controller.enqueue(new Uint8Array(64 * 1024)) } })
  const huge = await readError(new Response(endless, { status: 502 }))
  t.same([huge.format, huge.code, huge.body], ['unknown', 'bad_gateway', undefined], 'the default cap of 1 MiB ends an endless body')
})

t.test('decodes UTF-8 split across chunks', async (t) => {
  const bytes = new TextEncoder().encode(JSON.stringify({ error: { code: 'conflict', message: 'Commande déjà expédiée ✓', type: 'invalid_request_error', request_id: 'req_1' } }))
  const stream = new ReadableStream<Uint8Array>({
    start (controller) {
      for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3))
      controller.close()
    }
  })
  t.equal((await readError(new Response(stream, { status: 409 }))).message, 'Commande déjà expédiée ✓')
})
