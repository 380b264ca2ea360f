import t from 'tap'
import { problemErrors } from '../helper.js'
import { ApiError, normalizeError, unprocessable } from '../../index.js'
import { errorBody, pointerOfField, problemOf, problemType, varyAccept, wantsProblem } from '../../lib/core/problem.js'

t.test('writes the JSON Pointer of a field within its part', async (t) => {
  const cases: Array<[string, 'body' | 'querystring' | 'params' | 'headers', string, boolean?]> = [
    ['user.email', 'body', '#/user/email'],
    ['items[2].sku', 'body', '#/items/2/sku'],
    ['[0].name', 'body', '#/0/name'],
    ['["odd key"]', 'body', '#/odd key'],
    ['meta["x/y~z"]', 'body', '#/meta/x~1y~0z'],
    ['meta["\\u0041"]', 'body', '#/meta/A'],
    ['body', 'body', '#', true],
    ['body', 'body', '#/body'],
    ['limit', 'querystring', '#/limit'],
    ['querystring', 'querystring', '#', true],
    ['querystring', 'querystring', '#/querystring'],
    ['params', 'params', '#/params'],
    ['x-api/version', 'headers', '#/x-api~1version'],
    ['If-Match', 'body', '#/If-Match'],
    ['a..b', 'body', '#/a..b'],
    ['meta["\\x"]', 'body', '#/meta[\\"\\\\x\\"]'.replace(/\\"/g, '"').replace(/\\\\/g, '\\')]
  ]
  for (const [field, part, pointer, whole] of cases) t.equal(pointerOfField(field, part, whole), pointer, `${field} in ${part}${whole === true ? ', the whole part' : ''}`)
})

t.test('names problem types: about:blank for a status\'s own code, a URN for any other', async (t) => {
  t.equal(problemType(normalizeError(new ApiError(404))), 'about:blank')
  t.equal(problemType(normalizeError(new ApiError(404, 'x', { code: 'widget_not_found' }))), 'urn:error-envelope:code:widget_not_found')
  t.equal(problemType(normalizeError(new ApiError(499))), 'about:blank')
})

t.test('titles a problem with the status phrase, the code\'s title, or the derived phrase', async (t) => {
  const cases: Array<[ApiError, string]> = [
    [new ApiError(404), 'Not Found'],
    [new ApiError(422, 'x', { code: 'validation_failed' }), 'Validation failed'],
    [new ApiError(409, 'x', { code: 'email_taken' }), 'Conflict'],
    [new ApiError(499, 'x', { code: 'client_closed' }), 'Request error']
  ]
  for (const [error, title] of cases) {
    const problem = problemOf(normalizeError(error), 'req_1')
    t.same(problemErrors(problem), [])
    t.equal(problem.title, title, error.code)
  }
})

t.test('carries unprocessable() details without a part: pointers into the body, no "in"', async (t) => {
  const problem = problemOf(normalizeError(unprocessable('Dates are reversed', { details: [{ field: 'start', message: 'must be before end' }] })), 'req_1')
  t.same(problemErrors(problem), [])
  t.same(problem, {
    type: 'urn:error-envelope:code:validation_failed',
    title: 'Validation failed',
    status: 422,
    detail: 'Dates are reversed',
    instance: 'urn:request:req_1',
    code: 'validation_failed',
    request_id: 'req_1',
    param: 'start',
    errors: [{ detail: 'must be before end', pointer: '#/start', field: 'start' }]
  })
})

t.test('adds Accept to Vary once', async (t) => {
  t.equal(varyAccept(undefined), 'Accept')
  t.equal(varyAccept(''), 'Accept')
  t.equal(varyAccept('Origin'), 'Origin, Accept')
  t.equal(varyAccept(['Origin', 'Cookie']), 'Origin, Cookie, Accept')
  t.equal(varyAccept('origin, accept'), 'origin, accept')
  t.equal(varyAccept('*'), '*')
  t.equal(varyAccept(7), 'Accept')
})

t.test('chooses the format from the option and Accept', async (t) => {
  t.equal(wantsProblem('envelope', 'application/problem+json'), false)
  t.equal(wantsProblem('problem', undefined), true)
  t.equal(wantsProblem('negotiate', ['application/problem+json']), false, 'an Accept that is not a string is no preference')
  t.same(errorBody(normalizeError(new ApiError(404)), 'req_1', 'envelope', undefined), {
    contentType: 'application/json; charset=utf-8',
    body: '{"error":{"code":"not_found","message":"Not found","type":"invalid_request_error","request_id":"req_1"}}'
  })
})
