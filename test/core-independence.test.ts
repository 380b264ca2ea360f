import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contractErrors } from './helper.js'
import { generateRequestId, isValidRequestId, notFound, normalizeError, resolveRequestId, serializeEnvelope } from '../index.js'

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib')

/**
 * The framework-independent core: what an adapter for another framework
 * would reuse as it is, together with every file these import. None of it
 * may know Fastify.
 */
const seeds = [
  'api-error.ts',
  'clip.ts',
  'codes.ts',
  'describe.ts',
  'envelope.ts',
  'flat-string.ts',
  'head-cache.ts',
  'helpers.ts',
  'log-error.ts',
  'normalize.ts',
  'option-checks.ts',
  'request-id.ts',
  'safe-read.ts',
  'validate.ts',
  'validation.ts'
]

/** Every module a source file names: static imports and re-exports, dynamic imports and require(). */
function importsOf (file: string): string[] {
  // Doc comments show imports of the package itself in their examples.
  const source = readFileSync(join(lib, file), 'utf8')
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

/** The files a source file imports from `lib/`. */
function localImportsOf (file: string): string[] {
  return importsOf(file)
    .filter((specifier) => specifier.startsWith('./'))
    .map((specifier) => specifier.slice(2).replace(/\.js$/, '.ts'))
}

/** The seeds and everything they import, directly or not. */
function closure (files: string[]): string[] {
  const found = new Set(files)
  for (const file of found) {
    for (const imported of localImportsOf(file)) found.add(imported)
  }
  return [...found]
}

const core = closure(seeds)

function isFastify (specifier: string): boolean {
  return specifier === 'fastify' || specifier.startsWith('fastify/') || specifier.startsWith('fastify-') || specifier.startsWith('@fastify/')
}

t.test('lists core files that exist', async (t) => {
  const files = readdirSync(lib)
  t.same(core.filter((file) => !files.includes(file)), [])
  t.ok(core.length >= seeds.length)
})

t.test('reads the imports of a source file, whatever their form', async (t) => {
  t.same(importsOf('request-id.ts'), ['node:crypto'])
  t.ok(importsOf('error-handler.ts').some(isFastify), 'the Fastify glue is recognised as such')
})

for (const file of core) {
  t.test(`${file} imports nothing from Fastify`, async (t) => {
    t.same(importsOf(file).filter(isFastify), [])
  })
}

t.test('the core imports no file from outside lib/', async (t) => {
  for (const file of core) {
    t.same(importsOf(file).filter((specifier) => specifier.startsWith('..') || specifier.startsWith('/')), [], file)
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
