import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from '../helper.js'
import { generateRequestId, isValidRequestId, notFound, normalizeError, resolveRequestId, serializeEnvelope } from '../../index.js'

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lib')
const coreDir = join(lib, 'core')

/** Every file of the framework-free core: `lib/core/`, whatever it holds. */
const core = readdirSync(coreDir).filter((file) => file.endsWith('.ts'))

/** Every module a source file names: static imports and re-exports, dynamic imports and require(). */
function importsOf (path: string): string[] {
  // Doc comments show imports of the package itself in their examples.
  const source = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const specifiers: string[] = []
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g
  ]
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) specifiers.push(match[1])
  }
  return specifiers
}

/** A web framework, or a package that exists for one (fastify-plugin, @fastify/*, express-rate-limit, body-parser, ...). */
function isFramework (specifier: string): boolean {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
  return /^(fastify|express|koa|hapi|@hapi|@koa|@fastify|router|finalhandler|body-parser|pino-http)(\/|-|$)/.test(name) ||
    name.startsWith('fastify-') || name.startsWith('express-') || name.startsWith('@fastify/')
}

t.test('finds the core files and reads their imports, whatever their form', async (t) => {
  t.ok(core.includes('envelope.ts') && core.includes('normalize.ts') && core.includes('request-id.ts'))
  t.same(importsOf(join(coreDir, 'request-id.ts')), ['node:crypto'])
  t.ok(importsOf(join(lib, 'fastify', 'error-handler.ts')).some(isFramework), 'the Fastify glue is recognised as such')
  t.ok(isFramework('express') && isFramework('express-rate-limit') && isFramework('@fastify/rate-limit') && isFramework('fastify-plugin'))
  t.notOk(isFramework('ajv') || isFramework('node:http') || isFramework('http-errors'))
})

for (const file of core) {
  t.test(`lib/core/${file} imports no framework`, async (t) => {
    t.same(importsOf(join(coreDir, file)).filter(isFramework), [])
  })
}

t.test('lib/core imports nothing from outside lib/core', async (t) => {
  for (const file of core) {
    const outside = importsOf(join(coreDir, file)).filter((specifier) => specifier.startsWith('..') || specifier.startsWith('/'))
    t.same(outside, [], file)
  }
})

t.test('answers an error with the core alone: request id, normalisation and envelope', async (t) => {
  const incoming = 'trace-7f3a'
  const id = resolveRequestId(incoming)
  t.equal(id, incoming, 'a valid incoming id is kept')
  const fresh = resolveRequestId('bad id with spaces')
  t.match(fresh, /^req_[A-Za-z0-9_-]{20}$/, 'an invalid one is replaced')
  t.equal(resolveRequestId(undefined, () => 'custom-1'), 'custom-1', 'by the given generator')

  const body = JSON.parse(serializeEnvelope(normalizeError(notFound('Widget w_1 not found', { param: 'id' })), id))
  t.same(contractErrors(body), [])
  t.same(body, {
    error: { code: 'not_found', message: 'Widget w_1 not found', type: 'invalid_request_error', param: 'id', request_id: incoming }
  })
})

t.test('generates request ids that are valid and distinct', async (t) => {
  const ids = new Set(Array.from({ length: 600 }, () => generateRequestId()))
  t.equal(ids.size, 600)
  t.ok([...ids].every((id) => isValidRequestId(id) && /^req_[A-Za-z0-9_-]{20}$/.test(id)))
})
