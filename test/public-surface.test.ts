import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import * as rootEntry from '../index.js'
import * as expressEntry from '../express.js'

// The public surface of the root and Express entry points, read from the
// modules themselves (runtime exports) and from the entry files' export
// statements (type exports, following `export *` into lib/core/public.ts):
// every name a user can import must be named, in code, in README.md or a
// page of docs/.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]

/** The code of a Markdown text: its fenced blocks and its inline code spans. */
function codeOf (markdown: string): string {
  const code: string[] = []
  const prose = markdown.replace(/^(`{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm, function fenced (_all, _fence: string, body: string) {
    code.push(body)
    return ''
  })
  for (const span of prose.matchAll(/(`+)([\s\S]*?[^`])\1(?!`)/g)) code.push(span[2])
  return code.join('\n')
}

const documentedCode = pages.map((page) => codeOf(readFileSync(join(root, page), 'utf8'))).join('\n')

/** Whether a name appears as a whole identifier in the docs' code. */
function isNamed (name: string, code = documentedCode): boolean {
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code)
}

/**
 * Every name an entry file exports, by its export statements: named
 * exports (`type` ones included), declarations, and the names of the files
 * an `export *` re-exports.
 */
function exportedNames (file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>()
  if (seen.has(file)) return names
  seen.add(file)
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause
      if (clause === undefined) {
        const specifier = (statement.moduleSpecifier as ts.StringLiteral).text
        for (const name of exportedNames(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')), seen)) names.add(name)
      } else if (ts.isNamedExports(clause)) {
        for (const element of clause.elements) names.add(element.name.text)
      } else {
        names.add(clause.name.text)
      }
      continue
    }
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
    if (!exported) continue
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text)
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name !== undefined) {
      names.add(statement.name.text)
    }
  }
  names.delete('default')
  return names
}

const entries = [
  { entry: 'error-envelope', file: join(root, 'index.ts'), module: rootEntry as Record<string, unknown> },
  { entry: 'error-envelope/express', file: join(root, 'express.ts'), module: expressEntry as Record<string, unknown> }
]

/** The runtime names of a module, without its default export. */
function runtimeNames (module: Record<string, unknown>): string[] {
  return Object.keys(module).filter((name) => name !== 'default')
}

/** The exported names that only TypeScript sees: types and interfaces. */
function typeNames (file: string, module: Record<string, unknown>): string[] {
  return [...exportedNames(file)].filter((name) => !(name in module))
}

t.test('reads the surface: the parser finds the types of the entry files and of lib/core/public.ts', async (t) => {
  const fastifyTypes = typeNames(join(root, 'index.ts'), rootEntry)
  const expressTypes = typeNames(join(root, 'express.ts'), expressEntry)
  for (const name of ['ErrorEnvelopeOptions', 'RouteRateLimit', 'RateLimitOptions', 'MapError', 'NormalizedError', 'CatalogEntry', 'TelemetryOptions']) {
    t.ok(fastifyTypes.includes(name), `error-envelope exports the type ${name}`)
  }
  for (const name of ['ExpressEnvelopeOptions', 'RouteRateLimit', 'ValidatedParts', 'MapError', 'NormalizedError']) {
    t.ok(expressTypes.includes(name), `error-envelope/express exports the type ${name}`)
  }
  t.notOk(fastifyTypes.includes('normalizeError'), 'a runtime export is not counted as a type')
  t.ok(runtimeNames(rootEntry).includes('normalizeError'))
  t.ok(runtimeNames(expressEntry).includes('getRequestId'))
})

t.test('tells a name the docs show in code from one they never name', async (t) => {
  const code = codeOf('Call `normalizeError(thrown)`.\n\n```ts\nconst answer: NormalizedError = x\n```\n\nThe envelopeSchema in prose.\n')
  t.ok(isNamed('normalizeError', code), 'in an inline code span')
  t.ok(isNamed('NormalizedError', code), 'in a fenced block')
  t.notOk(isNamed('envelopeSchema', code), 'prose outside code does not count')
  t.notOk(isNamed('Normalized', code), 'a part of a longer name does not count')
  t.notOk(isNamed('NoSuchExportAnywhere'), 'a name absent from README.md and docs/ is reported')
})

t.test('every runtime export of the root and Express entry points is named in README.md or docs/', async (t) => {
  for (const { entry, module } of entries) {
    const names = runtimeNames(module)
    t.ok(names.length > 40, `${entry} has its exports`)
    t.same(names.filter((name) => !isNamed(name)), [], `${entry}: runtime exports named nowhere in README.md or docs/*.md`)
  }
})

t.test('every exported type of the root and Express entry points is named in README.md or docs/', async (t) => {
  for (const { entry, file, module } of entries) {
    const names = typeNames(file, module)
    t.ok(names.length > 30, `${entry} has its types`)
    t.same(names.filter((name) => !isNamed(name)), [], `${entry}: exported types named nowhere in README.md or docs/*.md`)
  }
})

t.test('both entry points call a route\'s own limit RouteRateLimit, and the Express entry no longer says RouteRateLimitOptions', async (t) => {
  for (const { entry, file, module } of entries) {
    const names = typeNames(file, module)
    t.ok(names.includes('RouteRateLimit'), `${entry} exports RouteRateLimit`)
    t.notOk(names.includes('RouteRateLimitOptions'), `${entry} does not export RouteRateLimitOptions`)
  }
})

t.test('the default and refused header lists are the same read-only sets on both entry points', async (t) => {
  t.equal(expressEntry.defaultErrorHeaders, rootEntry.defaultErrorHeaders)
  t.equal(expressEntry.refusedErrorHeaders, rootEntry.refusedErrorHeaders)
  for (const [name, names] of Object.entries({ defaultErrorHeaders: rootEntry.defaultErrorHeaders, refusedErrorHeaders: rootEntry.refusedErrorHeaders })) {
    const before = [...names].sort()
    t.ok(before.length > 0, `${name} lists headers`)
    t.ok(Object.isFrozen(names), `${name} is frozen`)
    const view = names as unknown as Record<string, unknown>
    for (const method of ['add', 'delete', 'clear']) {
      const own = view[method]
      if (typeof own === 'function') {
        t.throws(() => (own as (value?: string) => unknown).call(names, 'set-cookie'), `${name}.${method}() throws`)
      } else {
        t.equal(own, undefined, `${name} has no ${method}()`)
      }
      const fromSet = Set.prototype[method as 'add' | 'delete' | 'clear'] as (this: unknown, value?: string) => unknown
      t.throws(() => fromSet.call(names, 'set-cookie'), TypeError, `Set.prototype.${method} does not apply to ${name}`)
    }
    t.throws(() => { view.has = () => true }, TypeError, `${name}.has cannot be replaced`)
    t.throws(() => { view.add = () => names }, TypeError, `${name} cannot be given an add()`)
    t.throws(() => Object.defineProperty(names, 'size', { value: 0 }), TypeError, `${name}.size cannot be redefined`)
    t.same([...names].sort(), before, `${name} still lists the same headers`)
  }
  t.ok(rootEntry.refusedErrorHeaders.has('set-cookie'))
  t.notOk(rootEntry.defaultErrorHeaders.has('set-cookie'))
})

t.test('every exported object of the root and Express entry points is frozen, and the package reads none of them back', async (t) => {
  for (const { entry, module } of entries) {
    const values = runtimeNames(module).filter((name) => typeof module[name] === 'object' && module[name] !== null && !(module[name] instanceof RegExp))
    t.ok(values.length > 0, `${entry} exports values`)
    t.same(values.filter((name) => !Object.isFrozen(module[name])), [], `${entry}: exported objects that a module could change`)
  }
  // A RegExp cannot be frozen against compile(), which replaces its pattern
  // before it fails on the frozen lastIndex: the package checks ids without it.
  const pattern = rootEntry.REQUEST_ID_PATTERN as RegExp & { compile: (source: string, flags?: string) => RegExp }
  const { source, flags } = pattern
  t.teardown(() => { pattern.compile(source, flags) })
  pattern.compile('.*')
  t.ok(pattern.test('a b'), 'the exported pattern was recompiled')
  t.notOk(rootEntry.isValidRequestId('a b'), 'ids are still checked against the contract')
  t.equal(rootEntry.resolveRequestId('a b', () => 'req_new'), 'req_new')
})
