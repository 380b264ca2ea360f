import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { contractErrors, copiedContractPath, copiedProblemPath, sharedContractPath, sharedProblemPath } from '../helper.js'
import { buildEnvelope, serializeEnvelope, type NormalizedError } from '../../index.js'
import { closeEnvelope, envelopeHead } from '../../lib/core/envelope.js'

const notFoundAnswer: NormalizedError = { status: 404, code: 'not_found', type: 'invalid_request_error', message: 'Not found' }

t.test('writes code, message, type and request_id in the contract order', async (t) => {
  const json = serializeEnvelope(notFoundAnswer, 'req_1')
  t.equal(json, '{"error":{"code":"not_found","message":"Not found","type":"invalid_request_error","request_id":"req_1"}}')
  t.same(contractErrors(JSON.parse(json)), [])
})

t.test('writes param and details between type and request_id', async (t) => {
  const json = serializeEnvelope({
    ...notFoundAnswer,
    status: 422,
    code: 'validation_failed',
    type: 'validation_error',
    message: 'Validation failed',
    param: 'email',
    details: [{ field: 'email', message: 'is required' }, { field: 'name', message: 'is too long' }]
  }, 'abc-123')
  t.equal(json, '{"error":{"code":"validation_failed","message":"Validation failed","type":"validation_error",' +
    '"param":"email","details":[{"field":"email","message":"is required"},{"field":"name","message":"is too long"}],' +
    '"request_id":"abc-123"}}')
  t.same(contractErrors(JSON.parse(json)), [])
})

t.test('leaves out status and headers, which travel outside the body', async (t) => {
  const json = serializeEnvelope({ ...notFoundAnswer, headers: { allow: 'GET' } }, 'req_1')
  t.same(Object.keys(JSON.parse(json).error), ['code', 'message', 'type', 'request_id'])
})

t.test('escapes quotes, backslashes, newlines and control characters in message, param and details', async (t) => {
  const message = 'He said "no"\\\n\r\t\u0000 then </script>'
  const param = 'items["a\nb"]'
  const details = [{ field: 'a"b', message: 'line\nbreak \u001f' }]
  const json = serializeEnvelope({ ...notFoundAnswer, message, param, details }, 'req_1')
  t.notOk([...json].some((char) => char.charCodeAt(0) < 0x20), 'no raw control character')
  t.same(JSON.parse(json), { error: { code: 'not_found', message, type: 'invalid_request_error', param, details, request_id: 'req_1' } })
  t.same(contractErrors(JSON.parse(json)), [])
})

t.test('keeps unicode, astral characters and line separators intact', async (t) => {
  const message = 'Widget «ü» 日本 😀 \u2028\u2029 done'
  const json = serializeEnvelope({ ...notFoundAnswer, message, param: '名前', details: [{ field: '😀', message: 'ça' }] }, 'req_1')
  const body = JSON.parse(json)
  t.equal(body.error.message, message)
  t.equal(body.error.param, '名前')
  t.same(body.error.details, [{ field: '😀', message: 'ça' }])
})

t.test('writes a lone surrogate as an escape, so the JSON stays well-formed', async (t) => {
  const json = serializeEnvelope({ ...notFoundAnswer, message: 'half \ud83d pair' }, 'req_1')
  t.match(json, /\\ud83d/)
  t.equal(Buffer.from(json, 'utf8').toString('utf8'), json, 'survives a round trip through UTF-8')
  t.equal(JSON.parse(json).error.message, 'half \ud83d pair')
})

t.test('writes every string field exactly as JSON.stringify does, with or without characters to escape', async (t) => {
  const strings = [
    'plain text', 'quote " inside', 'back\\slash', 'tab\tand\nnewline', '\u0000nul', 'unit \u001f sep', 'del \u007f',
    'line \u2028 separator', 'astral 😀', 'lone high \ud83d', '\udc00 lone low', 'accents éü', ''
  ]
  for (const [index, value] of strings.entries()) {
    const answer: NormalizedError = { ...notFoundAnswer, message: value, param: value, details: [{ field: value, message: value }] }
    const expected = JSON.stringify({
      error: { code: 'not_found', message: value, type: 'invalid_request_error', param: value, details: [{ field: value, message: value }], request_id: 'req_1' }
    })
    t.equal(serializeEnvelope(answer, 'req_1'), expected, `string ${index}`)
  }
})

t.test('an envelope begun once and closed per request is the envelope serialized whole', async (t) => {
  const answer: NormalizedError = { ...notFoundAnswer, param: 'id', details: [{ field: 'id', message: 'is unknown' }] }
  const head = envelopeHead(answer)
  t.equal(closeEnvelope(head, 'req_1'), serializeEnvelope(answer, 'req_1'))
  t.equal(closeEnvelope(head, 'req_2'), serializeEnvelope(answer, 'req_2'))
  t.same(JSON.parse(closeEnvelope(head, 'req_2')).error.request_id, 'req_2')
})

t.test('builds the same envelope as an object, in the same key order', async (t) => {
  const answer: NormalizedError = {
    ...notFoundAnswer,
    message: 'Quote " and\nnewline',
    param: 'id',
    details: [{ field: 'id', message: 'is unknown' }]
  }
  const built = buildEnvelope(answer, 'req_2')
  t.same(built, {
    error: {
      code: 'not_found',
      message: 'Quote " and\nnewline',
      type: 'invalid_request_error',
      param: 'id',
      details: [{ field: 'id', message: 'is unknown' }],
      request_id: 'req_2'
    }
  })
  t.same(Object.keys(built.error), ['code', 'message', 'type', 'param', 'details', 'request_id'])
  t.equal(JSON.stringify(built), serializeEnvelope(answer, 'req_2'))
})

t.test('the repository\'s copy of the contract is the shared contract, when the shared folder is beside it', async (t) => {
  if (!existsSync(sharedContractPath)) {
    t.skip('no shared folder beside this clone; the copy is the contract')
    return
  }
  t.same(JSON.parse(readFileSync(copiedContractPath, 'utf8')), JSON.parse(readFileSync(sharedContractPath, 'utf8')))
})

t.test('the repository\'s copy of the problem contract is the shared one, when the shared folder is beside it', async (t) => {
  if (!existsSync(sharedProblemPath)) {
    t.skip('no shared folder beside this clone; the copy is the contract')
    return
  }
  t.same(JSON.parse(readFileSync(copiedProblemPath, 'utf8')), JSON.parse(readFileSync(sharedProblemPath, 'utf8')))
})

t.test('exports the contract the package ships, equal to its file', async (t) => {
  const { envelopeSchema } = await import('../../index.js')
  const shipped = JSON.parse(readFileSync(copiedContractPath, 'utf8'))
  t.same(envelopeSchema, shipped)
  t.equal(envelopeSchema.$id, 'urn:error-envelope:envelope')
})

t.test('exports the problem contract the package ships, equal to its file', async (t) => {
  const { problemSchema } = await import('../../index.js')
  const express = await import('../../express.js')
  t.same(problemSchema, JSON.parse(readFileSync(copiedProblemPath, 'utf8')))
  t.equal(problemSchema.$id, 'urn:error-envelope:problem')
  t.equal(express.problemSchema, problemSchema, 'the same object from error-envelope/express')
  t.ok(Object.isFrozen(problemSchema))
})
