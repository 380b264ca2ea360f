import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import t, { type Test } from 'tap'
import { chromiumPath } from '../fixtures/browser.js'
import { contractErrors } from '../helper.js'

// error-envelope/client in a real Chromium: the demo's /client/ page loads
// the client's ES modules from the build, fetches a failing route and shows
// what readError() read, with no console error and no request elsewhere.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const executablePath = chromiumPath()
if (executablePath === undefined) {
  if (process.env.ERROR_ENVELOPE_REQUIRE_BROWSER === '1') throw new Error('the browser tests need Chromium: install Debian\'s chromium package, or set CHROMIUM_PATH')
  t.skip('no Chromium (Debian\'s chromium package, or CHROMIUM_PATH): the browser test of the client is skipped')
} else {
  let browser: Browser
  t.before(async () => {
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
  })
  t.teardown(async () => { await browser.close() })

  async function startDemo (t: Test): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info' }
    delete env.NODE_OPTIONS
    delete env.NODE_V8_COVERAGE
    env._TAPJS_PROCESSINFO_COVERAGE_ = '0'
    const demo = spawn(process.execPath, [join(root, 'examples', 'demo.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] })
    t.teardown(() => { demo.kill() })
    return await new Promise<string>((resolve, reject) => {
      let seen = ''
      const timer = setTimeout(() => { reject(new Error(`the demo did not start: ${seen}`)) }, 30_000)
      demo.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString()
        const found = /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(seen)
        if (found !== null) { clearTimeout(timer); resolve(found[1]) }
      })
      demo.once('exit', () => { clearTimeout(timer); reject(new Error(`the demo stopped: ${seen}`)) })
    })
  }

  t.test('the demo\'s client page reads a failing route with readError() in Chromium', async (t) => {
    const base = await startDemo(t)
    const page = await browser.newPage()
    t.teardown(() => page.close())
    const problems: string[] = []
    const modules: string[] = []
    page.on('console', (message) => {
      // The failing route's own 404 is what the page is about.
      if (message.type() === 'error' && message.location().url !== base + '/widgets/w_9') problems.push(`${message.text()} (${message.location().url})`)
    })
    page.on('pageerror', (error) => { problems.push(error.message) })
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) problems.push(`a request to ${request.url()}`)
      if (request.url().endsWith('.js')) modules.push(request.url().slice(base.length))
    })
    await page.goto(base + '/client/')
    await page.locator('#error[data-ready="true"]').waitFor({ timeout: 20_000 })
    const shown = JSON.parse(await page.locator('#error').textContent() ?? '')
    t.same(contractErrors(shown.body), [], 'the body read is the envelope')
    t.same(shown, {
      name: 'ClientError',
      status: 404,
      code: 'widget_not_found',
      type: 'invalid_request_error',
      message: 'Widget w_9 not found',
      param: 'id',
      details: [],
      requestId: shown.header,
      header: shown.header,
      docUrl: '/errors#widget_not_found',
      retryable: false,
      format: 'envelope',
      body: { error: { code: 'widget_not_found', message: 'Widget w_9 not found', type: 'invalid_request_error', param: 'id', request_id: shown.header, doc_url: '/errors#widget_not_found' } },
      bodyStillUnread: true
    })
    t.match(shown.header, /^req_[A-Za-z0-9_-]{20}$/)
    t.ok(modules.includes('/client/client.js') && modules.includes('/client/lib/core/code-table.js'), 'the client loads as ES modules from the build')
    t.same(problems, [], 'no console error, no request to another origin')
    const refused = await fetch(base + '/client/../index.js')
    t.equal(refused.status, 404, 'only the client\'s modules are served')
    const outside = await fetch(base + '/client/lib/core/codes.js')
    t.equal(outside.status, 404)
    t.same(contractErrors(await outside.json()), [])
  })
}
