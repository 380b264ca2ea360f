import t from 'tap'
import { normalizeError } from '../../index.js'
import { recognizeFastifyError } from '../../lib/fastify/fastify-errors.js'

const internal = { status: 500, code: 'internal_error', type: 'api_error', message: 'Internal server error' }
const fastify = { recognize: recognizeFastifyError }

t.test("normalizes Fastify's own errors by code, with messages that echo no input", async (t) => {
  const fst = (code: string, statusCode: number, message: string) => Object.assign(new Error(message), { code, statusCode })
  t.same(normalizeError(fst('FST_ERR_CTP_INVALID_JSON_BODY', 400, "Body is not valid JSON but content-type is set to 'application/json'"), fastify),
    { status: 400, code: 'invalid_json', type: 'invalid_request_error', message: 'Request body is not valid JSON' })
  t.same(normalizeError(fst('FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'Body cannot be empty'), fastify),
    { status: 400, code: 'invalid_json', type: 'invalid_request_error', message: 'Request body is empty but Content-Type is application/json' })
  t.same(normalizeError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type: <script>'), fastify),
    { status: 415, code: 'unsupported_media_type', type: 'invalid_request_error', message: 'Unsupported media type' })
  t.same(normalizeError(fst('FST_ERR_BAD_URL', 400, "'%zz' is not a valid url component"), fastify),
    { status: 400, code: 'bad_request', type: 'invalid_request_error', message: 'Request URL is malformed' })
  t.same(normalizeError(fst('FST_ERR_MAX_PARAM_LENGTH', 414, "'aaaa' is exceeding the max param length"), fastify),
    { status: 414, code: 'uri_too_long', type: 'invalid_request_error', message: 'A path parameter is too long' })
  t.same(normalizeError(fst('FST_ERR_HANDLER_TIMEOUT', 503, "Request timed out after 10 ms on route '/slow'"), fastify),
    { status: 503, code: 'service_unavailable', type: 'api_error', message: 'The request took too long to handle' })
  t.same(normalizeError(fst('FST_ERR_SOMETHING_NEW', 500, 'internal detail'), fastify), internal, 'an unknown Fastify code is read by its status')
})
