/**
 * The lexer: template text → tokens. Implements Jinja2's default delimiters, whitespace
 * control (`-` strips, `+` keeps), `trim_blocks`, `lstrip_blocks`, the removal of one
 * trailing newline, `{% raw %}` and capture-kind block tags whose bodies are not Jinja.
 */
import { TemplateSyntaxError } from './errors.js';
import type { Token, TokenType } from './tokens.js';

/** Options that change how text is cut into tokens. */
export interface LexerOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
  /** Block tags whose body is captured raw (`snapshot`, `docs`, `materialization`…). */
  captureTags?: ReadonlySet<string>;
  /** Added to every line number (for sources cut out of a larger file). */
  lineOffset?: number;
  /** Added to column numbers on the first line. */
  columnOffset?: number;
}

/** A capture-kind block found by the lexer. */
export interface CaptureToken extends Token {
  tag: string;
  name: string;
  args: string;
  /** The raw body text. */
  source: string;
  /** Position of the first character of the body. */
  bodyLine: number;
  bodyColumn: number;
}

const OPERATORS = [
  '//', '**', '==', '!=', '<=', '>=',
  '+', '-', '*', '/', '%', '~', '<', '>', '=', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', ';',
];

const NAME_RE = /[a-zA-Z_\u00c0-\uffff][\w\u00c0-\uffff]*/y;
const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INT_RE = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|(?:\d+_)*\d+/y;
const WS_RE = /\s+/y;

/** Decode the body of a Python string literal (escapes as Python's unicode-escape). */
export function decodeString(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i]!;
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\n': break;
      case 'x':
      case 'u':
      case 'U': {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length === len && /^[\da-fA-F]+$/.test(hex)) {
          out += String.fromCodePoint(parseInt(hex, 16));
          i += len;
        } else out += '\\' + n;
        break;
      }
      default:
        if (/[0-7]/.test(n)) {
          let oct = n;
          while (oct.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) oct += body[++i];
          out += String.fromCharCode(parseInt(oct, 8));
        } else out += '\\' + n;
    }
  }
  return out;
}

/** Cut a template into tokens. Throws a {@link TemplateSyntaxError} on unclosed tags, strings or comments. */
export function tokenize(input: string, name: string, options: LexerOptions = {}): Token[] {
  let src = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  if (!options.keepTrailingNewline && src.endsWith('\n')) src = src.slice(0, -1);
  const lineOffset = options.lineOffset ?? 0;
  const columnOffset = options.columnOffset ?? 0;
  const trimBlocks = !!options.trimBlocks;
  const lstripBlocks = !!options.lstripBlocks;
  const captureTags = options.captureTags;
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const posOf = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1 + lineOffset, column: offset - lineStarts[lo]! + 1 + (lo === 0 ? columnOffset : 0) };
  };
  const fail = (msg: string, offset: number): never => {
    const p = posOf(offset);
    throw new TemplateSyntaxError(msg, { name, line: p.line, column: p.column, source: input });
  };
  const tokens: Token[] = [];
  const push = (type: TokenType, value: string, offset: number, numValue?: number): void => {
    const p = posOf(offset);
    const t: Token = { type, value, line: p.line, column: p.column, offset };
    if (numValue !== undefined) t.num = numValue;
    tokens.push(t);
  };

  let pos = 0;
  /** Strip the next data's leading whitespace (after a `-` close). */
  let stripNext = false;
  /** Remove one newline at the start of the next data (trim_blocks). */
  let trimNext = false;
  const len = src.length;

  const emitData = (start: number, end: number, openMarker: string | undefined, isBlockLike: boolean): void => {
    let s = start;
    if (stripNext) {
      while (s < end && /\s/.test(src[s]!)) s++;
    } else if (trimNext && src[s] === '\n') s++;
    stripNext = false;
    trimNext = false;
    let e = end;
    if (openMarker === '-') {
      while (e > s && /\s/.test(src[e - 1]!)) e--;
    } else if (openMarker !== '+' && lstripBlocks && isBlockLike) {
      let k = e;
      while (k > s && (src[k - 1] === ' ' || src[k - 1] === '\t')) k--;
      if (k === 0 || src[k - 1] === '\n') e = k;
    }
    if (e > s) push('data', src.slice(s, e), s);
  };

  const closeMarker = (offset: number, kind: 'block' | 'comment' | 'variable', marker: string): void => {
    if (marker === '-') stripNext = true;
    else if (marker !== '+' && trimBlocks && kind !== 'variable') trimNext = true;
  };

  while (pos < len) {
    // find the next tag start
    let next = src.indexOf('{', pos);
    while (next >= 0 && next + 1 < len && !'{%#'.includes(src[next + 1]!)) next = src.indexOf('{', next + 1);
    if (next < 0 || next + 1 >= len) {
      emitData(pos, len, undefined, false);
      break;
    }
    const kindChar = src[next + 1]!;
    const marker = src[next + 2] === '-' || src[next + 2] === '+' ? src[next + 2]! : undefined;
    const kind = kindChar === '{' ? 'variable' : kindChar === '%' ? 'block' : 'comment';
    emitData(pos, next, marker, kind !== 'variable');
    let p = next + 2 + (marker ? 1 : 0);

    if (kind === 'comment') {
      const end = src.indexOf('#}', p);
      if (end < 0) fail('missing end of comment tag', next);
      const m = src[end - 1] === '-' || src[end - 1] === '+' ? src[end - 1]! : '';
      closeMarker(end, 'comment', end - 1 >= p ? m : '');
      pos = end + 2;
      continue;
    }

    // raw blocks and capture tags
    if (kind === 'block') {
      const head = /\s*([a-zA-Z_]\w*)/y;
      head.lastIndex = p;
      const hm = head.exec(src);
      if (hm && hm[1] === 'raw') {
        const endTag = /\s*([-+]?)%\}/y;
        endTag.lastIndex = head.lastIndex;
        const em = endTag.exec(src);
        if (!em) fail("expected 'end of statement block'", head.lastIndex);
        const bodyStart = endTag.lastIndex;
        const closeRe = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
        closeRe.lastIndex = bodyStart;
        const cm = closeRe.exec(src);
        if (!cm) fail('Missing end of raw directive', next);
        let s = bodyStart;
        let e = cm!.index;
        if (em![1] === '-') while (s < e && /\s/.test(src[s]!)) s++;
        else if (em![1] !== '+' && trimBlocks && src[s] === '\n') s++;
        if (cm![1] === '-') while (e > s && /\s/.test(src[e - 1]!)) e--;
        else if (cm![1] !== '+' && lstripBlocks) {
          let k = e;
          while (k > s && (src[k - 1] === ' ' || src[k - 1] === '\t')) k--;
          if (k === 0 || src[k - 1] === '\n') e = k;
        }
        if (e > s) push('data', src.slice(s, e), s);
        closeMarker(0, 'block', cm![2]!);
        pos = closeRe.lastIndex;
        continue;
      }
      if (hm && captureTags?.has(hm[1]!)) {
        const tag = hm[1]!;
        const endTag = /([^]*?)([-+]?)%\}/y;
        endTag.lastIndex = head.lastIndex;
        const em = endTag.exec(src);
        if (!em) fail("expected 'end of statement block'", head.lastIndex);
        const inner = em![1]!.trim();
        const nm = /^([a-zA-Z_][\w.]*)?\s*([^]*)$/.exec(inner)!;
        const bodyStart = endTag.lastIndex;
        const closeRe = new RegExp(`\\{%([-+]?)\\s*end${tag}\\s*([-+]?)%\\}`, 'g');
        closeRe.lastIndex = bodyStart;
        const cm = closeRe.exec(src);
        if (!cm) fail(`Unexpected end of template. Jinja was looking for the following tags: 'end${tag}'. The innermost block that needs to be closed is '${tag}'.`, next);
        const bp = posOf(bodyStart);
        const tp = posOf(next);
        const tok: CaptureToken = {
          type: 'capture',
          value: tag,
          line: tp.line,
          column: tp.column,
          offset: next,
          tag,
          name: nm[1] ?? '',
          args: nm[2] ?? '',
          bodyLine: bp.line,
          bodyColumn: bp.column,
          source: src.slice(bodyStart, cm!.index),
        };
        tokens.push(tok);
        closeMarker(0, 'block', cm![2]!);
        pos = closeRe.lastIndex;
        continue;
      }
    }

    push(kind === 'variable' ? 'variable_begin' : 'block_begin', src.slice(next, p), next);
    const endType: TokenType = kind === 'variable' ? 'variable_end' : 'block_end';
    const endDelim = kind === 'variable' ? '}}' : '%}';
    let depth = 0;
    for (;;) {
      WS_RE.lastIndex = p;
      if (WS_RE.exec(src)) p = WS_RE.lastIndex;
      if (p >= len) {
        fail(`unexpected end of template, expected '${kind === 'variable' ? 'end of print statement' : 'end of statement block'}'.`, p);
      }
      const c = src[p]!;
      if (depth === 0) {
        if ((c === '-' || c === '+') && src.startsWith(endDelim, p + 1)) {
          push(endType, c + endDelim, p);
          closeMarker(p, kind, c);
          p += 3;
          break;
        }
        if (src.startsWith(endDelim, p)) {
          push(endType, endDelim, p);
          closeMarker(p, kind, '');
          p += 2;
          break;
        }
      }
      if (c === '"' || c === "'") {
        let j = p + 1;
        while (j < len && src[j] !== c) {
          if (src[j] === '\\') j++;
          j++;
        }
        if (j >= len) fail('unexpected end of string', p);
        push('string', decodeString(src.slice(p + 1, j)), p);
        p = j + 1;
        continue;
      }
      if (c >= '0' && c <= '9') {
        FLOAT_RE.lastIndex = p;
        const fm = src[p - 1] === '.' ? null : FLOAT_RE.exec(src);
        if (fm) {
          push('float', fm[0], p, Number(fm[0].replace(/_/g, '')));
          p = FLOAT_RE.lastIndex;
          continue;
        }
        INT_RE.lastIndex = p;
        const im = INT_RE.exec(src)!;
        const t = im[0].replace(/_/g, '');
        const v = /^0[bB]/.test(t) ? parseInt(t.slice(2), 2) : /^0[oO]/.test(t) ? parseInt(t.slice(2), 8) : Number(t);
        push('int', im[0], p, v);
        p = INT_RE.lastIndex;
        continue;
      }
      NAME_RE.lastIndex = p;
      const nm = NAME_RE.exec(src);
      if (nm) {
        push('name', nm[0], p);
        p = NAME_RE.lastIndex;
        continue;
      }
      const op = OPERATORS.find((o) => src.startsWith(o, p));
      if (!op) fail(`unexpected char ${JSON.stringify(c)} at ${p}`, p);
      if (op === '(' || op === '[' || op === '{') depth++;
      else if (op === ')' || op === ']' || op === '}') {
        if (depth === 0) fail(`unexpected '${op}'`, p);
        depth--;
      }
      push('op', op!, p);
      p += op!.length;
    }
    pos = p;
  }
  const end = posOf(len);
  tokens.push({ type: 'eof', value: '', line: end.line, column: end.column, offset: len });
  return tokens;
}
