/**
 * A fast reader for the plain subset of YAML that dbt property files are written in:
 * block mappings and sequences, plain and quoted one-line scalars, one-line flow
 * collections, and `|`/`>` block scalars. Anything else (anchors, tags, multi-line plain
 * or quoted scalars, multi-line flows, duplicate keys, odd indentation) makes it give up
 * by throwing {@link Unsupported}, and the caller falls back to the full `yaml` library,
 * which also produces the error messages. Values, scalar resolution (YAML 1.2 core
 * schema) and positions match what the `yaml` library gives for the same text.
 *
 * It exists because the `yaml` library reads about 3 MB/s here, which made 1,000 property
 * files cost a second; this reads them several times faster.
 */

/** Thrown when the text leaves the supported subset. */
export class Unsupported extends Error {}

/** Receives positions and render candidates while values are built. */
export interface FastYamlSink {
  node(value: object, line: number, column: number): void;
  key(container: object, key: string | number, line: number, column: number): void;
  /** A string scalar stored at `container[key]` (for render hooks). */
  scalar(container: Record<string, unknown> | unknown[], key: string | number, text: string, line: number, column: number): void;
  /** The key path of the value being built; the sink may read it in `scalar`. */
  readonly path: (string | number)[];
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
// YAML 1.2 booleans plus the YAML 1.1 words PyYAML (and so dbt) reads as booleans.
const TRUES = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSES = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Resolve a plain scalar with the YAML 1.2 core schema, except that `yes/no/on/off` are
 * booleans as in PyYAML, which dbt reads its files with.
 */
export function resolvePlain(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (INT.test(text)) return Number(text);
  if (FLOAT.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

const BAD_START = /^[&*!%@`?|>]/;

/** Parse `source` into plain values, reporting positions to `sink`. */
export function fastParse(source: string, sink: FastYamlSink): unknown {
  return new FastParser(source, sink).document();
}

class FastParser {
  private readonly lines: string[];
  private idx = 0;

  constructor(
    source: string,
    private readonly sink: FastYamlSink,
  ) {
    if (source.includes('\r') || source.includes('\t') || source.charCodeAt(0) === 0xfeff) throw new Unsupported('tabs, CR or BOM');
    this.lines = source.split('\n');
  }

  document(): unknown {
    while (this.idx < this.lines.length && /^\s*(#.*)?$/.test(this.lines[this.idx]!)) this.idx++;
    if (this.idx < this.lines.length && /^---\s*$/.test(this.lines[this.idx]!)) {
      this.idx++;
      this.skipBlank();
    }
    if (this.idx >= this.lines.length) return null;
    if (this.lines[this.idx]!.startsWith('%')) throw new Unsupported('directive');
    const value = this.node(-1);
    this.skipBlank();
    if (this.idx < this.lines.length) throw new Unsupported('trailing content');
    return value;
  }

  /** Skip empty and comment-only lines; stop at document markers. */
  private skipBlank(): void {
    while (this.idx < this.lines.length) {
      const l = this.lines[this.idx]!;
      const t = l.trimStart();
      if (t === '' || t.startsWith('#')) {
        this.idx++;
        continue;
      }
      if (l.startsWith('---') || l.startsWith('...')) throw new Unsupported('document marker');
      return;
    }
  }

  private indentOf(line: string): number {
    let i = 0;
    while (line.charCodeAt(i) === 32) i++;
    return i;
  }

  /** The block node starting at the current line, more indented than `parent`; null if none. */
  private node(parent: number): unknown {
    this.skipBlank();
    if (this.idx >= this.lines.length) return null;
    const line = this.lines[this.idx]!;
    const ind = this.indentOf(line);
    if (ind <= parent) return null;
    const content = line.slice(ind);
    if (content === '-' || content.startsWith('- ')) return this.sequence(ind);
    if (this.keyAt(line, ind)) return this.mapping(ind);
    const v = this.inlineValue(line, ind, parent);
    if (!v.block) this.afterScalar(parent);
    return v.value;
  }

  /** After a one-line scalar: the next content line must not continue it. */
  private afterScalar(parent: number): void {
    this.idx++;
    this.skipBlank();
    if (this.idx < this.lines.length && this.indentOf(this.lines[this.idx]!) > parent) throw new Unsupported('multi-line scalar');
  }

  /** If a mapping key starts at `col` of `line`: the key and where its value text starts. */
  private keyAt(line: string, col: number): { key: string; valueCol: number } | undefined {
    const c = line[col];
    if (c === '"' || c === "'") {
      const q = this.quoted(line, col);
      if (!q) return undefined;
      let j = q.end;
      while (line[j] === ' ') j++;
      if (line[j] !== ':' || (j + 1 < line.length && line[j + 1] !== ' ')) return undefined;
      return { key: q.value, valueCol: j + 1 };
    }
    if (c === '[' || c === '{') return undefined;
    for (let j = col; j < line.length; j++) {
      const ch = line[j];
      if (ch === '#' && line[j - 1] === ' ') return undefined;
      if (ch === ':' && (j + 1 === line.length || line[j + 1] === ' ')) {
        const key = line.slice(col, j).trimEnd();
        if (key === '' || BAD_START.test(key) || key.startsWith('- ') || /[[\]{},]/.test(key)) throw new Unsupported('complex key');
        return { key, valueCol: j + 1 };
      }
    }
    return undefined;
  }

  private mapping(ind: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.sink.node(out, this.idx + 1, ind + 1);
    const path = this.sink.path;
    while (true) {
      this.skipBlank();
      if (this.idx >= this.lines.length) break;
      const line = this.lines[this.idx]!;
      const i = this.indentOf(line);
      if (i < ind) break;
      if (i > ind) throw new Unsupported('bad indentation');
      const k = this.keyAt(line, i);
      if (!k) {
        if (line.slice(i).startsWith('- ') || line.slice(i) === '-') break;
        throw new Unsupported('not a key');
      }
      const keyText = line[i] === '"' || line[i] === "'" ? k.key : resolveKey(k.key);
      if (keyText === '<<') throw new Unsupported('merge key');
      if (Object.prototype.hasOwnProperty.call(out, keyText)) throw new Unsupported('duplicate key');
      this.sink.key(out, keyText, this.idx + 1, i + 1);
      path.push(keyText);
      out[keyText] = this.valueAfter(line, k.valueCol, ind, out, keyText);
      path.pop();
    }
    return out;
  }

  private sequence(ind: number): unknown[] {
    const out: unknown[] = [];
    this.sink.node(out, this.idx + 1, ind + 1);
    const path = this.sink.path;
    while (true) {
      this.skipBlank();
      if (this.idx >= this.lines.length) break;
      const line = this.lines[this.idx]!;
      const i = this.indentOf(line);
      if (i < ind) break;
      if (i > ind) throw new Unsupported('bad indentation');
      const content = line.slice(i);
      if (!(content === '-' || content.startsWith('- '))) break;
      const index = out.length;
      path.push(index);
      const rest = line.slice(i + 1);
      const restTrim = rest.trimStart();
      if (restTrim === '' || restTrim.startsWith('#')) {
        this.idx++;
        this.skipBlank();
        const start = this.idx < this.lines.length ? this.lines[this.idx]! : '';
        const si = this.indentOf(start);
        if (this.idx >= this.lines.length || si <= ind) throw new Unsupported('empty item');
        this.sink.key(out, index, this.idx + 1, si + 1);
        const v = this.node(ind);
        if (v === null || typeof v !== 'object') throw new Unsupported('scalar on its own line');
        out.push(v);
      } else {
        // Replace "-" by a space: the item is then an ordinary, more indented block node.
        const itemLine = ' '.repeat(i + 1) + rest;
        this.lines[this.idx] = itemLine;
        const itemCol = this.indentOf(itemLine);
        this.sink.key(out, index, this.idx + 1, itemCol + 1);
        const itemContent = itemLine.slice(itemCol);
        if (itemContent === '-' || itemContent.startsWith('- ') || this.keyAt(itemLine, itemCol)) {
          out.push(this.node(ind));
        } else {
          const at = this.idx + 1; // a block scalar consumes its lines: its position is its header's
          const v = this.inlineValue(itemLine, itemCol, ind);
          out.push(v.value);
          if (v.isString) this.sink.scalar(out, index, v.value as string, at, itemCol + 1);
          if (!v.block) this.afterScalar(ind);
        }
      }
      path.pop();
    }
    return out;
  }

  /** The value of a mapping entry whose text starts at `col` of the current line. */
  private valueAfter(line: string, col: number, ind: number, container: Record<string, unknown>, key: string): unknown {
    let j = col;
    while (line[j] === ' ') j++;
    if (j >= line.length || line[j] === '#') {
      this.idx++;
      this.skipBlank();
      if (this.idx >= this.lines.length) return null;
      const next = this.lines[this.idx]!;
      const ni = this.indentOf(next);
      if (ni > ind) {
        const v = this.node(ind);
        if (typeof v === 'string') throw new Unsupported('scalar on its own line');
        return v;
      }
      if (ni === ind && (next.slice(ni) === '-' || next.slice(ni).startsWith('- '))) return this.sequence(ind);
      return null;
    }
    if (j === col) throw new Unsupported('no space after colon');
    const at = this.idx + 1;
    const v = this.inlineValue(line, j, ind);
    if (v.isString) this.sink.scalar(container, key, v.value as string, at, j + 1);
    if (!v.block) this.afterScalar(ind);
    return v.value;
  }

  /**
   * A value written on one line from `col` (scalar, quoted, flow) or a block scalar header.
   * Does not advance past the line unless it is a block scalar (which consumes its lines).
   */
  private inlineValue(line: string, col: number, parent: number): { value: unknown; isString: boolean; block: boolean } {
    const c = line[col];
    if (c === '|' || c === '>') return { value: this.blockScalar(line, col, parent), isString: true, block: true };
    if (c === '"' || c === "'") {
      const q = this.quoted(line, col);
      if (!q) throw new Unsupported('multi-line quoted scalar');
      this.endOfLine(line, q.end);
      return { value: q.value, isString: true, block: false };
    }
    if (c === '[' || c === '{') {
      if (line.startsWith('{{', col)) throw new Unsupported('unquoted template');
      const f = new FlowReader(line, col, this.idx + 1, this.sink).value();
      this.endOfLine(line, f.end);
      return { value: f.value, isString: false, block: false };
    }
    if (c === '-' && (line[col + 1] === ' ' || col + 1 === line.length)) throw new Unsupported('dash value');
    if (BAD_START.test(c ?? '')) throw new Unsupported('indicator');
    let end = line.length;
    const hash = line.indexOf(' #', col);
    if (hash !== -1) end = hash;
    const text = line.slice(col, end).trimEnd();
    if (text.includes(': ') || text.endsWith(':')) throw new Unsupported('colon in plain scalar');
    const value = resolvePlain(text);
    return { value, isString: typeof value === 'string', block: false };
  }

  private endOfLine(line: string, from: number): void {
    const rest = line.slice(from);
    const t = rest.trimStart();
    if (t === '') return;
    if (t.startsWith('#') && rest.length > t.length) return;
    throw new Unsupported('text after value');
  }

  /** A quoted scalar starting at `col`, or undefined if it does not close on this line. */
  private quoted(line: string, col: number): { value: string; end: number } | undefined {
    const q = line[col];
    let out = '';
    for (let j = col + 1; j < line.length; j++) {
      const ch = line[j]!;
      if (q === "'") {
        if (ch === "'") {
          if (line[j + 1] === "'") {
            out += "'";
            j++;
            continue;
          }
          return { value: out, end: j + 1 };
        }
        out += ch;
      } else {
        if (ch === '"') return { value: out, end: j + 1 };
        if (ch === '\\') {
          const e = line[++j];
          switch (e) {
            case '\\':
            case '"':
            case '/':
              out += e;
              break;
            case 'n':
              out += '\n';
              break;
            case 't':
              out += '\t';
              break;
            case 'r':
              out += '\r';
              break;
            case '0':
              out += '\0';
              break;
            case ' ':
              out += ' ';
              break;
            case 'u': {
              const hex = line.slice(j + 1, j + 5);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Unsupported('escape');
              out += String.fromCharCode(parseInt(hex, 16));
              j += 4;
              break;
            }
            default:
              throw new Unsupported('escape');
          }
          continue;
        }
        out += ch;
      }
    }
    return undefined;
  }

  /** A `|` or `>` block scalar whose header is at `col`; consumes its lines. */
  private blockScalar(line: string, col: number, parent: number): string {
    const header = /^([|>])([-+]?)(\s+#.*)?\s*$/.exec(line.slice(col));
    if (!header) throw new Unsupported('block scalar header');
    const folded = header[1] === '>';
    const chomp = header[2];
    this.idx++;
    const body: string[] = [];
    let contentIndent = -1;
    while (this.idx < this.lines.length) {
      const l = this.lines[this.idx]!;
      if (l.trim() === '') {
        if (contentIndent !== -1 && l.length > contentIndent) throw new Unsupported('spaces-only line');
        body.push('');
        this.idx++;
        continue;
      }
      const ind = this.indentOf(l);
      if (contentIndent === -1) {
        if (ind <= parent) break;
        if (body.some((b) => b.length > 0)) throw new Unsupported('leading spaces');
        contentIndent = ind;
      }
      if (ind < contentIndent) break;
      if (folded && ind > contentIndent) throw new Unsupported('more-indented folded line');
      body.push(l.slice(contentIndent));
      this.idx++;
    }
    if (contentIndent === -1 && body.some((b) => b !== '')) throw new Unsupported('block scalar');
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    if (body.length === 0) {
      if (chomp === '+') throw new Unsupported('empty kept block scalar');
      return '';
    }
    let text: string;
    if (folded) {
      text = '';
      let breaks = 0;
      let started = false;
      for (const b of body) {
        if (b === '') {
          breaks++;
          continue;
        }
        if (!started) text += '\n'.repeat(breaks);
        else text += breaks > 0 ? '\n'.repeat(breaks) : ' ';
        text += b;
        started = true;
        breaks = 0;
      }
    } else text = body.join('\n');
    if (chomp === '-') return text;
    if (chomp === '+') return text + '\n'.repeat(1 + trailing);
    return text + '\n';
  }
}

function resolveKey(text: string): string {
  const v = resolvePlain(text);
  return String(v);
}

/** One-line flow collections: `[a, 'b', {c: 1}]`. */
class FlowReader {
  private pos: number;

  constructor(
    private readonly line: string,
    start: number,
    private readonly lineNo: number,
    private readonly sink: FastYamlSink,
  ) {
    this.pos = start;
  }

  value(): { value: unknown; end: number } {
    const v = this.any(true);
    return { value: v, end: this.pos };
  }

  private ws(): void {
    while (this.line[this.pos] === ' ') this.pos++;
  }

  private any(top: boolean): unknown {
    this.ws();
    const c = this.line[this.pos];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    if (top) throw new Unsupported('flow');
    return this.scalar(false).value;
  }

  private scalar(inMap: boolean): { value: unknown; col: number; isString: boolean } {
    this.ws();
    const col = this.pos;
    const c = this.line[this.pos];
    if (c === undefined) throw new Unsupported('unterminated flow');
    if (c === '"' || c === "'") {
      const q = quotedIn(this.line, this.pos);
      if (!q) throw new Unsupported('unterminated quote');
      this.pos = q.end;
      return { value: q.value, col, isString: true };
    }
    if (BAD_START.test(c) || c === '#') throw new Unsupported('flow indicator');
    let j = this.pos;
    while (j < this.line.length) {
      const ch = this.line[j]!;
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === ':' && (this.line[j + 1] === ' ' || this.line[j + 1] === ',' || this.line[j + 1] === '}' || this.line[j + 1] === ']' || j + 1 === this.line.length)) {
        if (!inMap) throw new Unsupported('pair in flow sequence');
        break;
      }
      if (ch === '#' && this.line[j - 1] === ' ') throw new Unsupported('comment in flow');
      j++;
    }
    if (this.line[j] === '[' || this.line[j] === '{') throw new Unsupported('flow in scalar');
    const text = this.line.slice(this.pos, j).trimEnd();
    this.pos = j;
    const value = resolvePlain(text);
    return { value, col, isString: typeof value === 'string' };
  }

  private seq(): unknown[] {
    const out: unknown[] = [];
    this.sink.node(out, this.lineNo, this.pos + 1);
    this.pos++;
    const path = this.sink.path;
    while (true) {
      this.ws();
      const c = this.line[this.pos];
      if (c === undefined) throw new Unsupported('unterminated flow');
      if (c === ']') {
        this.pos++;
        return out;
      }
      const index = out.length;
      path.push(index);
      this.sink.key(out, index, this.lineNo, this.pos + 1);
      if (c === '[' || c === '{') out.push(this.any(true));
      else {
        const s = this.scalar(false);
        if (s.value === null && this.line.slice(s.col, this.pos).trim() === '') throw new Unsupported('empty flow item');
        out.push(s.value);
        if (s.isString) this.sink.scalar(out, index, s.value as string, this.lineNo, s.col + 1);
      }
      path.pop();
      this.ws();
      if (this.line[this.pos] === ',') this.pos++;
      else if (this.line[this.pos] !== ']') throw new Unsupported('flow separator');
    }
  }

  private map(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.sink.node(out, this.lineNo, this.pos + 1);
    this.pos++;
    const path = this.sink.path;
    while (true) {
      this.ws();
      const c = this.line[this.pos];
      if (c === undefined) throw new Unsupported('unterminated flow');
      if (c === '}') {
        this.pos++;
        return out;
      }
      if (c === '[' || c === '{') throw new Unsupported('complex flow key');
      const k = this.scalar(true);
      if (this.line.slice(k.col, this.pos).trim() === '') throw new Unsupported('empty flow key');
      const key = String(k.value);
      if (key === '<<' || Object.prototype.hasOwnProperty.call(out, key)) throw new Unsupported('flow key');
      this.ws();
      if (this.line[this.pos] !== ':') throw new Unsupported('flow key without value');
      this.pos++;
      this.sink.key(out, key, this.lineNo, k.col + 1);
      path.push(key);
      this.ws();
      const vc = this.line[this.pos];
      if (vc === ',' || vc === '}') throw new Unsupported('empty flow value');
      if (vc === '[' || vc === '{') out[key] = this.any(true);
      else {
        const s = this.scalar(true);
        out[key] = s.value;
        if (s.isString) this.sink.scalar(out, key, s.value as string, this.lineNo, s.col + 1);
      }
      path.pop();
      this.ws();
      if (this.line[this.pos] === ',') this.pos++;
      else if (this.line[this.pos] !== '}') throw new Unsupported('flow separator');
    }
  }
}

function quotedIn(line: string, col: number): { value: string; end: number } | undefined {
  const q = line[col];
  let out = '';
  for (let j = col + 1; j < line.length; j++) {
    const ch = line[j]!;
    if (q === "'") {
      if (ch === "'") {
        if (line[j + 1] === "'") {
          out += "'";
          j++;
          continue;
        }
        return { value: out, end: j + 1 };
      }
      out += ch;
    } else {
      if (ch === '\\') throw new Unsupported('escape in flow');
      if (ch === '"') return { value: out, end: j + 1 };
      out += ch;
    }
  }
  return undefined;
}
