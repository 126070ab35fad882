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

/** Translate the common Python regex syntax differences to JavaScript. */
function toRegExp(pattern: unknown, flags: unknown, extra = ''): RegExp {
  let src = String(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  let f = extra;
  const fl = Number(flags ?? 0);
  if (fl & 2) f += 'i';
  if (fl & 8) f += 'm';
  if (fl & 16) f += 's';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    f += 'i';
  }
  return new RegExp(src, f + 'u');
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
