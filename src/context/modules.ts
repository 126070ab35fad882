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

const RE_IGNORECASE = 2;
const RE_MULTILINE = 8;
const RE_DOTALL = 16;
const RE_VERBOSE = 64;

/** Characters a JavaScript `u` regex accepts after a backslash as themselves. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/**
 * Rewrite a Python regular expression as a JavaScript one with the same meaning, for the
 * parts dbt projects use: global inline flags at the start (`(?ix)`, `(?i)(?s)`), verbose mode (its
 * whitespace and `#` comments dropped outside classes), named groups, `(?#...)` comments,
 * `\A`/`\Z`, Python's `$` (also before a final newline unless multiline), and escapes of
 * characters that need none in Python (`\'`, `\#`, `\ `), which a `u` regex refuses.
 */
function translatePattern(pattern: string, flags: number): { src: string; flags: number } {
  let fl = flags;
  let i = 0;
  // Python takes several flag groups at the start (`(?i)(?s)`)
  for (let lead = /^\(\?([aiLmsux]+)\)/.exec(pattern); lead; lead = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i))) {
    for (const c of lead[1]!) fl |= c === 'i' ? RE_IGNORECASE : c === 'm' ? RE_MULTILINE : c === 's' ? RE_DOTALL : c === 'x' ? RE_VERBOSE : 0;
    i += lead[0].length;
  }
  const verbose = (fl & RE_VERBOSE) !== 0;
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const d = pattern[i + 1] ?? '';
      i += 2;
      if (d === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (d === 'Z' && !inClass) out += '(?![\\s\\S])';
      else if (/[0-9A-Za-z]/.test(d) || JS_SYNTAX.has(d) || (inClass && d === '-')) out += '\\' + d;
      else out += d === '' ? '\\\\' : d;
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
      // a `]` right after `[` or `[^` is a literal in Python
      if (pattern[i] === '^') { out += '^'; i++; }
      if (pattern[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (verbose && /\s/.test(c)) { i++; continue; }
    if (verbose && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (pattern.startsWith('(?#', i)) {
      const close = pattern.indexOf(')', i);
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (pattern.startsWith('(?P<', i)) { out += '(?<'; i += 4; continue; }
    const backref = /^\(\?P=(\w+)\)/.exec(pattern.slice(i));
    if (backref) { out += `\\k<${backref[1]}>`; i += backref[0].length; continue; }
    if (c === '{') {
      const q = /^\{(\d*)(?:(,)(\d*))?\}/.exec(pattern.slice(i));
      if (q && (q[1] !== '' || (q[2] !== undefined && q[3] !== ''))) {
        out += `{${q[1] || '0'}${q[2] ?? ''}${q[3] ?? ''}}`;
        i += q[0].length;
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}') { out += '\\}'; i++; continue; }
    if (c === '$' && !(fl & RE_MULTILINE)) { out += '(?=\\n?(?![\\s\\S]))'; i++; continue; }
    out += c;
    i++;
  }
  return { src: out, flags: fl };
}

/** Translate a Python pattern and its flags to a JavaScript RegExp. */
function toRegExp(pattern: unknown, flags: unknown, extra = '', whole = false): RegExp {
  const t = translatePattern(String(pattern), Number(flags ?? 0));
  if (whole) t.src = `(?:${t.src})(?![\\s\\S])`;
  let f = extra;
  if (t.flags & RE_IGNORECASE) f += 'i';
  if (t.flags & RE_MULTILINE) f += 'm';
  if (t.flags & RE_DOTALL) f += 's';
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
  IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16, VERBOSE: 64, X: 64, UNICODE: 32, U: 32, ASCII: 256, A: 256,
  compile: (p: unknown, flags: unknown = 0) => new PyPattern(String(p), Number(flags)),
  match: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(p, flags, 'y');
    const m = re.exec(String(s));
    return m ? new PyMatch(m) : null;
  },
  fullmatch: (p: unknown, s: unknown, flags: unknown = 0) => {
    const re = toRegExp(p, flags, 'y', true);
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
      const named = typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as Record<string, string | undefined>) : undefined;
      const groups = m.slice(1, named ? -3 : -2) as (string | undefined)[];
      return r.replace(/\$(\d)|\$<(\w+)>/g, (_y, d?: string, name?: string) => (d !== undefined ? groups[Number(d) - 1] ?? '' : named?.[name ?? ''] ?? ''));
    });
  },
  split: (p: unknown, s: unknown) => String(s).split(toRegExp(p, 0)),
  escape: (s: unknown) => String(s).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
});
