import createHttpError from 'http-errors'
import {
  ApiError, badGateway, badRequest, conflict, forbidden, gatewayTimeout, gone, internalError, locked, methodNotAllowed,
  notFound, notImplemented, payloadTooLarge, paymentRequired, preconditionFailed, serviceUnavailable, tooManyRequests,
  unauthorized, unprocessable, unsupportedMediaType
} from '../../index.js'
import * as fromExpress from '../../express.js'
import { BODY_LIMIT, type Route } from './adapters.js'

/** Throws any value, as code that throws non-errors does. */
function raise (value: unknown): never {
  throw value
}

/**
 * The API of the conformance suite, declared once and served by both
 * adapters, and every request that makes it fail with what it answers.
 */
export const routes: Route[] = [
  { method: 'GET', path: '/ok', handler: () => ({ ok: true }) },
  { method: 'POST', path: '/echo', handler: () => ({ ok: true }) },
  { method: 'GET', path: '/widgets/:id', handler: () => ({ id: 'w_1' }) },
  { method: 'PUT', path: '/widgets/:id', handler: () => ({ id: 'w_1' }) },
  { method: 'GET', path: '/helper/bad-request', handler: () => { throw badRequest('Query is too short', { param: 'q' }) } },
  { method: 'GET', path: '/helper/unauthorized', handler: () => { throw unauthorized('Invalid API key') } },
  { method: 'GET', path: '/helper/forbidden', handler: () => { throw forbidden('Not your widget') } },
  { method: 'GET', path: '/helper/not-found', handler: () => { throw notFound('Widget w_9 not found', { param: 'id' }) } },
  { method: 'GET', path: '/helper/method-not-allowed', handler: () => { throw methodNotAllowed('Invoices cannot be deleted', { allow: ['GET', 'HEAD'] }) } },
  { method: 'GET', path: '/helper/conflict', handler: () => { throw conflict('Email already registered', { param: 'email', code: 'email_taken' }) } },
  { method: 'GET', path: '/helper/unprocessable', handler: () => { throw unprocessable('Dates are reversed', { details: [{ field: 'start', message: 'must be before end' }, { field: 'end', message: 'must be after start' }] }) } },
  { method: 'GET', path: '/helper/too-many', handler: () => { throw tooManyRequests('Slow down', { retryAfter: 30 }) } },
  { method: 'GET', path: '/helper/internal', handler: () => { throw internalError() } },
  { method: 'GET', path: '/helper/not-implemented', handler: () => { throw notImplemented('Exports are coming') } },
  { method: 'GET', path: '/helper/bad-gateway', handler: () => { throw badGateway('Upstream failed') } },
  { method: 'GET', path: '/helper/unavailable', handler: () => { throw serviceUnavailable('Down for maintenance', { retryAfter: 120 }) } },
  { method: 'GET', path: '/helper/gateway-timeout', handler: () => { throw gatewayTimeout() } },
  { method: 'GET', path: '/helper/payment-required', handler: () => { throw paymentRequired('Your plan does not include exports') } },
  { method: 'GET', path: '/helper/gone', handler: () => { throw gone() } },
  { method: 'GET', path: '/helper/precondition-failed', handler: () => { throw preconditionFailed('The widget changed since you read it', { param: 'If-Match' }) } },
  { method: 'GET', path: '/helper/payload-too-large', handler: () => { throw payloadTooLarge('An upload is at most 10 MB') } },
  { method: 'GET', path: '/helper/unsupported-media-type', handler: () => { throw unsupportedMediaType('Upload a PNG or a JPEG') } },
  { method: 'GET', path: '/helper/locked', handler: () => { throw locked('The invoice is being finalised') } },
  { method: 'GET', path: '/express-helper', handler: () => { throw fromExpress.notFound('Made by the Express entry point') } },
  { method: 'GET', path: '/thrown/plain-error', handler: () => { throw new Error('connection to db-primary refused (password=hunter2)') } },
  { method: 'GET', path: '/thrown/string', handler: () => raise('a string') },
  { method: 'GET', path: '/thrown/null', handler: () => raise(null) },
  { method: 'GET', path: '/thrown/http-errors', handler: () => { throw createHttpError(409, 'Already exists') } },
  { method: 'GET', path: '/thrown/http-errors-5xx', handler: () => { throw createHttpError(503, 'pool exhausted', { headers: { 'Retry-After': '7', 'Set-Cookie': 'a=1' } }) } },
  { method: 'GET', path: '/thrown/status-error', handler: () => { throw Object.assign(new Error('Too early'), { statusCode: 425 }) } },
  { method: 'GET', path: '/thrown/bad-status', handler: () => { throw Object.assign(new Error('secret'), { statusCode: 700 }) } },
  { method: 'GET', path: '/thrown/boom', handler: () => raise({ isBoom: true, output: { statusCode: 404, payload: { message: 'Boom not found' } } }) },
  { method: 'GET', path: '/thrown/hostile', handler: () => raise(new Proxy({}, { get () { throw new Error('trap') } })) },
  { method: 'GET', path: '/thrown/framing', handler: () => { throw new ApiError(503, 'Busy', { headers: { 'transfer-encoding': 'chunked', 'retry-after': '3' } }) } },
  { method: 'GET', path: '/rejected', handler: async () => { await Promise.resolve(); throw conflict('Rejected later') } }
]

/** One request to the API, and the status, headers and error it gets. */
export interface Case {
  name: string
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
  status: number
  /** Response headers both must send, with these values (`null`: absent). */
  expectHeaders?: Record<string, string | null>
  error?: Record<string, unknown>
}

const masked = { code: 'internal_error', message: 'Internal server error', type: 'api_error' }
const json = { 'content-type': 'application/json' }

export const cases: Case[] = [
  { name: 'badRequest()', path: '/helper/bad-request', status: 400, error: { code: 'bad_request', message: 'Query is too short', type: 'invalid_request_error', param: 'q' } },
  { name: 'unauthorized()', path: '/helper/unauthorized', status: 401, expectHeaders: { 'www-authenticate': 'Bearer' }, error: { code: 'unauthorized', message: 'Invalid API key', type: 'authentication_error' } },
  { name: 'forbidden()', path: '/helper/forbidden', status: 403, error: { code: 'forbidden', message: 'Not your widget', type: 'permission_error' } },
  { name: 'notFound()', path: '/helper/not-found', status: 404, error: { code: 'not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id' } },
  { name: 'methodNotAllowed()', path: '/helper/method-not-allowed', status: 405, expectHeaders: { allow: 'GET, HEAD' }, error: { code: 'method_not_allowed', message: 'Invoices cannot be deleted', type: 'invalid_request_error' } },
  { name: 'conflict() with its own code', path: '/helper/conflict', status: 409, error: { code: 'email_taken', message: 'Email already registered', type: 'invalid_request_error', param: 'email' } },
  { name: 'unprocessable() with details', path: '/helper/unprocessable', status: 422, error: { code: 'validation_failed', message: 'Dates are reversed', type: 'validation_error', param: 'start', details: [{ field: 'start', message: 'must be before end' }, { field: 'end', message: 'must be after start' }] } },
  { name: 'tooManyRequests()', path: '/helper/too-many', status: 429, expectHeaders: { 'retry-after': '30' }, error: { code: 'rate_limit_exceeded', message: 'Slow down', type: 'rate_limit_error' } },
  { name: 'internalError()', path: '/helper/internal', status: 500, error: masked },
  { name: 'notImplemented()', path: '/helper/not-implemented', status: 501, error: { code: 'not_implemented', message: 'Exports are coming', type: 'api_error' } },
  { name: 'badGateway()', path: '/helper/bad-gateway', status: 502, error: { code: 'bad_gateway', message: 'Upstream failed', type: 'api_error' } },
  { name: 'serviceUnavailable()', path: '/helper/unavailable', status: 503, expectHeaders: { 'retry-after': '120' }, error: { code: 'service_unavailable', message: 'Down for maintenance', type: 'api_error' } },
  { name: 'gatewayTimeout()', path: '/helper/gateway-timeout', status: 504, error: { code: 'gateway_timeout', message: 'Gateway timeout', type: 'api_error' } },
  { name: 'paymentRequired()', path: '/helper/payment-required', status: 402, error: { code: 'payment_required', message: 'Your plan does not include exports', type: 'invalid_request_error' } },
  { name: 'gone() with its generic phrase', path: '/helper/gone', status: 410, error: { code: 'gone', message: 'Gone', type: 'invalid_request_error' } },
  { name: 'preconditionFailed()', path: '/helper/precondition-failed', status: 412, error: { code: 'precondition_failed', message: 'The widget changed since you read it', type: 'invalid_request_error', param: 'If-Match' } },
  { name: 'payloadTooLarge()', path: '/helper/payload-too-large', status: 413, error: { code: 'payload_too_large', message: 'An upload is at most 10 MB', type: 'invalid_request_error' } },
  { name: 'unsupportedMediaType()', path: '/helper/unsupported-media-type', status: 415, error: { code: 'unsupported_media_type', message: 'Upload a PNG or a JPEG', type: 'invalid_request_error' } },
  { name: 'locked()', path: '/helper/locked', status: 423, error: { code: 'locked', message: 'The invoice is being finalised', type: 'invalid_request_error' } },
  { name: 'a helper of the Express entry point', path: '/express-helper', status: 404, error: { code: 'not_found', message: 'Made by the Express entry point', type: 'invalid_request_error' } },
  { name: 'a plain Error, masked', path: '/thrown/plain-error', status: 500, error: masked },
  { name: 'a thrown string', path: '/thrown/string', status: 500, error: masked },
  { name: 'a thrown null', path: '/thrown/null', status: 500, error: masked },
  { name: 'an http-errors 409', path: '/thrown/http-errors', status: 409, error: { code: 'conflict', message: 'Already exists', type: 'invalid_request_error' } },
  { name: 'an http-errors 503 with headers', path: '/thrown/http-errors-5xx', status: 503, expectHeaders: { 'retry-after': '7', 'set-cookie': null }, error: { code: 'service_unavailable', message: 'Service unavailable', type: 'api_error' } },
  { name: 'an Error with a statusCode', path: '/thrown/status-error', status: 425, error: { code: 'too_early', message: 'Too early', type: 'invalid_request_error' } },
  { name: 'a status outside 400-599', path: '/thrown/bad-status', status: 500, error: masked },
  { name: 'a Boom error', path: '/thrown/boom', status: 404, error: { code: 'not_found', message: 'Boom not found', type: 'invalid_request_error' } },
  { name: 'a Proxy whose every trap throws', path: '/thrown/hostile', status: 500, error: masked },
  { name: 'an error asking for framing headers', path: '/thrown/framing', status: 503, expectHeaders: { 'retry-after': '3', 'transfer-encoding': null }, error: { code: 'service_unavailable', message: 'Busy', type: 'api_error' } },
  { name: 'a rejected promise', path: '/rejected', status: 409, error: { code: 'conflict', message: 'Rejected later', type: 'invalid_request_error' } },
  { name: 'an unmatched path', path: '/nothing-here?token=secret', status: 404, error: { code: 'not_found', message: 'No route for GET /nothing-here', type: 'invalid_request_error' } },
  { name: 'another method on a routed path', method: 'DELETE', path: '/widgets/w_1', status: 405, expectHeaders: { allow: 'GET, HEAD, PUT' }, error: { code: 'method_not_allowed', message: 'Method DELETE is not allowed for /widgets/w_1', type: 'invalid_request_error' } },
  { name: 'POST on a GET-only path', method: 'POST', path: '/ok', status: 405, expectHeaders: { allow: 'GET, HEAD' }, error: { code: 'method_not_allowed', message: 'Method POST is not allowed for /ok', type: 'invalid_request_error' } },
  { name: 'OPTIONS on a routed path', method: 'OPTIONS', path: '/widgets/w_1', status: 204, expectHeaders: { allow: 'GET, HEAD, PUT' } },
  { name: 'OPTIONS on an unknown path', method: 'OPTIONS', path: '/nowhere', status: 404, error: { code: 'not_found', message: 'No route for OPTIONS /nowhere', type: 'invalid_request_error' } },
  { name: 'an unknown method', method: 'PROPFIND', path: '/widgets/w_1', status: 501, expectHeaders: { allow: null }, error: { code: 'not_implemented', message: 'Method PROPFIND is not implemented', type: 'api_error' } },
  { name: 'malformed JSON', method: 'POST', path: '/echo', headers: json, body: '{"name":', status: 400, error: { code: 'invalid_json', message: 'Request body is not valid JSON', type: 'invalid_request_error' } },
  { name: 'a body over the limit', method: 'POST', path: '/echo', headers: json, body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT) }), status: 413, error: { code: 'payload_too_large', message: 'Request body is too large', type: 'invalid_request_error' } }
]
