/**
 * Python methods of strings, lists and dicts, callable from templates
 * (`'a,b'.split(',')`, `items.append(x)`, `d.get('k', 0)`).
 */
import { strFormat } from './format.js';
import {
  PyTypeError,
  PyValueError,
  Undefined,
  isMapping,
  makeTuple,
  makeView,
  mappingEntries,
  mappingGet,
  mappingHas,
  mappingKeys,
  mappingSet,
  num,
  pyCompare,
  pyEq,
  pyRepr,
  pyStr,
  truthy,
  typeName,
} from './values.js';

/** A Python method: `self`, positional arguments, keyword arguments. */
export type PyMethod = (self: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

type M<T> = (self: T, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function arg(args: unknown[], kwargs: Record<string, unknown>, i: number, name: string, dflt?: unknown): unknown {
  if (i < args.length) return args[i];
  if (name in kwargs) return kwargs[name];
  return dflt;
}

function isNone(v: unknown): boolean {
  return v === null || v === undefined || v instanceof Undefined;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (isNone(chars)) {
    let a = 0;
    let b = s.length;
    if (left) while (a < b && /\s/.test(s[a]!)) a++;
    if (right) while (b > a && /\s/.test(s[b - 1]!)) b--;
    return s.slice(a, b);
  }
  const set = String(chars);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function split(s: string, sep: unknown, maxsplit: number, fromRight: boolean): string[] {
  if (isNone(sep)) {
    const words = s.split(/\s+/).filter((w) => w !== '');
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    if (!fromRight) {
      // keep the rest of the string after maxsplit words
      const out: string[] = [];
      let rest = s.replace(/^\s+/, '');
      for (let i = 0; i < maxsplit; i++) {
        const m = /^(\S+)\s+/.exec(rest)!;
        out.push(m[1]!);
        rest = rest.slice(m[0].length);
      }
      out.push(rest);
      return out;
    }
    const out: string[] = [];
    let rest = s.replace(/\s+$/, '');
    for (let i = 0; i < maxsplit; i++) {
      const m = /\s+(\S+)$/.exec(rest)!;
      out.unshift(m[1]!);
      rest = rest.slice(0, m.index);
    }
    out.unshift(rest);
    return out;
  }
  const sp = String(sep);
  if (sp === '') throw new PyValueError('empty separator');
  const parts = s.split(sp);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  if (!fromRight) return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sp)];
  const k = parts.length - maxsplit;
  return [parts.slice(0, k).join(sp), ...parts.slice(k)];
}

function affix(self: string, v: unknown, start: unknown, end: unknown, fn: (s: string, x: string) => boolean): boolean {
  const s = self.slice(isNone(start) ? 0 : num(start), isNone(end) ? undefined : num(end));
  if (Array.isArray(v)) return v.some((x) => fn(s, String(x)));
  if (typeof v !== 'string') throw new PyTypeError(`startswith first arg must be str or a tuple of str, not ${typeName(v)}`);
  return fn(s, v);
}

function title(s: string): string {
  return s.replace(/[A-Za-z\u00c0-\uffff]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

function count(hay: string, needle: string): number {
  if (needle === '') return hay.length + 1;
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

function center(s: string, width: number, fill: string): string {
  const n = width - s.length;
  if (n <= 0) return s;
  const left = Math.floor(n / 2) + (n & width & 1);
  return fill.repeat(left) + s + fill.repeat(n - left);
}

/** Methods of `str`. */
export const strMethods: Record<string, PyMethod> = Object.assign(Object.create(null), {
  upper: ((s) => s.toUpperCase()) as M<string>,
  lower: ((s) => s.toLowerCase()) as M<string>,
  casefold: ((s) => s.toLowerCase()) as M<string>,
  swapcase: ((s) => Array.from(s).map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')) as M<string>,
  strip: ((s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), true, true)) as M<string>,
  lstrip: ((s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), true, false)) as M<string>,
  rstrip: ((s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), false, true)) as M<string>,
  split: ((s, a, k) => split(s, arg(a, k, 0, 'sep'), num(arg(a, k, 1, 'maxsplit', -1)), false)) as M<string>,
  rsplit: ((s, a, k) => split(s, arg(a, k, 0, 'sep'), num(arg(a, k, 1, 'maxsplit', -1)), true)) as M<string>,
  splitlines: ((s, a, k) => {
    const keep = truthy(arg(a, k, 0, 'keepends', false));
    const parts = s.split(/(\r\n|\r|\n)/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i]! + (keep ? (parts[i + 1] ?? '') : '');
      if (i + 1 < parts.length || parts[i] !== '') out.push(line);
    }
    return out;
  }) as M<string>,
  replace: ((s, a, k) => {
    const old = pyStr(arg(a, k, 0, 'old'));
    const nw = pyStr(arg(a, k, 1, 'new'));
    const c = num(arg(a, k, 2, 'count', -1));
    if (c < 0) return s.split(old).join(nw);
    const parts = s.split(old);
    if (old === '') {
      const chars = Array.from(s);
      let out = '';
      let n = 0;
      for (let i = 0; i <= chars.length; i++) {
        if (n < c) {
          out += nw;
          n++;
        }
        if (i < chars.length) out += chars[i];
      }
      return out;
    }
    return parts.slice(0, c + 1).join(nw) + (parts.length > c + 1 ? old + parts.slice(c + 1).join(old) : '');
  }) as M<string>,
  startswith: ((s, a, k) => affix(s, arg(a, k, 0, 'prefix'), a[1], a[2], (x, p) => x.startsWith(p))) as M<string>,
  endswith: ((s, a, k) => affix(s, arg(a, k, 0, 'suffix'), a[1], a[2], (x, p) => x.endsWith(p))) as M<string>,
  format: ((s, a, k) => strFormat(s, a, k)) as M<string>,
  format_map: ((s, a) => {
    const m = a[0];
    const kw: Record<string, unknown> = Object.create(null);
    for (const [key, v] of mappingEntries(m)) kw[String(key)] = v;
    return strFormat(s, [], kw);
  }) as M<string>,
  join: ((s, a) => {
    const items = a[0];
    const list = Array.isArray(items) ? items : typeof items === 'string' ? Array.from(items) : isMapping(items) ? mappingKeys(items) : [];
    for (const x of list) {
      if (typeof x !== 'string') throw new PyTypeError(`sequence item 0: expected str instance, ${typeName(x)} found`);
    }
    return list.join(s);
  }) as M<string>,
  title: ((s) => title(s)) as M<string>,
  capitalize: ((s) => capitalize(s)) as M<string>,
  find: ((s, a) => s.indexOf(pyStr(a[0]), isNone(a[1]) ? 0 : num(a[1]))) as M<string>,
  rfind: ((s, a) => s.lastIndexOf(pyStr(a[0]))) as M<string>,
  index: ((s, a) => {
    const i = s.indexOf(pyStr(a[0]), isNone(a[1]) ? 0 : num(a[1]));
    if (i < 0) throw new PyValueError('substring not found');
    return i;
  }) as M<string>,
  rindex: ((s, a) => {
    const i = s.lastIndexOf(pyStr(a[0]));
    if (i < 0) throw new PyValueError('substring not found');
    return i;
  }) as M<string>,
  count: ((s, a) => count(s, pyStr(a[0]))) as M<string>,
  isdigit: ((s) => /^\d+$/.test(s)) as M<string>,
  isnumeric: ((s) => /^\d+$/.test(s)) as M<string>,
  isdecimal: ((s) => /^\d+$/.test(s)) as M<string>,
  isalpha: ((s) => /^\p{L}+$/u.test(s)) as M<string>,
  isalnum: ((s) => /^[\p{L}\p{N}]+$/u.test(s)) as M<string>,
  isspace: ((s) => /^\s+$/.test(s)) as M<string>,
  isupper: ((s) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s)) as M<string>,
  islower: ((s) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s)) as M<string>,
  istitle: ((s) => /[A-Za-z]/.test(s) && title(s) === s) as M<string>,
  isidentifier: ((s) => /^[A-Za-z_]\w*$/.test(s)) as M<string>,
  zfill: ((s, a) => {
    const w = num(a[0]);
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + body.padStart(w - sign.length, '0');
  }) as M<string>,
  center: ((s, a) => center(s, num(a[0]), a[1] === undefined ? ' ' : pyStr(a[1]))) as M<string>,
  ljust: ((s, a) => s.padEnd(num(a[0]), a[1] === undefined ? ' ' : pyStr(a[1]))) as M<string>,
  rjust: ((s, a) => s.padStart(num(a[0]), a[1] === undefined ? ' ' : pyStr(a[1]))) as M<string>,
  partition: ((s, a) => {
    const sep = pyStr(a[0]);
    const i = s.indexOf(sep);
    return makeTuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  }) as M<string>,
  rpartition: ((s, a) => {
    const sep = pyStr(a[0]);
    const i = s.lastIndexOf(sep);
    return makeTuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  }) as M<string>,
  removeprefix: ((s, a) => (s.startsWith(pyStr(a[0])) ? s.slice(pyStr(a[0]).length) : s)) as M<string>,
  removesuffix: ((s, a) => {
    const x = pyStr(a[0]);
    return x && s.endsWith(x) ? s.slice(0, -x.length) : s;
  }) as M<string>,
  expandtabs: ((s, a) => s.replace(/\t/g, ' '.repeat(a[0] === undefined ? 8 : num(a[0])))) as M<string>,
  encode: ((s) => s) as M<string>,
});

function listIndex(l: unknown[], x: unknown): number {
  for (let i = 0; i < l.length; i++) if (pyEq(l[i], x)) return i;
  return -1;
}

/** Sort key comparison shared by `list.sort` and the `sort` filter. */
export function sortValues(items: unknown[], reverse: boolean, key?: (v: unknown) => unknown): unknown[] {
  const keyed = items.map((v, i) => ({ v, k: key ? key(v) : v, i }));
  keyed.sort((a, b) => {
    const c = pyCompare(a.k, b.k);
    return c !== 0 ? (reverse ? -c : c) : a.i - b.i;
  });
  return keyed.map((x) => x.v);
}

/** Methods of `list`. */
export const listMethods: Record<string, PyMethod> = Object.assign(Object.create(null), {
  append: ((l, a) => {
    l.push(a[0]);
    return null;
  }) as M<unknown[]>,
  extend: ((l, a) => {
    const src = a[0];
    const items = Array.isArray(src) ? src : typeof src === 'string' ? Array.from(src) : isMapping(src) ? mappingKeys(src) : [];
    l.push(...items);
    return null;
  }) as M<unknown[]>,
  pop: ((l, a) => {
    if (l.length === 0) throw new PyValueError('pop from empty list');
    let i = a.length ? num(a[0]) : l.length - 1;
    if (i < 0) i += l.length;
    if (i < 0 || i >= l.length) throw new PyValueError('pop index out of range');
    return l.splice(i, 1)[0];
  }) as M<unknown[]>,
  insert: ((l, a) => {
    let i = num(a[0]);
    if (i < 0) i = Math.max(0, i + l.length);
    l.splice(i, 0, a[1]);
    return null;
  }) as M<unknown[]>,
  remove: ((l, a) => {
    const i = listIndex(l, a[0]);
    if (i < 0) throw new PyValueError('list.remove(x): x not in list');
    l.splice(i, 1);
    return null;
  }) as M<unknown[]>,
  index: ((l, a) => {
    const i = listIndex(l, a[0]);
    if (i < 0) throw new PyValueError(`${pyRepr(a[0])} is not in list`);
    return i;
  }) as M<unknown[]>,
  count: ((l, a) => l.filter((x) => pyEq(x, a[0])).length) as M<unknown[]>,
  sort: ((l, _a, k) => {
    const sorted = sortValues(l, truthy(k.reverse ?? false));
    for (let i = 0; i < l.length; i++) l[i] = sorted[i];
    return null;
  }) as M<unknown[]>,
  reverse: ((l) => {
    l.reverse();
    return null;
  }) as M<unknown[]>,
  copy: ((l) => l.slice()) as M<unknown[]>,
  clear: ((l) => {
    l.length = 0;
    return null;
  }) as M<unknown[]>,
});

/** Methods of `dict`. */
export const dictMethods: Record<string, PyMethod> = Object.assign(Object.create(null), {
  items: ((d) => makeView(mappingEntries(d).map((e) => makeTuple(e)), 'dict_items')) as M<object>,
  keys: ((d) => makeView(mappingKeys(d), 'dict_keys')) as M<object>,
  values: ((d) => makeView(mappingEntries(d).map((e) => e[1]), 'dict_values')) as M<object>,
  get: ((d, a) => {
    const k = a[0];
    return mappingHas(d, k) ? mappingGet(d, k) : a.length > 1 ? a[1] : null;
  }) as M<object>,
  update: ((d, a, k) => {
    if (a.length) {
      const src = a[0];
      if (Array.isArray(src)) for (const e of src) mappingSet(d, (e as unknown[])[0], (e as unknown[])[1]);
      else for (const [key, v] of mappingEntries(src)) mappingSet(d, key, v);
    }
    for (const key of Object.keys(k)) mappingSet(d, key, k[key]);
    return null;
  }) as M<object>,
  pop: ((d, a) => {
    const k = a[0];
    if (mappingHas(d, k)) {
      const v = mappingGet(d, k);
      if (d instanceof Map) d.delete(k);
      else delete (d as Record<string, unknown>)[pyStr(k)];
      return v;
    }
    if (a.length > 1) return a[1];
    throw new Error(`KeyError: ${pyRepr(k)}`);
  }) as M<object>,
  setdefault: ((d, a) => {
    const k = a[0];
    if (!mappingHas(d, k)) mappingSet(d, k, a.length > 1 ? a[1] : null);
    return mappingGet(d, k);
  }) as M<object>,
  copy: ((d) => {
    if (d instanceof Map) return new Map(d);
    return Object.assign(Object.create(null), d);
  }) as M<object>,
  clear: ((d) => {
    if (d instanceof Map) d.clear();
    else for (const k of Object.keys(d)) delete (d as Record<string, unknown>)[k];
    return null;
  }) as M<object>,
  popitem: ((d) => {
    const e = mappingEntries(d);
    if (!e.length) throw new Error("KeyError: 'popitem(): dictionary is empty'");
    const [k, v] = e[e.length - 1]!;
    if (d instanceof Map) d.delete(k);
    else delete (d as Record<string, unknown>)[String(k)];
    return makeTuple([k, v]);
  }) as M<object>,
});
