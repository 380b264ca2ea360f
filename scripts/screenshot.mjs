// Regenerates docs/errors-page.png, the screenshot of the reference page in
// the README: the demo API's catalog, served by the plugin, in Chromium
// (Debian's chromium package, or CHROMIUM_PATH). `npm run screenshot`.
import Fastify from 'fastify'
import { mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'
import errorEnvelope from '../dist/esm/index.js'
import { errors } from '../examples/errors.mjs'

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((path) => path !== undefined && path !== '')
const app = Fastify()
await app.register(errorEnvelope, { catalog: errors, docs: { path: '/errors', publicUrl: 'https://api.example.com/errors', title: 'the Widgets API' } })
await app.listen({ port: 0, host: '127.0.0.1' })
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 }, deviceScaleFactor: 1 })
  await page.goto(`http://127.0.0.1:${app.server.address().port}/errors`)
  mkdirSync('docs', { recursive: true })
  await page.screenshot({ path: 'docs/errors-page.png' })
  process.stdout.write('wrote docs/errors-page.png\n')
} finally {
  await browser.close()
  await app.close()
}
