/**
 * A small scanner for `{% docs name %}…{% enddocs %}` blocks in .md files. Text outside
 * blocks is ignored, as dbt does.
 */
import { StrataError } from '../errors.js';
import type { DocBlock } from './types.js';

const TAG = /\{%-?\s*(docs|enddocs)\b\s*([^%]*?)\s*-?%\}/g;

/**
 * The docs blocks of one file. `file` is the display path, `path` relative to the package.
 * Unclosed, nested or unnamed blocks are `docs-syntax` errors.
 */
export function scanDocBlocks(contents: string, file: string, path: string): DocBlock[] {
  const out: DocBlock[] = [];
  let open: { name: string; start: number; line: number; column: number } | undefined;
  for (const m of contents.matchAll(TAG)) {
    const at = m.index;
    const { line, column } = lineColumn(contents, at);
    const position = { file, line, column };
    if (m[1] === 'docs') {
      if (open) {
        throw new StrataError('docs-syntax', `A docs block cannot start inside docs block "${open.name}"`, {
          position,
          source: contents,
          hint: `Close "${open.name}" (line ${open.line}) with {% enddocs %} first.`,
        });
      }
      const name = m[2] ?? '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new StrataError('docs-syntax', name ? `Docs block name "${name}" is not a valid name` : 'A docs block needs a name: {% docs my_name %}', {
          position,
          source: contents,
        });
      }
      open = { name, start: at + m[0].length, line, column };
    } else {
      if (!open) {
        throw new StrataError('docs-syntax', '{% enddocs %} without a matching {% docs %}', { position, source: contents });
      }
      out.push({ name: open.name, contents: contents.slice(open.start, at).trim(), file, path, line: open.line });
      open = undefined;
    }
  }
  if (open) {
    throw new StrataError('docs-syntax', `Docs block "${open.name}" is never closed`, {
      position: { file, line: open.line, column: open.column },
      source: contents,
      hint: 'End it with {% enddocs %}.',
    });
  }
  return out;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
