// Builds the CommonJS and the ES module flavours of the package, each with
// its declarations, and marks each folder with its module type.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')

rmSync('dist', { recursive: true, force: true })
for (const [project, folder, type] of [
  ['tsconfig.cjs.json', 'dist/cjs', 'commonjs'],
  ['tsconfig.json', 'dist/esm', 'module']
]) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' })
  mkdirSync(folder, { recursive: true })
  writeFileSync(`${folder}/package.json`, JSON.stringify({ type }) + '\n')
}
