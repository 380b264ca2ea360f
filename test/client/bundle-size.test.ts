import t from 'tap'
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

t.test('the client bundles for a browser, minified and gzipped, in at most 2.5 kB, with nothing of the server', async (t) => {
  const result = await build({ entryPoints: [join(root, 'client.ts')], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent' })
  const code = result.outputFiles[0].contents
  const gzipped = gzipSync(code).length
  t.ok(gzipped <= 2500, `${gzipped} bytes gzipped`)
  const inputs = Object.keys(result.metafile.inputs).sort()
  t.same(inputs.filter((input) => !/^(lib\/client\/[a-z-]+\.ts|lib\/core\/code-table\.ts|client\.ts)$/.test(input)), [], 'only the client and the table of codes')
  t.notMatch(new TextDecoder().decode(code), /node:|require\(/, 'no Node module')
})
