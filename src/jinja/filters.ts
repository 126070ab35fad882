/**
 * Built-in filters (`{{ x | join(', ') }}`), with Jinja2's names, arguments and results.
 */
import { add } from './operators.js';
import { percentFormat } from './format.js';
import { dictMethods, sortValues, strMethods } from './methods.js';
import { getAttr, getItem, isPromise, type RenderState } from './runtime.js';
import {
  PyFloat,
  PyTypeError,
  Undefined,
  UndefinedError,
  isFloat,
  isInt,
  isMapping,
  isPlainObject,
  isTuple,
  makeFloat,
  makeTuple,
  mappingEntries,
  num,
  pyEq,
  pyCompare,
  pyLen,
  pyRepr,
  pyStr,
  toList,
  truthy,
  typeName,
} from './values.js';

/** A built-in filter: value, positional arguments, keyword arguments, render state. */
export type BuiltinFilter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>, state: RenderState) => unknown;

function arg(args: unknown[], kwargs: Record<string, unknown>, i: number, name: string, dflt?: unknown): unknown {
  if (i < args.length) return args[i];
  if (name in kwargs) return kwargs[name];
  return dflt;
}

const isUndef = (v: unknown): boolean => v === undefined || v instanceof Undefined;
const isNone = (v: unknown): boolean => v === null || isUndef(v);

/** Jinja's attribute getter: `'a.b.0'` walks attributes and indices. */
export function attrGetter(attribute: unknown, lower = false, dflt?: unknown): (v: unknown) => unknown {
  const parts =
    typeof attribute === 'string' ? attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : isNone(attribute) ? [] : [attribute];
  return (v) => {
    let x = v;
    for (const p of parts) {
      x = getItem(x, p);
      if (x instanceof Undefined && dflt !== undefined) {
        x = dflt;
        break;
      }
    }
    if (lower && typeof x === 'string') x = x.toLowerCase();
    return x;
  };
}

function all<T>(values: unknown[], then: (vals: unknown[]) => T): T | Promise<T> {
  for (const v of values) if (isPromise(v)) return Promise.all(values).then(then);
  return then(values);
}

function doRound(value: unknown, precision: number, method: string): unknown {
  if (method !== 'common' && method !== 'ceil' && method !== 'floor') {
    throw new PyTypeError('method must be common, ceil or floor');
  }
  const n = num(value);
  if (precision < 0) {
    const scale = 10 ** -precision;
    const r0 = doRound(n / scale, 0, method);
    return makeFloat(num(r0) * scale);
  }
  const f = 10 ** precision;
  let r: number;
  if (method === 'ceil') r = Math.ceil(n * f) / f;
  else if (method === 'floor') r = Math.floor(n * f) / f;
  else {
    // round half to even on the exact decimal value, like Python's round()
    const s = Math.abs(n).toFixed(Math.min(100, precision + 30));
    const dot = s.indexOf('.');
    const keep = s.slice(0, dot + 1 + precision).replace(/\.$/, '');
    const rest = s.slice(dot + 1 + precision);
    let base = Number(keep);
    const unit = 1 / f;
    if (/^50*$/.test(rest)) {
      const lastDigit = Number(keep.replace('.', '').slice(-1));
      if (lastDigit % 2 === 1) base = Number((base + unit).toFixed(precision));
    } else if (rest[0]! >= '5') base = Number((base + unit).toFixed(precision));
    r = n < 0 ? -base : base;
  }
  if (isInt(value) && method === 'common') return isFloat(value) ? makeFloat(r) : Math.round(r) === r ? r : makeFloat(r);
  return makeFloat(r);
}

function toInt(value: unknown, dflt: unknown, base: number): unknown {
  if (typeof value === 'number') return Math.trunc(value);
  if (value instanceof PyFloat) return Math.trunc(value.value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const s = value.trim().replace(/_/g, '');
    if (base === 10 && /^[+-]?\d+$/.test(s)) return Number(s);
    if (base !== 10) {
      const t = s.replace(/^0[xob]/i, '');
      const n = parseInt(t, base);
      if (!Number.isNaN(n)) return n;
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Math.trunc(Number(s));
  }
  return dflt;
}

function toFloat(value: unknown, dflt: unknown): unknown {
  if (typeof value === 'number' || value instanceof PyFloat || typeof value === 'boolean') return makeFloat(num(value));
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return makeFloat(Number(s));
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(s)) return NaN;
  }
  return dflt;
}

/** JSON text as Jinja2's `tojson` writes it: keys sorted, `<>&'` escaped. */
export function toJson(value: unknown, indent?: number): string {
  const enc = (v: unknown, level: number): string => {
    const nl = indent !== undefined ? '\n' + ' '.repeat(indent * (level + 1)) : '';
    const end = indent !== undefined ? '\n' + ' '.repeat(indent * level) : '';
    const sep = indent !== undefined ? ',' : ', ';
    if (v === null) return 'null';
    if (v === undefined || v instanceof Undefined) throw new PyTypeError('Object of type Undefined is not JSON serializable');
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return pyStr(v);
    }
    if (v instanceof PyFloat) return pyStr(v);
    if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[' + nl + v.map((x) => enc(x, level + 1)).join(sep + nl) + end + ']';
    }
    if (isMapping(v)) {
      const entries = mappingEntries(v)
        .map(([k, x]) => [typeof k === 'string' ? k : pyStr(k), x] as [string, unknown])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      if (!entries.length) return '{}';
      return '{' + nl + entries.map(([k, x]) => enc(k, level + 1) + ': ' + enc(x, level + 1)).join(sep + nl) + end + '}';
    }
    const j = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof j === 'function') return enc(j.call(v), level);
    throw new PyTypeError(`Object of type ${typeName(v)} is not JSON serializable`);
  };
  return enc(value, 0)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}

/** HTML-escape text like markupsafe. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

function selectOrReject(
  value: unknown,
  args: unknown[],
  kwargs: Record<string, unknown>,
  state: RenderState,
  byAttr: boolean,
  keep: boolean,
): unknown {
  // Jinja2 guards with `if value:`: None, an empty string, 0… select nothing (and check no test)
  if (!truthy(value)) return [];
  const items = toList(value);
  let get = (v: unknown): unknown => v;
  let rest = args;
  if (byAttr) {
    get = attrGetter(args[0]);
    rest = args.slice(1);
  }
  const testName = rest[0];
  const testArgs = rest.slice(1);
  const results = items.map((v) => {
    const x = get(v);
    if (testName === undefined) return truthy(x);
    return state.env.callTest(String(testName), x, testArgs, null, state);
  });
  return all(results, (rs) => items.filter((_, i) => truthy(rs[i]) === keep));
}

function groupby(value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const attribute = arg(args, kwargs, 0, 'attribute');
  const dflt = arg(args, kwargs, 1, 'default');
  const cs = truthy(arg(args, kwargs, 2, 'case_sensitive', false));
  const key = attrGetter(attribute, !cs, dflt ?? undefined);
  const sorted = sortValues(toList(value), false, key);
  const out: unknown[] = [];
  let curKey: unknown;
  let group: unknown[] | undefined;
  const outKey = attrGetter(attribute, false, dflt ?? undefined);
  for (const v of sorted) {
    const k = key(v);
    if (group && pyEq(k, curKey)) group.push(v);
    else {
      group = [v];
      curKey = k;
      out.push(makeTuple([outKey(v), group]));
    }
  }
  return out;
}

function minMax(value: unknown, args: unknown[], kwargs: Record<string, unknown>, sign: number): unknown {
  const cs = truthy(arg(args, kwargs, 0, 'case_sensitive', false));
  const key = attrGetter(arg(args, kwargs, 1, 'attribute'), !cs);
  const items = toList(value);
  if (!items.length) return new Undefined('No aggregated item, sequence was empty.');
  let best = items[0];
  let bk = key(best);
  for (const v of items.slice(1)) {
    const k = key(v);
    if (pyCompare(k, bk) * sign > 0) {
      best = v;
      bk = k;
    }
  }
  return best;
}

function indent(value: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const width = arg(args, kwargs, 0, 'width', 4);
  const first = truthy(arg(args, kwargs, 1, 'first', false));
  const blank = truthy(arg(args, kwargs, 2, 'blank', false));
  const ind = typeof width === 'string' ? width : ' '.repeat(num(width));
  const s = pyStr(value) + '\n';
  const lines = strMethods.splitlines!(s , [], {}) as string[];
  let rv: string;
  if (blank) rv = lines.join('\n' + ind);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? ind + l : l)).join('\n');
  }
  return first ? ind + rv : rv;
}

function truncate(value: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const s = pyStr(value);
  const length = num(arg(args, kwargs, 0, 'length', 255));
  const killwords = truthy(arg(args, kwargs, 1, 'killwords', false));
  const end = pyStr(arg(args, kwargs, 2, 'end', '...'));
  const lw = arg(args, kwargs, 3, 'leeway', null);
  const leeway = isNone(lw) ? 5 : num(lw);
  if (length < end.length) throw new Error(`expected length >= ${end.length}, got ${length}`);
  if (s.length <= length + leeway) return s;
  if (killwords) return s.slice(0, length - end.length) + end;
  const cut = s.slice(0, length - end.length);
  const i = cut.lastIndexOf(' ');
  return (i >= 0 ? cut.slice(0, i) : cut) + end;
}

/** Python's textwrap.wrap (no hyphen breaking, whitespace kept) for one line. */
function wrapLine(text: string, width: number, breakLong: boolean): string[] {
  const chunks = text.split(/(\s+)/).filter((c) => c !== '').reverse();
  const lines: string[] = [];
  const isWs = (c: string): boolean => /^\s+$/.test(c);
  while (chunks.length) {
    const cur: string[] = [];
    let curLen = 0;
    if (lines.length && isWs(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length) {
      const l = chunks[chunks.length - 1]!.length;
      if (curLen + l <= width) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length && chunks[chunks.length - 1]!.length > width) {
      const chunk = chunks[chunks.length - 1]!;
      const spaceLeft = width < 1 ? 1 : width - curLen;
      if (breakLong) {
        cur.push(chunk.slice(0, spaceLeft));
        chunks[chunks.length - 1] = chunk.slice(spaceLeft);
      } else if (!cur.length) cur.push(chunks.pop()!);
    }
    if (cur.length && isWs(cur[cur.length - 1]!)) cur.pop();
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}

function wordwrap(value: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const width = num(arg(args, kwargs, 0, 'width', 79));
  const breakLong = truthy(arg(args, kwargs, 1, 'break_long_words', true));
  const wrapstring = pyStr(arg(args, kwargs, 2, 'wrapstring', '\n'));
  const lines = strMethods.splitlines!(pyStr(value), [], {}) as string[];
  return lines.map((l) => wrapLine(l, width, breakLong).join(wrapstring)).join(wrapstring);
}

function filesizeformat(value: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const bytes = num(value);
  const binary = truthy(arg(args, kwargs, 0, 'binary', false));
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let prefix = prefixes[0]!;
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    prefix = prefixes[i]!;
    if (bytes < unit) break;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefix}`;
}

function urlencode(value: unknown): string {
  const q = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%2F/g, '/');
  if (typeof value === 'string') return q(value);
  if (isMapping(value) || Array.isArray(value)) {
    const entries = isMapping(value) ? mappingEntries(value) : (value as unknown[]).map((e) => e as [unknown, unknown]);
    const qs = (s: string): string => q(s).replace(/\//g, '%2F').replace(/%20/g, '+');
    return entries.map(([k, v]) => `${qs(pyStr(k))}=${qs(pyStr(v))}`).join('&');
  }
  return q(pyStr(value));
}

/** The built-in filters by name. */
export const builtinFilters: Record<string, BuiltinFilter> = Object.assign(Object.create(null), {
  abs: (v: unknown) => {
    if (v instanceof PyFloat) return new PyFloat(Math.abs(v.value));
    if (typeof v === 'number' || typeof v === 'boolean') return Math.abs(num(v));
    throw new PyTypeError(`bad operand type for abs(): '${typeName(v)}'`);
  },
  attr: (v: unknown, a: unknown[]) => {
    const name = pyStr(a[0]);
    if (isMapping(v) && !(name in dictMethods)) return new Undefined(`'dict object' has no attribute '${name}'`);
    return getAttr(v, name);
  },
  batch: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const n = num(arg(a, k, 0, 'linecount'));
    const fill = arg(a, k, 1, 'fill_with', null);
    const items = toList(v);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const lastRow = out[out.length - 1];
    if (!isNone(fill) && lastRow && lastRow.length < n) while (lastRow.length < n) lastRow.push(fill);
    return out;
  },
  capitalize: (v: unknown) => {
    const s = pyStr(v);
    return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
  },
  center: (v: unknown, a: unknown[], k: Record<string, unknown>) => strMethods.center!(pyStr(v), [arg(a, k, 0, 'width', 80)], {}),
  default: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const dflt = arg(a, k, 0, 'default_value', '');
    const boolean = truthy(arg(a, k, 1, 'boolean', false));
    if (isUndef(v) || (boolean && !truthy(v))) return dflt;
    return v;
  },
  dictsort: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const cs = truthy(arg(a, k, 0, 'case_sensitive', false));
    const by = arg(a, k, 1, 'by', 'key');
    const reverse = truthy(arg(a, k, 2, 'reverse', false));
    if (by !== 'key' && by !== 'value') throw new Error('You can only sort by either "key" or "value"');
    const pos = by === 'key' ? 0 : 1;
    const items = mappingEntries(v).map((e) => makeTuple(e));
    return sortValues(items, reverse, (e) => {
      const x = (e as unknown[])[pos];
      return !cs && typeof x === 'string' ? x.toLowerCase() : x;
    });
  },
  escape: (v: unknown) => escapeHtml(pyStr(v)),
  first: (v: unknown) => {
    const items = toList(v);
    return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
  },
  last: (v: unknown) => {
    const items = toList(v);
    return items.length ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
  },
  float: (v: unknown, a: unknown[], k: Record<string, unknown>) => toFloat(v, arg(a, k, 0, 'default', new PyFloat(0))),
  int: (v: unknown, a: unknown[], k: Record<string, unknown>) => toInt(v, arg(a, k, 0, 'default', 0), num(arg(a, k, 1, 'base', 10))),
  format: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    if (a.length && Object.keys(k).length) throw new Error("can't handle positional and keyword arguments at the same time");
    return percentFormat(pyStr(v), Object.keys(k).length ? Object.assign(Object.create(null), k) : makeTuple(a));
  },
  groupby,
  indent,
  items: (v: unknown) => {
    if (isUndef(v)) return [];
    if (!isMapping(v)) throw new PyTypeError(`Can only get item pairs from a mapping.`);
    return mappingEntries(v).map((e) => makeTuple(e));
  },
  join: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const sep = pyStr(arg(a, k, 0, 'd', ''));
    const attribute = arg(a, k, 1, 'attribute', null);
    let items = toList(v);
    if (!isNone(attribute)) items = items.map(attrGetter(attribute));
    return items.map(pyStr).join(sep);
  },
  length: (v: unknown) => pyLen(v),
  list: (v: unknown) => toList(v).slice(),
  lower: (v: unknown) => pyStr(v).toLowerCase(),
  upper: (v: unknown) => pyStr(v).toUpperCase(),
  title: (v: unknown) =>
    pyStr(v)
      .split(/([-\s({[<]+)/)
      .filter((x) => x !== '')
      .map((x) => x[0]!.toUpperCase() + x.slice(1).toLowerCase())
      .join(''),
  trim: (v: unknown, a: unknown[], k: Record<string, unknown>) => strMethods.strip!(pyStr(v), [arg(a, k, 0, 'chars', null)], {}),
  map: (v: unknown, a: unknown[], k: Record<string, unknown>, st: RenderState) => {
    // as select: a false value (None, 0, '') maps to nothing, before the arguments are checked
    if (!truthy(v)) return [];
    const items = toList(v);
    if (!a.length && 'attribute' in k) {
      const get = attrGetter(k.attribute, false, k.default);
      return items.map(get);
    }
    if (!a.length) throw new Error('map requires a filter argument');
    const name = pyStr(a[0]);
    const rest = a.slice(1);
    const results = items.map((x) => st.env.callFilter(name, x, rest, Object.keys(k).length ? k : null, st));
    return all(results, (r) => r);
  },
  max: (v: unknown, a: unknown[], k: Record<string, unknown>) => minMax(v, a, k, 1),
  min: (v: unknown, a: unknown[], k: Record<string, unknown>) => minMax(v, a, k, -1),
  pprint: (v: unknown) => pyRepr(v),
  replace: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const c = arg(a, k, 2, 'count', null);
    return strMethods.replace!(pyStr(v), isNone(c) ? [a[0], a[1]] : [a[0], a[1], c], {});
  },
  reverse: (v: unknown) => {
    if (typeof v === 'string') return Array.from(v).reverse().join('');
    return toList(v).slice().reverse();
  },
  round: (v: unknown, a: unknown[], k: Record<string, unknown>) =>
    doRound(v, num(arg(a, k, 0, 'precision', 0)), pyStr(arg(a, k, 1, 'method', 'common'))),
  safe: (v: unknown) => (typeof v === 'string' ? v : pyStr(v)),
  forceescape: (v: unknown) => escapeHtml(pyStr(v)),
  select: (v: unknown, a: unknown[], k: Record<string, unknown>, st: RenderState) => selectOrReject(v, a, k, st, false, true),
  reject: (v: unknown, a: unknown[], k: Record<string, unknown>, st: RenderState) => selectOrReject(v, a, k, st, false, false),
  selectattr: (v: unknown, a: unknown[], k: Record<string, unknown>, st: RenderState) => selectOrReject(v, a, k, st, true, true),
  rejectattr: (v: unknown, a: unknown[], k: Record<string, unknown>, st: RenderState) => selectOrReject(v, a, k, st, true, false),
  slice: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const items = toList(v);
    const slices = num(arg(a, k, 0, 'slices'));
    const fill = arg(a, k, 1, 'fill_with', null);
    const per = Math.floor(items.length / slices);
    const extra = items.length % slices;
    let offset = 0;
    const out: unknown[][] = [];
    for (let i = 0; i < slices; i++) {
      const start = offset + i * per;
      if (i < extra) offset++;
      const end = offset + (i + 1) * per;
      const part = items.slice(start, end);
      if (!isNone(fill) && i >= extra) part.push(fill);
      out.push(part);
    }
    return out;
  },
  sort: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const reverse = truthy(arg(a, k, 0, 'reverse', false));
    const cs = truthy(arg(a, k, 1, 'case_sensitive', false));
    const attribute = arg(a, k, 2, 'attribute', null);
    const attrs = typeof attribute === 'string' ? attribute.split(',').map((x) => x.trim()) : [attribute];
    const getters = attrs.map((x) => attrGetter(x, !cs));
    const key = getters.length === 1 ? getters[0]! : (x: unknown) => getters.map((g) => g(x));
    return sortValues(toList(v), reverse, key);
  },
  string: (v: unknown) => pyStr(v),
  striptags: (v: unknown) =>
    pyStr(v)
      .replace(/<!--[^]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#34;|&quot;/g, '"')
      .replace(/&#39;/g, "'"),
  sum: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const attribute = arg(a, k, 0, 'attribute', null);
    let total: unknown = arg(a, k, 1, 'start', 0);
    let items = toList(v);
    if (!isNone(attribute)) items = items.map(attrGetter(attribute));
    // a number with arithmetic of its own (a query's Decimal) adds as Python's sum() adds it
    if (items.some((x) => x instanceof PyFloat && x.constructor !== PyFloat)) return items.reduce(add, total);
    let isF = isFloat(total);
    let s = num(total);
    for (const x of items) {
      if (typeof x !== 'number' && !(x instanceof PyFloat) && typeof x !== 'boolean') {
        if (x instanceof Undefined) throw new UndefinedError(x.hint);
        throw new PyTypeError(`unsupported operand type(s) for +: '${typeName(total)}' and '${typeName(x)}'`);
      }
      if (isFloat(x)) isF = true;
      s += num(x);
    }
    total = isF ? makeFloat(s) : s;
    return total;
  },
  tojson: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const ind = arg(a, k, 0, 'indent', null);
    return toJson(v, isNone(ind) ? undefined : num(ind));
  },
  truncate,
  unique: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const cs = truthy(arg(a, k, 0, 'case_sensitive', false));
    const key = attrGetter(arg(a, k, 1, 'attribute', null), !cs);
    const seen: unknown[] = [];
    const out: unknown[] = [];
    for (const x of toList(v)) {
      const kx = key(x);
      if (!seen.some((s) => pyEq(s, kx))) {
        seen.push(kx);
        out.push(x);
      }
    }
    return out;
  },
  urlencode,
  wordcount: (v: unknown) => (pyStr(v).match(/\w+/gu) ?? []).length,
  wordwrap,
  filesizeformat,
  xmlattr: (v: unknown, a: unknown[], k: Record<string, unknown>) => {
    const autospace = truthy(arg(a, k, 0, 'autospace', true));
    const parts = mappingEntries(v)
      .filter(([, x]) => !isNone(x))
      .map(([key, x]) => `${escapeHtml(pyStr(key))}="${escapeHtml(pyStr(x))}"`);
    const s = parts.join(' ');
    return autospace && s ? ' ' + s : s;
  },
});
builtinFilters.d = builtinFilters.default!;
builtinFilters.e = builtinFilters.escape!;
builtinFilters.count = builtinFilters.length!;

/** Is `v` a list of pairs usable as dict items? (Used by `dict()`.) */
export function isPairList(v: unknown): boolean {
  return Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2);
}

