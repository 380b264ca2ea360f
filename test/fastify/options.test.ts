import t from 'tap'
import type { Test } from 'tap'
import Fastify from 'fastify'
import { assertEnvelope, build, contractErrors } from '../helper.js'
import errorEnvelope, { badRequest, notFound } from '../../index.js'
import { normalizeOptions } from '../../lib/fastify/options.js'
import { MisuseError } from '../../lib/core/misuse.js'

/** What `app.register(errorEnvelope, options)` rejects with, in a fresh app. */
async function registerError (t: Test, options: unknown): Promise<unknown> {
  const app = Fastify()
  // A failed registration leaves the app failed to boot; closing it rethrows that failure.
  t.teardown(() => app.close().catch(() => {}))
  try {
    await app.register(errorEnvelope, options as never)
    await app.ready()
  } catch (error) {
    return error
  }
  return undefined
}

const prefix = 'error-envelope option'

const wrongOptions: Array<[string, unknown, string]> = [
  ['exposeServerErrors', { exposeServerErrors: 'yes' }, `${prefix} "exposeServerErrors" must be a boolean, instead got "yes"`],
  ['exposeServerErrors', { exposeServerErrors: null }, `${prefix} "exposeServerErrors" must be a boolean, instead got null`],
  ['errorHeaders', { errorHeaders: 'x-quota' }, `${prefix} "errorHeaders" must be an array of header names, instead got "x-quota"`],
  ['errorHeaders', { errorHeaders: ['x-quota', 'bad header'] }, `${prefix} "errorHeaders[1]" must be a header name, instead got "bad header"`],
  ['errorHeaders', { errorHeaders: [42] }, `${prefix} "errorHeaders[0]" must be a header name, instead got 42`],
  ['errorHeaders', { errorHeaders: ['Set-Cookie'] },
    `${prefix} "errorHeaders[0]" must be a header an error may set, not one of content-length, content-type, transfer-encoding, trailer, connection, keep-alive, proxy-connection, te, upgrade, host, set-cookie, instead got "Set-Cookie"`],
  ...['Transfer-Encoding', 'content-length', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te', 'host', 'content-type', 'proxy-connection'].map((name) =>
    ['errorHeaders', { errorHeaders: ['x-quota', name] },
      `${prefix} "errorHeaders[1]" must be a header an error may set, not one of content-length, content-type, transfer-encoding, trailer, connection, keep-alive, proxy-connection, te, upgrade, host, set-cookie, instead got "${name}"`] as const),
  ['requestId', { requestId: 'x-request-id' }, `${prefix} "requestId" must be an object, instead got "x-request-id"`],
  ['requestId', { requestId: null }, `${prefix} "requestId" must be an object, instead got null`],
  ['requestId', { requestId: [] }, `${prefix} "requestId" must be an object, instead got an array`],
  ['requestId.header', { requestId: { header: 5 } }, `${prefix} "requestId.header" must be a header name or false, instead got 5`],
  ['requestId.header', { requestId: { header: 'x request id' } }, `${prefix} "requestId.header" must be a header name or false, instead got "x request id"`],
  ['requestId.header', { requestId: { header: '' } }, `${prefix} "requestId.header" must be a header name or false, instead got ""`],
  ['requestId.header', { requestId: { header: true } }, `${prefix} "requestId.header" must be a header name or false, instead got true`],
  ['requestId.header', { requestId: { header: null } }, `${prefix} "requestId.header" must be a header name or false, instead got null`],
  ['requestId.trustIncoming', { requestId: { trustIncoming: 'no' } }, `${prefix} "requestId.trustIncoming" must be a boolean, instead got "no"`],
  ['requestId.generate', { requestId: { generate: 'uuid' } }, `${prefix} "requestId.generate" must be a function, instead got "uuid"`],
  ['logLevels', { logLevels: 'warn' }, `${prefix} "logLevels" must be an object, instead got "warn"`],
  ['logLevels.clientError', { logLevels: { clientError: 'loud' } },
    `${prefix} "logLevels.clientError" must be one of fatal, error, warn, info, debug, trace, instead got "loud"`],
  ['logLevels.serverError', { logLevels: { serverError: 50 } },
    `${prefix} "logLevels.serverError" must be one of fatal, error, warn, info, debug, trace, instead got 50`],
  ['validation', { validation: 'strict' }, `${prefix} "validation" must be an object, instead got "strict"`],
  ['validation.maxDetails', { validation: { maxDetails: 0 } }, `${prefix} "validation.maxDetails" must be an integer from 1 to 100, instead got 0`]
]

for (const [name, options, message] of wrongOptions) {
  t.test(`refuses a wrong ${name} at registration, naming it and what was given: ${JSON.stringify(options)}`, async (t) => {
    t.same(await registerError(t, options), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', message))
  })
}

t.test('refuses a wrong rateLimit at registration, naming it and what was given', async (t) => {
  const error = await registerError(t, { rateLimit: 'on' })
  t.type(error, MisuseError)
  t.equal((error as MisuseError).code, 'ERR_ENVELOPE_INVALID_OPTION')
  t.match((error as Error).message, /^error-envelope option "rateLimit[^"]*" must be .*, instead got "on"$/)
})

t.test('refuses an unknown option name at registration, naming it', async (t) => {
  t.same(await registerError(t, { exposeErrors: true }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION',
    'error-envelope does not know the option "exposeErrors"; known options: exposeServerErrors, errorHeaders, requestId, logLevels, validation, mapError, notFound, format, catalog, docs, telemetry, rateLimit, underPressure'))
})

t.test('refuses an unknown requestId or logLevels option name at registration, naming it', async (t) => {
  t.same(await registerError(t, { requestId: { headr: 'x-id' } }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION',
    'error-envelope does not know the option "requestId.headr"; known options of requestId: header, trustIncoming, generate, fromTraceparent'))
  t.same(await registerError(t, { logLevels: { client: 'warn' } }), new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION',
    'error-envelope does not know the option "logLevels.client"; known options of logLevels: clientError, serverError'))
})

t.test('refuses options that are not an object', async (t) => {
  t.throws(() => normalizeOptions('yes'), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `${prefix} "options" must be an object, instead got "yes"`))
  t.throws(() => normalizeOptions([]), new MisuseError('ERR_ENVELOPE_INVALID_OPTION', `${prefix} "options" must be an object, instead got an array`))
})

t.test('fills in every default when no option is given', async (t) => {
  const settings = normalizeOptions(undefined)
  t.equal(settings.exposeServerErrors, false)
  t.equal(settings.requestIdHeader, 'x-request-id')
  t.equal(settings.trustIncomingRequestId, true)
  t.equal(settings.generateRequestId, undefined)
  t.equal(settings.clientErrorLevel, 'info')
  t.equal(settings.serverErrorLevel, 'error')
  t.ok(settings.errorHeaders.has('retry-after'))
  t.same(normalizeOptions({}), settings)
})

t.test('lower-cases header names given in options and accepts false for requestId.header', async (t) => {
  const settings = normalizeOptions({ requestId: { header: 'X-Correlation-Id', trustIncoming: false }, errorHeaders: ['X-Quota'] })
  t.equal(settings.requestIdHeader, 'x-correlation-id')
  t.equal(settings.trustIncomingRequestId, false)
  t.ok(settings.errorHeaders.has('x-quota'))
  t.ok(settings.errorHeaders.has('retry-after'), 'the default allowlist stays')
  t.equal(normalizeOptions({ requestId: { header: false } }).requestIdHeader, false)
  t.same(normalizeOptions({ logLevels: { clientError: 'warn', serverError: 'fatal' } }),
    { ...normalizeOptions({}), clientErrorLevel: 'warn', serverErrorLevel: 'fatal' })
})

t.test('uses a requestId.generate result only when it is a valid id', async (t) => {
  const ids = ['custom-1', 'bad id', 42]
  const settings = normalizeOptions({
    requestId: {
      generate () {
        const id = ids.shift()
        if (id === undefined) throw new Error('generator failed')
        return id as string
      }
    }
  })
  const generate = settings.newRequestId
  t.equal(generate.name, 'generateCheckedRequestId')
  t.equal(generate(), 'custom-1')
  t.match(generate(), /^req_[A-Za-z0-9_-]{20}$/, 'an id with a space is replaced')
  t.match(generate(), /^req_[A-Za-z0-9_-]{20}$/, 'a number is replaced')
  t.match(generate(), /^req_[A-Za-z0-9_-]{20}$/, 'a throw is replaced')
})

t.test("accepts Fastify's own register options next to the plugin's", async (t) => {
  const { app } = await build(t, {
    plugin: { prefix: '/api', logLevel: 'warn', exposeServerErrors: false } as never,
    routes (app) {
      app.get('/widgets', async () => { throw notFound('No widgets') })
    }
  })
  assertEnvelope(t, await app.inject('/widgets'), 404, { code: 'not_found', message: 'No widgets', type: 'invalid_request_error' })
})

t.test('applies valid options once registered', async (t) => {
  const { app } = await build(t, {
    plugin: { exposeServerErrors: true, errorHeaders: ['X-Quota'], requestId: { header: 'X-Correlation-Id' } },
    routes (app) {
      app.get('/server', async () => { throw new Error('disk full') })
      app.get('/client', async () => { throw badRequest('Over quota', { headers: { 'x-quota': '0' } }) })
    }
  })
  const server = await app.inject('/server')
  t.equal(server.statusCode, 500)
  const serverBody = JSON.parse(server.body)
  t.same(contractErrors(serverBody), [])
  t.same(serverBody, {
    error: { code: 'internal_error', message: 'disk full', type: 'api_error', request_id: server.headers['x-correlation-id'] }
  })
  t.match(server.headers['x-correlation-id'], /^req_/)
  t.equal(server.headers['x-request-id'], undefined)

  const client = await app.inject('/client')
  t.equal(client.statusCode, 400)
  t.equal(client.headers['x-quota'], '0')
  const clientBody = JSON.parse(client.body)
  t.same(contractErrors(clientBody), [])
  t.same(clientBody, {
    error: { code: 'bad_request', message: 'Over quota', type: 'invalid_request_error', request_id: client.headers['x-correlation-id'] }
  })
})
