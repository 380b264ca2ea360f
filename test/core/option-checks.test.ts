import t from 'tap'
import { MisuseError } from '../../index.js'
import { checkKnownKeys, nestedOption, type KnownKeys } from '../../lib/core/option-checks.js'
import { normalizeOptions } from '../../lib/fastify/options.js'

interface Shape { spans?: boolean, logs?: boolean }
const KNOWN: KnownKeys<Shape> = { spans: true, logs: true }

t.test('refuses the first unknown key with ERR_ENVELOPE_UNKNOWN_OPTION, naming it with its owner and listing the known ones', async (t) => {
  t.same(t.throws(() => checkKnownKeys({ spans: true, span: false }, KNOWN, { owner: 'telemetry' })),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "telemetry.span"; known options of telemetry: spans, logs'))
  t.same(t.throws(() => checkKnownKeys({ span: false }, KNOWN)),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "span"; known options: spans, logs'))
  t.doesNotThrow(() => checkKnownKeys({ spans: true, logs: false }, KNOWN))
})

t.test('takes only the known map\'s own keys: inherited names and __proto__ are no options', async (t) => {
  for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
    const given = JSON.parse(`{ "${key}": 1 }`) as object
    t.same(t.throws(() => checkKnownKeys(given, KNOWN, { owner: 'telemetry' })),
      new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', `error-envelope does not know the option "telemetry.${key}"; known options of telemetry: spans, logs`), key)
  }
  t.same(t.throws(() => nestedOption('requestId', { toString: 'x' }, { header: true })),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "requestId.toString"; known options of requestId: header'))
})

t.test('takes the keys Fastify passes to every plugin without listing them', async (t) => {
  t.doesNotThrow(() => normalizeOptions({ prefix: '/v1', logLevel: 'warn', logSerializers: {} }))
  t.match(t.throws(() => normalizeOptions({ prefix: '/v1', prefx: '/v1' })), {
    code: 'ERR_ENVELOPE_UNKNOWN_OPTION',
    message: /^error-envelope does not know the option "prefx"; known options: exposeServerErrors, .*, rateLimit, underPressure$/
  })
})

t.test('words the error of a key that is no option as its caller says', async (t) => {
  t.same(t.throws(() => checkKnownKeys({ docs: 'y' }, KNOWN, { message: (key, known) => `entry "x": unknown field "${key}"; known fields: ${known.join(', ')}` })),
    new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'entry "x": unknown field "docs"; known fields: spans, logs'))
})
