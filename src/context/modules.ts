/**
 * The parts of Python's `re` that dbt projects reach through `modules.re`; `datetime` is in
 * py-datetime.ts.
 */
import { makeTuple } from '../jinja/index.js';

export { datetimeModule, PyDatetime, UTC } from './py-datetime.js';

/** A regular-expression match, like Python's `re.Match`. */
class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}
  group(i: unknown = 0): string | null {
    const v = typeof i === 'string' ? this.m.groups?.[i] : this.m[Number(i)];
    return v ?? null;
  }
  groups(): (string | null)[] {
    return makeTuple(this.m.slice(1).map((v) => v ?? null));
  }
  start(): number {
    return this.m.index;
  }
  end(): number {
    return this.m.index + this.m[0].length;
  }
}

/** Characters that keep their backslash in a JavaScript `u`-mode pattern. */
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

/**
 * Translate a Python `re` pattern to a JavaScript one (returns the source and the flags that
 * leading inline groups such as `(?i)(?s)` or `(?is)` switch on). Python differs from a
 * JavaScript `u`-mode pattern in ways dbt packages rely on: a `{` or `}` that does not make a
 * repetition count is a literal; a backslash before punctuation (`\"`, `` \` ``, `\-`) is that
 * character; `$` also matches before a final newline; `\A`/`\Z` anchor the whole string;
 * `(?P<n>…)`, `(?P=n)` and `(?#…)` are Python's spellings.
 */
function translatePattern(pattern: string, multilineFlag: boolean): { src: string; flags: string } {
  let i = 0;
  let flags = '';
  // Global flags: one or more groups at the very start (Python 3.11 rejects them elsewhere).
  for (let m; (m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i))); i += m[0].length) {
    for (const c of m[1]) {
      if (c === 'x') throw new Error('verbose regular expressions (?x) are not supported');
      if ('ims'.includes(c) && !flags.includes(c)) flags += c;
    }
  }
  const multiline = multilineFlag || flags.includes('m');
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      i += 2;
      if (n === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (n === 'Z' && !inClass) out += '(?![\\s\\S])';
      else if (/[A-Za-z0-9]/.test(n) || JS_SYNTAX.has(n) || (n === '-' && inClass)) out += '\\' + n;
      else out += n; // an escaped punctuation character is itself
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (pattern[i] === '^') out += pattern[i++];
      if (pattern[i] === ']') out += '\\]', i++; // a `]` first in a class is a literal
      continue;
    }
    if (c === '{') {
      const q = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i));
      if (q && (q[1] !== '' || (q[2] !== undefined && q[3] !== ''))) {
        out += q[1] === '' ? `{0${q[2]}}` : q[0];
        i += q[0].length;
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}') out += '\\}';
    else if (c === '$') out += multiline ? '$' : '(?=\\n?(?![\\s\\S]))';
    else if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    } else if (pattern.startsWith('(?P=', i)) {
      const end = pattern.indexOf(')', i);
      out += `\\k<${pattern.slice(i + 4, end)}>`;
      i = end + 1;
      continue;
    } else if (pattern.startsWith('(?#', i)) {
      i = pattern.indexOf(')', i) + 1 || pattern.length;
      continue;
    } else out += c;
    i++;
  }
  return { src: out, flags };
}

/** A JavaScript RegExp for a Python pattern and `re` flags (`extra`: JavaScript-only flags). */
function toRegExp(pattern: unknown, flags: unknown, extra = ''): RegExp {
  const fl = Number(flags ?? 0);
  const t = translatePattern(String(pattern), (fl & 8) !== 0);
  let f = extra;
  if (fl & 2 || t.flags.includes('i')) f += 'i';
  if (fl & 8 || t.flags.includes('m')) f += 'm';
  if (fl & 16 || t.flags.includes('s')) f += 's';
  return new RegExp(t.src, f + 'u');
}

class PyPattern {
  constructor(readonly pattern: string, readonly flags: number) {}
  match(s: unknown) { return reModule.match(this.pattern, s, this.flags); }
  search(s: unknown) { return reModule.search(this.pattern, s, this.flags); }
  findall(s: unknown) { return reModule.findall(this.pattern, s, this.flags); }
  sub(r: unknown, s: unknown) { return reModule.sub(this.pattern, r, s, 0, this.flags); }
  fullmatch(s: unknown) { return reModule.fullmatch(this.pattern, s, this.flags); }
}

/** `modules.re`. */
export const reModule = Object.freeze({
  IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16,
  compile: (p: unknown, flags: unknown = 0) => new PyPattern(String(p), Number(flags)),
  match: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(p, flags, 'y');
    const m = re.exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  fullmatch: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(`(?:${String(p)})$`, flags, 'y');
    const m = re.exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  search: (p: unknown, s: unknown, flags: unknown = 0) => {
    const m = toRegExp(p, flags).exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  findall: (p: unknown, s: unknown, flags: unknown = 0) => {
    const out: unknown[] = [];
    for (const m of String(s).matchAll(toRegExp(p, flags, 'g'))) {
      out.push(m.length <= 1 ? m[0] : m.length === 2 ? m[1] ?? '' : makeTuple(m.slice(1).map((x) => x ?? '')));
    }
    return out;
  },
  sub: (p: unknown, repl: unknown, s: unknown, count: unknown = 0, flags: unknown = 0) => {
    let n = 0;
    const max = Number(count) || Infinity;
    const r = String(repl).replace(/\\(\d)/g, '$$$1').replace(/\\g<(\w+)>/g, (_x, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`));
    return String(s).replace(toRegExp(p, flags, 'g'), (...m: unknown[]) => {
      if (n++ >= max) return String(m[0]);
      const groups = m.slice(1, -2) as (string | undefined)[];
      return r.replace(/\$(\d)|\$<(\w+)>/g, (_y, d?: string) => (d !== undefined ? groups[Number(d) - 1] ?? '' : ''));
    });
  },
  split: (p: unknown, s: unknown) => String(s).split(toRegExp(p, 0)),
  escape: (s: unknown) => String(s).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
});
