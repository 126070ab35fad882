/** The page's Markdown renderer: the common constructs, and nothing unsafe gets through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderInline, renderMarkdown } from '../../src/docs/site/markdown.js';

test('renders headings, paragraphs, emphasis, code, lists, tables and links', () => {
  assert.equal(renderMarkdown('# Title\n\nOne *two* **three** `four`.'), '<h1>Title</h1>\n<p>One <em>two</em> <strong>three</strong> <code>four</code>.</p>');
  assert.equal(renderMarkdown('- a\n- b _c_\n\n1. x\n2. y'), '<ul><li>a</li><li>b <em>c</em></li></ul>\n<ol><li>x</li><li>y</li></ol>');
  assert.equal(renderMarkdown('```sql\nselect 1 < 2\n```'), '<pre><code class="language-sql">select 1 &lt; 2</code></pre>');
  assert.equal(renderMarkdown('> quoted'), '<blockquote><p>quoted</p></blockquote>');
  assert.equal(renderMarkdown('---'), '<hr>');
  assert.equal(
    renderMarkdown('| status | meaning |\n|--------|--:|\n| placed | Not *yet* shipped |'),
    '<table><thead><tr><th>status</th><th style="text-align:right">meaning</th></tr></thead><tbody><tr><td>placed</td><td style="text-align:right">Not <em>yet</em> shipped</td></tr></tbody></table>',
  );
  assert.equal(renderInline('see [docs](https://example.com/a?b=1&c=2)'), 'see <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">docs</a>');
  assert.equal(renderInline('[model](#/node/model.x.y)'), '<a href="#/node/model.x.y">model</a>');
  assert.equal(renderInline('snake_case_name stays'), 'snake_case_name stays');
  // A docs block indented as a whole is not a code block.
  assert.equal(renderMarkdown('    One row per customer.\n    Second line.'), '<p>One row per customer.\nSecond line.</p>');
});

test('escapes HTML and drops unsafe links', () => {
  assert.equal(renderMarkdown('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  assert.equal(renderInline('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(renderInline('[click](javascript:alert(1))'), 'click)');
  assert.equal(renderInline('[x](JaVaScRiPt:alert(1))'), 'x)');
  assert.equal(renderInline('[x](data:text/html,hi)'), 'x');
  assert.equal(renderInline('[x]("onmouseover="alert(1))'), '<a href="&quot;onmouseover=&quot;alert(1">x</a>)');
  assert.equal(renderInline('`<b>` and "quotes"'), '<code>&lt;b&gt;</code> and &quot;quotes&quot;');
  assert.equal(renderMarkdown('# <i>x</i>'), '<h1>&lt;i&gt;x&lt;/i&gt;</h1>');
});
