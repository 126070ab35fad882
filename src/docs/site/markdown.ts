/**
 * A small, safe Markdown renderer for descriptions and docs blocks. The text is escaped
 * before any markup is produced, so HTML in a description shows as text; links keep only
 * http(s), mailto, anchors and relative targets. Supported: headings, paragraphs, line
 * breaks, emphasis, strong, inline code, fenced code, block quotes, lists (one level),
 * pipe tables, horizontal rules and links.
 */

/** Escape text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const SAFE_SCHEME = /^(https?|mailto):/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function safeUrl(url: string): string | null {
  const u = url.trim();
  if (ANY_SCHEME.test(u) && !SAFE_SCHEME.test(u)) return null;
  return u;
}

/** Render inline Markdown (code spans, links, strong, emphasis) of one block's text. */
export function renderInline(text: string): string {
  const out: string[] = [];
  // Split out code spans first: their content is only escaped.
  const parts = text.split(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/);
  for (let i = 0; i < parts.length; i++) {
    if (i % 3 === 0) out.push(formatText(parts[i]!));
    else if (i % 3 === 2) out.push(`<code>${escapeHtml(parts[i]!.trim())}</code>`);
  }
  return out.join('');
}

function formatText(raw: string): string {
  // Links are found on the raw text so their URL can be checked before escaping.
  const pieces: string[] = [];
  const link = /\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
  let last = 0;
  for (let m = link.exec(raw); m; m = link.exec(raw)) {
    pieces.push(emphasis(escapeHtml(raw.slice(last, m.index))));
    const url = safeUrl(m[2]!);
    const label = emphasis(escapeHtml(m[1]!));
    pieces.push(url === null ? label : `<a href="${escapeHtml(url)}"${/^https?:/i.test(url) ? ' rel="noopener noreferrer" target="_blank"' : ''}>${label}</a>`);
    last = m.index + m[0].length;
  }
  pieces.push(emphasis(escapeHtml(raw.slice(last))));
  return pieces.join('');
}

function emphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1<em>$2</em>')
    .replace(/ {2,}\n|\\\n/g, '<br>\n');
}

const FENCE = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Render Markdown text to HTML. */
export function renderMarkdown(source: string): string {
  const lines = (source ?? '').replace(/\r\n?/g, '\n').split('\n');
  // Docs blocks are usually indented as a whole: remove the common indentation.
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return renderBlocks(common ? lines.map((l) => l.slice(Math.min(common, /^ */.exec(l)![0].length))) : lines);
}

function renderBlocks(lines: string[]): string {
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : '';
      html.push(`<pre><code${lang}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      html.push(`<h${level}>${renderInline(heading[2]!)}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      html.push('<hr>');
      i++;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]!) && lines[i + 1]!.includes('-')) {
      const head = cells(line);
      const aligns = cells(lines[i + 1]!).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
      const style = (j: number) => (aligns[j] ? ` style="text-align:${aligns[j]}"` : '');
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim() && lines[i]!.includes('|')) rows.push(cells(lines[i++]!));
      html.push(
        `<table><thead><tr>${head.map((c, j) => `<th${style(j)}>${renderInline(c)}</th>`).join('')}</tr></thead><tbody>` +
          rows.map((r) => `<tr>${head.map((_, j) => `<td${style(j)}>${renderInline(r[j] ?? '')}</td>`).join('')}</tr>`).join('') +
          '</tbody></table>',
      );
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s{0,3}> ?/, ''));
      html.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]!);
      const items: string[] = [];
      let current: string[] = [];
      while (i < lines.length) {
        const l = lines[i]!;
        const m = ITEM.exec(l);
        if (m && /\d/.test(m[2]!) === ordered && m[1]!.length <= item[1]!.length + 1) {
          if (current.length) items.push(current.join('\n'));
          current = [m[3]!];
        } else if (l.trim() && (/^\s+/.test(l) || !isBlockStart(l))) {
          current.push(l.trim());
        } else break;
        i++;
      }
      if (current.length) items.push(current.join('\n'));
      const tag = ordered ? 'ol' : 'ul';
      const start = ordered && parseInt(item[2]!, 10) !== 1 ? ` start="${parseInt(item[2]!, 10)}"` : '';
      html.push(`<${tag}${start}>${items.map((t) => `<li>${renderInline(t)}</li>`).join('')}</${tag}>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !(para.length && isBlockStart(lines[i]!))) para.push(lines[i++]!);
    html.push(`<p>${renderInline(para.map((l) => l.replace(/^\s+/, '')).join('\n'))}</p>`);
  }
  return html.join('\n');
}

function isBlockStart(l: string): boolean {
  return FENCE.test(l) || HEADING.test(l) || RULE.test(l) || ITEM.test(l) || /^\s{0,3}>/.test(l);
}
