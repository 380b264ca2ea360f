import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import openapiTS, { astToString } from 'openapi-typescript'
import t from 'tap'
import { errors } from '../fixtures/catalog.js'
import { fastifyAdapter, expressAdapter, type Adapter, type Route } from './adapters.js'

// openapi-typescript, run on the document of each adapter, types each error
// response's `code` as the union of the codes that response carries: a
// client's switch over it is checked by the compiler, and a code the
// response cannot carry is a compile error.

const run = promisify(execFile)
// tsc on two cores shared with other work takes a while.
t.setTimeout(180_000)

const routes: Route[] = [
  { method: 'GET', path: '/widgets/:id', errors: ['widget_not_found'], handler: () => ({}) },
  { method: 'POST', path: '/widgets', schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }, errors: ['card_declined'], handler: () => ({}) }
]

// Compiled against the types generated from one document: `./api.js` is
// replaced by that file.
const CLIENT = `import type { paths } from './api.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Read = paths['/widgets/{id}']['get']['responses']
type Create = paths['/widgets']['post']['responses']

type NotFoundCode = Read[404]['content']['application/json']['error']['code']
export const notFoundCodes: Equal<NotFoundCode, 'not_found' | 'widget_not_found'> = true
export const problemCodes: Equal<Read[404]['content']['application/problem+json']['code'], 'not_found' | 'widget_not_found'> = true
export const invalidCodes: Equal<Create[422]['content']['application/json']['error']['code'], 'validation_failed'> = true
export const badRequestCodes: Equal<Create[400]['content']['application/json']['error']['code'], 'invalid_json'> = true
export const declinedCodes: Equal<Create[402]['content']['application/json']['error']['code'], 'card_declined'> = true
export const closingCodes: Equal<Create[503]['content']['application/json']['error']['code'], 'service_unavailable'> = true

// A switch that handles every code compiles; the never check proves it.
export function describeNotFound (error: Read[404]['content']['application/json']): string {
  switch (error.error.code) {
    case 'not_found': return 'No such path'
    case 'widget_not_found': return error.error.message
    default: {
      const unhandled: never = error.error.code
      return unhandled
    }
  }
}

// @ts-expect-error card_declined is no code of this operation's 404
export const misspelt: NotFoundCode = 'card_declined'

// The headers each response documents.
export const requestId: Equal<Read[404]['headers']['X-Request-Id'], string> = true
export const allow: Equal<Read[405]['headers']['Allow'], string> = true
export const retryAfter: Equal<Create[503]['headers']['Retry-After'], number | undefined> = true
`

async function documentOf (t: Parameters<Parameters<typeof t.test>[1]>[0], adapter: Adapter): Promise<Record<string, any>> {
  const app = await adapter.start(t, routes, { catalog: errors, format: 'negotiate' })
  return app.openApi()
}

t.test('openapi-typescript types the code of each error response of both adapters\' documents as the union of its codes', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'error-envelope-openapi-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const files: string[] = []
  const documents: Array<Record<string, any>> = []
  for (const adapter of [fastifyAdapter, expressAdapter]) {
    const document = await documentOf(t, adapter)
    documents.push(document)
    await writeFile(join(folder, `api-${adapter.name}.ts`), astToString(await openapiTS(document as never)))
    await writeFile(join(folder, `client-${adapter.name}.ts`), CLIENT.replace('./api.js', `./api-${adapter.name}.js`))
    files.push(`client-${adapter.name}.ts`)
  }
  t.same(documents[0].components, documents[1].components, 'the same contracts and error responses on both adapters')

  // The same client against a document whose 404 lets any code through, to
  // show that the checks can fail.
  const loose = structuredClone(documents[0])
  const notFound = loose.paths['/widgets/{id}'].get.responses['404'].$ref.split('/').pop()
  loose.components.responses[notFound].content['application/json'].schema = { $ref: '#/components/schemas/ErrorEnvelope' }
  await writeFile(join(folder, 'api-loose.ts'), astToString(await openapiTS(loose as never)))
  await writeFile(join(folder, 'client-loose.ts'), CLIENT.replace('./api.js', './api-loose.js'))
  files.push('client-loose.ts')

  const compilerOptions = { noEmit: true, strict: true, noUnusedLocals: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: [], skipLibCheck: false }
  await writeFile(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }))
  const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc')
  const output = await run(process.execPath, [tsc, '-p', folder], { cwd: folder, timeout: 150_000 }).then(() => '', (error: { stdout: string }) => error.stdout)
  const lines = output.split('\n').filter((line) => /^\S+\.ts\(/.test(line))
  t.same(lines.filter((line) => !line.startsWith('client-loose.ts(')), [], 'the client compiles against the generated types of both documents')
  t.match(output, /client-loose\.ts\(\d+,\d+\): error TS2578: Unused '@ts-expect-error' directive/, 'without the enum, the misspelt code compiles')
  t.match(output, /client-loose\.ts\(\d+,\d+\): error TS2322: Type 'true' is not assignable to type 'false'/, 'and the code is no longer the union')
})
