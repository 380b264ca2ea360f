import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import errorEnvelope, { ApiError, defineErrors, MisuseError, type MisuseCode } from '../../index.js'
import { errorEnvelope as expressEnvelope, getRequestId, MisuseError as ExpressMisuseError } from '../../express.js'
import { misuseCodes } from '../../lib/core/misuse.js'
import { loadPeer } from '../../lib/core/peer.js'
import { logControllerClass } from '../../lib/fastify/server-options.js'

// One library call per code, typed by the union: a code added to the table
// without a call here, or a call for a code the table lacks, does not compile.
const calls: Record<MisuseCode, () => unknown> = {
  ERR_ENVELOPE_UNKNOWN_OPTION: () => expressEnvelope({ exposeErrors: true } as never),
  ERR_ENVELOPE_INVALID_OPTION: () => expressEnvelope({ exposeServerErrors: 'yes' } as never),
  ERR_ENVELOPE_INVALID_ERROR: () => new ApiError(200, 'Fine'),
  ERR_ENVELOPE_INVALID_CATALOG: () => defineErrors({ widget_gone: { status: 302, message: 'Moved' } }),
  ERR_ENVELOPE_UNKNOWN_CODE: () => expressEnvelope().openApi({ openapi: '3.1.0', paths: { '/x': { get: { 'x-errors': ['widget_missing'], responses: {} } } } }),
  ERR_ENVELOPE_INVALID_SCHEMA: () => expressEnvelope().validate({ body: { type: 'no-such-type' } }),
  ERR_ENVELOPE_SERVER_OPTION: async () => {
    const app = Fastify()
    try {
      await app.register(errorEnvelope, { strictBody: true } as never).ready()
    } finally {
      await app.close().catch(() => {})
    }
  },
  ERR_ENVELOPE_INVALID_DOCUMENT: () => expressEnvelope().openApi({ swagger: '2.0', paths: {} }),
  ERR_ENVELOPE_PEER_MISSING: () => loadPeer('not-an-installed-peer', 'the rateLimit option'),
  ERR_ENVELOPE_PEER_UNSUPPORTED: () => logControllerClass({}),
  ERR_ENVELOPE_NOT_FASTIFY: () => (errorEnvelope as unknown as (req: unknown, res: unknown, next: unknown) => Promise<void>)({ method: 'GET' }, {}, () => {}),
  ERR_ENVELOPE_REGISTERED_TWICE: async () => {
    const app = Fastify()
    try {
      await app.register(errorEnvelope).register(errorEnvelope).ready()
    } finally {
      await app.close().catch(() => {})
    }
  },
  ERR_ENVELOPE_NO_REQUEST_CONTEXT: () => getRequestId({ headers: {} } as never),
  ERR_ENVELOPE_RATE_LIMIT_UNCOUNTED: () => expressEnvelope().rateLimit({ max: 5 }),
  ERR_ENVELOPE_TWO_RATE_LIMITERS: async () => {
    const app = Fastify()
    try {
      await app.register(rateLimit).register(errorEnvelope, { rateLimit: { max: 5 } }).ready()
    } finally {
      await app.close().catch(() => {})
    }
  }
}

/** What a call throws or rejects with; undefined when it does neither. */
async function thrownBy (call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  return undefined
}

t.test('the table of codes is frozen, and each code is ERR_ENVELOPE_ with a one-line description', async (t) => {
  t.ok(Object.isFrozen(misuseCodes))
  for (const [code, description] of Object.entries(misuseCodes)) {
    t.match(code, /^ERR_ENVELOPE_[A-Z_]+$/, code)
    t.match(description, /^[a-z@].*[^.]$/, `${code}: a phrase, no full stop`)
    t.notMatch(description, /\n/, `${code}: one line`)
  }
})

t.test('the table and the union agree: every code of the table has a call here, and no other', async (t) => {
  t.same(Object.keys(calls), Object.keys(misuseCodes))
})

for (const [code, call] of Object.entries(calls)) {
  t.test(`${code} is thrown by a library call, as a MisuseError that is a TypeError`, async (t) => {
    const error = await thrownBy(call)
    t.type(error, MisuseError)
    t.type(error, TypeError)
    const { code: thrownCode, name, message } = error as MisuseError
    t.equal(thrownCode, code)
    t.equal(name, 'TypeError', 'named as the TypeError it is, so new TypeError(message) matchers keep matching')
    t.match(message, /^error-envelope[ :]/, 'the message says which package refused what')
  })
}

t.test('both entries export the same MisuseError, whose code is an own enumerable property', async (t) => {
  t.equal(ExpressMisuseError, MisuseError)
  const error = new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "x" must be a boolean, instead got 1')
  t.same(Object.keys(error), ['code'])
  t.equal(error.message, 'error-envelope option "x" must be a boolean, instead got 1')
  t.match(error.stack, /^TypeError: error-envelope option "x"/)
})

t.test('the reference lists every code of the table, with its description, and no other', async (t) => {
  const reference = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'reference.md'), 'utf8')
  const rows = [...reference.matchAll(/^\| `(ERR_ENVELOPE_[A-Z_]+)` \| (.+) \|$/gm)].map((row) => [row[1], row[2].replaceAll('`', '')])
  t.same(rows, Object.entries(misuseCodes))
})
