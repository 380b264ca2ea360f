import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import openapiTS, { astToString } from 'openapi-typescript'
import t from 'tap'
import { contractErrors } from './helper.js'

// The code blocks of docs/openapi-clients.md, as a user runs them: the
// Fastify and the Express blocks run and write their OpenAPI document,
// openapi-typescript turns each into api.d.ts, and the client blocks
// compile against both. JSON blocks parse, and an error body satisfies the
// contract.

const run = promisify(execFile)
// tsc on two cores shared with other work takes a while.
t.setTimeout(180_000)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

interface Block { lang: string, line: number, code: string }

async function blocksOf (): Promise<Block[]> {
  const lines = (await readFile(join(root, 'docs', 'openapi-clients.md'), 'utf8')).split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)$/.exec(lines[i])
    if (open === null) continue
    const start = i
    const code: string[] = []
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) code.push(lines[i])
    blocks.push({ lang: open[1], line: start + 1, code: code.join('\n') })
  }
  return blocks
}

t.test('the page\'s server blocks write documents from which its client blocks compile, on both adapters', async (t) => {
  const blocks = await blocksOf()
  const ts = blocks.filter((block) => block.lang === 'ts')
  const servers = ts.filter((block) => block.code.includes("writeFileSync('openapi.json'"))
  const clients = ts.filter((block) => !servers.includes(block))
  t.same(servers.map((block) => block.code.includes("'error-envelope/express'") ? 'express' : 'fastify'), ['fastify', 'express'], 'a server block per adapter')
  t.ok(clients.length >= 3, 'the client blocks')
  // A folder of its own inside the repository, so that the blocks import
  // the package by name (a package may import itself).
  await mkdir(join(root, '.smoke'), { recursive: true })
  const dir = await mkdtemp(join(root, '.smoke', 'openapi-clients-docs-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const files: string[] = []
  for (const server of servers) {
    const adapter = server.code.includes("'error-envelope/express'") ? 'express' : 'fastify'
    const folder = join(dir, adapter)
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'server.ts'), server.code)
    files.push(`${adapter}/server.ts`)
    await run(process.execPath, ['server.ts'], { cwd: folder, timeout: 30_000 })
    const document = JSON.parse(await readFile(join(folder, 'openapi.json'), 'utf8'))
    await writeFile(join(folder, 'api.d.ts'), astToString(await openapiTS(document)))
    for (const client of clients) {
      await writeFile(join(folder, `line-${client.line}.ts`), client.code + '\nexport {}\n')
      files.push(`${adapter}/line-${client.line}.ts`)
    }
  }
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
    files
  }))
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const output = await run(process.execPath, [tsc, '-p', dir], { cwd: dir, timeout: 150_000 }).then(() => '', (error: { stdout: string }) => error.stdout)
  t.equal(output, '', 'tsc reports nothing')
})

t.test('every JSON block of the page parses, and an error body satisfies the contract', async (t) => {
  const json = (await blocksOf()).filter((block) => block.lang === 'json')
  t.ok(json.length >= 2)
  for (const block of json) {
    const value = JSON.parse(block.code)
    if ('error' in value) t.same(contractErrors(value), [], `line ${block.line}: the envelope satisfies the contract`)
  }
})

t.test('every block of the page says its language, one this test checks', async (t) => {
  t.same((await blocksOf()).filter((block) => !['ts', 'json', 'sh'].includes(block.lang)).map((block) => block.line), [])
})
