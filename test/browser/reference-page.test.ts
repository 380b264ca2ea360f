import AxeBuilder from '@axe-core/playwright'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import t, { type Test } from 'tap'
import errorEnvelope, { catalogEntries } from '../../index.js'
import { chromiumPath } from '../fixtures/browser.js'
import { errors } from '../fixtures/catalog.js'

// The reference page as a reader sees it, in a real Chromium: every code
// has its row and its anchor, a doc_url from a real error opens its entry,
// nothing fails in the console, nothing is fetched from elsewhere, and axe
// finds no accessibility violation.

const executablePath = chromiumPath()
if (executablePath === undefined) {
  if (process.env.ERROR_ENVELOPE_REQUIRE_BROWSER === '1') throw new Error('the browser tests need Chromium: install Debian\'s chromium package, or set CHROMIUM_PATH')
  t.skip('no Chromium (Debian\'s chromium package, or CHROMIUM_PATH): the browser tests of the reference page are skipped')
} else {
  const entries = catalogEntries(errors) ?? []
  let browser: Browser

  t.before(async () => {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
  })
  t.teardown(async () => { await browser.close() })

  async function start (t: Test): Promise<string> {
    const app = Fastify()
    await app.register(errorEnvelope, { catalog: errors, docs: { path: '/errors', title: 'Widgets API' } })
    app.get('/widgets/:id', async (request) => { throw errors.widget_not_found({ id: (request.params as { id: string }).id }, { param: 'id' }) })
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.teardown(() => app.close())
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  }

  t.test('every code has a row in the status table and an anchor that scrolls to its entry', async (t) => {
    const base = await start(t)
    const page = await browser.newPage()
    t.teardown(() => page.close())
    const problems: string[] = []
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
    page.on('pageerror', (error) => { problems.push(error.message) })
    page.on('request', (request) => { if (!request.url().startsWith(base)) problems.push(`a request to ${request.url()}`) })
    await page.goto(base + '/errors')
    t.equal(await page.title(), 'Errors · Widgets API')
    for (const entry of entries) {
      t.equal(await page.locator(`#status-codes + table a[href="#${entry.code}"]`).count(), 1, `${entry.code} has its row link`)
      await page.locator(`#status-codes + table a[href="#${entry.code}"]`).click()
      t.equal(new URL(page.url()).hash, `#${entry.code}`)
      t.ok(await page.locator(`section#${entry.code}`).isVisible(), `${entry.code} has its entry`)
      const inView = await page.locator(`section#${entry.code}`).evaluate((section) => {
        const box = section.getBoundingClientRect()
        return box.top >= -1 && box.top < window.innerHeight
      })
      t.ok(inView, `${entry.code}: the anchor scrolls to the entry`)
    }
    t.same(problems, [], 'no console error, no request to another origin')
  })

  t.test('a doc_url from a real error response opens the entry of its code', async (t) => {
    const base = await start(t)
    const response = await fetch(base + '/widgets/w_9')
    const body = await response.json()
    t.equal(body.error.doc_url, '/errors#widget_not_found')
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await page.goto(new URL(body.error.doc_url, base).href)
    const target = await page.evaluate(() => document.querySelector(':target')?.id)
    t.equal(target, 'widget_not_found')
    t.match(await page.locator('section#widget_not_found').innerText(), 'List widgets with GET /widgets and use one of their ids.')
  })

  t.test('axe finds no accessibility violation, in the light and the dark scheme', async (t) => {
    const base = await start(t)
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto(base + '/errors')
      const results = await new AxeBuilder({ page }).analyze()
      t.same(results.violations.map((violation) => `${violation.id}: ${violation.help}`), [], `${colorScheme}: no violation`)
    }
  })

  t.test('prints every entry, with the page\'s links as text', async (t) => {
    const base = await start(t)
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await page.goto(base + '/errors')
    await page.emulateMedia({ media: 'print' })
    for (const entry of entries) t.ok(await page.locator(`section#${entry.code}`).isVisible(), `${entry.code} is printed`)
    const pdf = await page.pdf({ format: 'A4' })
    t.ok(pdf.length > 1000, 'a printable document')
  })
}
