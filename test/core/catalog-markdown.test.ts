import t from 'tap'
import { catalogEntries, defineErrors, renderCatalogMarkdown } from '../../index.js'
import { errors } from '../fixtures/catalog.js'

const urlOf = (code: string): string => `https://api.example.com/errors#${code}`

t.test('the Markdown page shows the catalog\'s HTML as text, as the HTML page does', async (t) => {
  const markdown = renderCatalogMarkdown(catalogEntries(errors) ?? [], urlOf, 'Widgets <b>&</b> Co')
  t.match(markdown, /^# Errors\n\nEvery error of Widgets &lt;b&gt;&amp;&lt;\/b&gt; Co answers/)
  t.match(markdown, '\n**Cause.** The card issuer refused the charge &lt;for a reason it keeps&gt;.\n')
  t.notMatch(markdown, '<for a reason', 'no raw tag of the catalog is left')

  const hostile = defineErrors({
    widget_locked: {
      status: 423,
      message: 'Widget <b>{id}</b> is locked',
      title: '<img src=x onerror=alert(1)> Locked | for now',
      description: 'Someone <script>alert(1)</script> holds the lock & keeps it.\n\n<div>a block</div>',
      fix: 'Retry after the **lock** ends: see [locks](https://docs.example.com/locks), compare with `a < b && c`, or ``x ` <y>``; a lone ` and <z>.'
    }
  })
  const page = renderCatalogMarkdown(catalogEntries(hostile) ?? [], urlOf)
  t.match(page, '| [`widget_locked`](#widget_locked) | 423 | `invalid_request_error` | &lt;img src=x onerror=alert(1)&gt; Locked \\| for now |\n')
  t.match(page, '\n### widget_locked\n\n**423 Locked**, type `invalid_request_error`: &lt;img src=x onerror=alert(1)&gt; Locked | for now.\n')
  t.match(page, '\n**Cause.** Someone &lt;script&gt;alert(1)&lt;/script&gt; holds the lock &amp; keeps it.\n\n&lt;div&gt;a block&lt;/div&gt;\n')
  t.match(page, '\n**Fix.** Retry after the **lock** ends: see [locks](https://docs.example.com/locks), compare with `a < b && c`, or ``x ` <y>``; a lone ` and &lt;z&gt;.\n',
    'emphasis, links and code spans stay Markdown; code spans are already literal')
  // The message is in the example body, a JSON code block: literal as written.
  t.match(page, '"message": "Widget <b>{id}</b> is locked"')
  const sections = page.split('\n```json\n').slice(1).map((block) => block.slice(0, block.indexOf('\n```')))
  t.equal(sections.length, (catalogEntries(hostile) ?? []).length + 1, 'every code block closes where the renderer closes it')
  for (const block of sections) t.doesNotThrow(() => JSON.parse(block))
  t.notMatch(page.replace(/```json\n[\s\S]*?\n```/g, '').replace(/`[^`\n]*`|``[^\n]*?``/g, ''), /<(?:img|script|div|b|z)\b/, 'no tag outside code')
})
