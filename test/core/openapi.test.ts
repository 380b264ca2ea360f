import t from 'tap'
import { withErrorResponses } from '../../lib/core/openapi.js'
import { normalizeCommonOptions } from '../../lib/core/options.js'

// The framework-free part of the OpenAPI output, on documents neither
// adapter's own input gives it.

t.test('gives a document without components or paths the contract as a component, and no responses', async (t) => {
  const document = withErrorResponses({ openapi: '3.1.0' }, () => { t.fail('no operation to ask about'); return undefined }, normalizeCommonOptions({}))
  t.same(Object.keys(document.components?.schemas ?? {}), ['ErrorEnvelope'])
  t.same(document.components?.responses, {})
  t.notOk('paths' in document, 'no paths are made up')
})

t.test('leaves an operation the adapter knows nothing of as it is', async (t) => {
  const operation = { responses: { 200: { description: 'OK' } } }
  const document = withErrorResponses({ openapi: '3.1.0', paths: { '/x': { get: operation } } }, () => undefined, normalizeCommonOptions({}))
  t.same(document.paths?.['/x'], { get: { responses: { 200: { description: 'OK' } } } })
  t.same(document.components?.responses, {})
})
