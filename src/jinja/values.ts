/**
 * Runtime values with Python semantics: `Undefined`, boxed integral floats, tuples,
 * truthiness, equality, ordering, `str()`/`repr()` and the type names Jinja2 prints
 * in its messages.
 *
 * Representation: Python ints and non-integral floats are JS numbers; a float whose
 * value is integral (`1.0`) is a {@link PyFloat} so it prints as Python prints it.
 * Lists and tuples are JS arrays (tuples are remembered in a WeakSet). Dicts are plain
 * objects (string keys) or Maps (other keys). `None` is `null`.
 */

/** A Python float whose value is integral, such as `1.0` (non-integral floats are plain numbers). */
export class PyFloat {
  constructor(readonly value: number) {}
  /** JS conversion: the number itself. */
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return formatFloat(this.value);
  }
}

/** Make a Python float from a JS number: box it when integral. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Is `v` a Python float (a non-integral number or a boxed one)? */
export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** Is `v` a Python int (an integral JS number that is not boxed)? Booleans are not. */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Is `v` a number for Python purposes (int or float, not bool)? */
export function isNumber(v: unknown): boolean {
  return typeof v === 'number' || v instanceof PyFloat;
}

/** The JS number of an int, float, bool; NaN otherwise. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NaN;
}

const undefinedBrand = Symbol('jinja.undefined');

/**
 * Jinja2's default `Undefined`: prints as empty text, is falsy, iterates as empty, and
 * raises an `UndefinedError` on attribute access, calls and arithmetic.
 */
export class Undefined {
  /** @internal brand */
  readonly [undefinedBrand] = true;
  /**
   * @param hint the message of the error raised when the value is used, such as
   * `'x' is undefined` or `'dict object' has no attribute 'y'`.
   * @param missingName whether it stands for a name nothing defines.
   */
  constructor(
    readonly hint: string = 'value is undefined',
    /** Made for a name nothing defines (not for a missing attribute or item of a value). */
    readonly missingName = false,
  ) {}
  toString(): string {
    return '';
  }
}

/** The shared anonymous Undefined. */
export const UNDEFINED = new Undefined();

/** Is `v` an {@link Undefined}? */
export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

/** Raised when an Undefined is used in a way that needs a value. */
export class UndefinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndefinedError';
  }
}

/** A Python-style `TypeError` raised by the runtime. */
export class PyTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypeError';
  }
}

/** A Python-style `ValueError` raised by the runtime. */
export class PyValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

const tuples = new WeakSet<unknown[]>();

/** Mark an array as a Python tuple (it prints with parentheses). */
export function makeTuple<T extends unknown[]>(a: T): T {
  tuples.add(a);
  return a;
}

/** Is `v` an array marked as a tuple? */
export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && tuples.has(v);
}

const sets = new WeakSet<unknown[]>();

/**
 * Mark an array of distinct items as a Python set: it equals another set with the same items in
 * any order, and prints as `{…}`. (Iterating, `in` and `length` work as on the list it is.)
 */
export function makeSet<T extends unknown[]>(a: T): T {
  sets.add(a);
  return a;
}

const views = new WeakMap<unknown[], string>();

/** Mark an array as a dict view (`dict_keys`, `dict_values`, `dict_items`) for printing. */
export function makeView<T extends unknown[]>(a: T, kind: string): T {
  views.set(a, kind);
  return a;
}

/** Is `v` a mapping (a plain or null-prototype object, a Map, or a host object that is not a function/array)? */
export function isMapping(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof Map) return true;
  if (Array.isArray(v) || v instanceof Undefined || v instanceof PyFloat) return false;
  const p = Object.getPrototypeOf(v);
  return p === null || p === Object.prototype;
}

/**
 * Marks a host object that is a Python Mapping without being a dict, as dbt's relations are
 * (`collections.abc.Mapping` subclasses read by attribute): `is mapping` is true for it, while
 * the runtime keeps treating it as the host object it is (its own `get`, its attributes).
 */
export const PY_MAPPING: unique symbol = Symbol.for('strata.jinja.mapping');

/** Python's `isinstance(v, Mapping)`: a dict, or a host object marked {@link PY_MAPPING}. */
export function isAnyMapping(v: unknown): boolean {
  return isMapping(v) || (v !== null && typeof v === 'object' && (v as { [PY_MAPPING]?: unknown })[PY_MAPPING] === true);
}

/** Is `v` a plain data dict (plain or null-prototype object)? */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === null || p === Object.prototype;
}

/** A new empty dict (a null-prototype object). */
export function newDict(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** Keys of a mapping, in order. */
export function mappingKeys(v: unknown): unknown[] {
  if (v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object') return Object.keys(v);
  return [];
}

/** Get a key of a mapping; `undefined` when missing. */
export function mappingGet(v: unknown, key: unknown): unknown {
  if (v instanceof Map) return v.get(key instanceof PyFloat ? key.value : key);
  if (v !== null && typeof v === 'object') {
    const k = typeof key === 'string' ? key : pyStr(key);
    if (Object.prototype.hasOwnProperty.call(v, k)) return (v as Record<string, unknown>)[k];
  }
  return undefined;
}

/** Does the mapping have `key`? */
export function mappingHas(v: unknown, key: unknown): boolean {
  if (v instanceof Map) return v.has(key instanceof PyFloat ? key.value : key);
  if (v !== null && typeof v === 'object') {
    return Object.prototype.hasOwnProperty.call(v, typeof key === 'string' ? key : pyStr(key));
  }
  return false;
}

/** Set a key of a mapping. */
export function mappingSet(v: unknown, key: unknown, value: unknown): void {
  if (v instanceof Map) v.set(key instanceof PyFloat ? key.value : key, value);
  else {
    const k = typeof key === 'string' ? key : pyStr(key);
    // never reach a prototype setter: '__proto__' becomes a plain own key
    Object.defineProperty(v, k, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** Entries of a mapping as [key, value] pairs. */
export function mappingEntries(v: unknown): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  if (v !== null && typeof v === 'object') return Object.entries(v);
  return [];
}

/** Python truthiness. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'function':
      return true;
    case 'object':
      if (Array.isArray(v)) return v.length > 0;
      if (v instanceof Undefined) return false;
      if (v instanceof PyFloat) return v.value !== 0;
      if (v instanceof Map) return v.size > 0;
      if (isPlainObject(v)) {
        for (const _ in v) return true;
        return false;
      }
      return !hostMethod(v, PY_LEN) || (v as { [PY_LEN](): number })[PY_LEN]() !== 0;
    default:
      return true;
  }
}

/** Format a JS number as Python's `repr(float)`. */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const a = Math.abs(n);
  if (a >= 1e16 || a < 1e-4) {
    const e = n.toExponential();
    const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(e)!;
    return `${m[1]}e${m[2]}${m[3]!.padStart(2, '0')}`;
  }
  const s = String(n);
  return Number.isInteger(n) ? s + '.0' : s;
}

/** Python `repr()` of a string. */
export function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

/** The Python type name of a value, as used in messages (`'dict object'`). */
export function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'function';
    case 'undefined':
      return 'Undefined';
    default:
  }
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof Undefined) return 'Undefined';
  if (isMapping(v)) return 'dict';
  const named = (v as { [PY_TYPE]?: unknown })[PY_TYPE];
  if (typeof named === 'string') return named;
  const c = (v as { constructor?: { name?: string } }).constructor;
  return c && typeof c.name === 'string' && c.name ? c.name : 'object';
}

/**
 * Python's operator protocol for host objects (a datetime, say): a host value may define
 * methods under these symbols, which templates cannot see, to take part in `+`, `-`, `*`,
 * ordering and `==`, and to name its type and give its `repr()` (its `str()` is its
 * `toString()`). A method returns undefined for Python's NotImplemented.
 * - `[PY_ADD](other, reflected)`, `[PY_SUB](other, reflected)`, `[PY_MUL](other, reflected)`:
 *   `reflected` is true when the host value is the right-hand operand.
 * - `[PY_COMPARE](other)`: negative, zero or positive; undefined when the two cannot be
 *   ordered (then `==` is false and `<` a TypeError, as for a naive and an aware datetime).
 */
export const PY_ADD: unique symbol = Symbol.for('strata.jinja.add');
export const PY_SUB: unique symbol = Symbol.for('strata.jinja.sub');
export const PY_MUL: unique symbol = Symbol.for('strata.jinja.mul');
export const PY_COMPARE: unique symbol = Symbol.for('strata.jinja.compare');
/** A string property: the type's name in messages (`datetime.datetime`). */
export const PY_TYPE: unique symbol = Symbol.for('strata.jinja.type');
/** `() => string`: the value's `repr()`. */
export const PY_REPR: unique symbol = Symbol.for('strata.jinja.repr');
/**
 * Python's sequence protocol for host objects (an agate row, say), beside `Symbol.iterator`
 * (iteration: `for`, `in`, `| list`, unpacking):
 * - `[PY_GETITEM](key)`: `obj[key]` for an int or string key, undefined when there is none (then,
 *   as in Jinja2, `obj['k']` tries the attribute and `obj.k`, missing as an attribute, tries the
 *   item). A host object with both also slices (`obj[1:]`), as a tuple of its items.
 * - `[PY_LEN]()`: `len(obj)` (`| length`); a host object of length 0 is false, as in Python.
 */
export const PY_GETITEM: unique symbol = Symbol.for('strata.jinja.getitem');
export const PY_LEN: unique symbol = Symbol.for('strata.jinja.len');
/**
 * For host objects that are equal by value without being ordered (dbt's relations, dataclasses):
 * - `[PY_EQ](other)`: Python's `==` (the host decides; `other` may be any value).
 * - `[PY_CONTAINS](key)`: `key in obj`, for a host mapping that is not iterable.
 */
export const PY_EQ: unique symbol = Symbol.for('strata.jinja.eq');
export const PY_CONTAINS: unique symbol = Symbol.for('strata.jinja.contains');

/** `key in obj` through the host's {@link PY_CONTAINS}; undefined when it has none. */
export function hostContains(obj: unknown, key: unknown): boolean | undefined {
  const f = hostMethod(obj, PY_CONTAINS);
  return f ? Boolean(f.call(obj, key)) : undefined;
}

type HostMethod = (this: unknown, other: unknown, reflected?: boolean) => unknown;
const hostMethod = (v: unknown, sym: symbol): HostMethod | undefined => {
  const f = v !== null && typeof v === 'object' ? (v as Record<symbol, unknown>)[sym] : undefined;
  return typeof f === 'function' ? (f as HostMethod) : undefined;
};

/** `a <op> b` through the host protocol (`a`'s method, then `b`'s reflected one); undefined when neither implements it. */
export function hostBinary(sym: typeof PY_ADD | typeof PY_SUB | typeof PY_MUL, a: unknown, b: unknown): unknown {
  const fa = hostMethod(a, sym);
  const r = fa?.call(a, b, false);
  if (r !== undefined) return r;
  return hostMethod(b, sym)?.call(b, a, true);
}

/** Ordering of two values through the host protocol; undefined when they cannot be ordered. */
function hostCompare(a: unknown, b: unknown): number | undefined {
  const ca = hostMethod(a, PY_COMPARE)?.call(a, b) as number | undefined;
  if (ca !== undefined) return ca;
  const cb = hostMethod(b, PY_COMPARE)?.call(b, a) as number | undefined;
  return cb === undefined ? undefined : -cb;
}

/** Hook for printing host-only objects (set by the runtime for macros, loops…). */
export const reprHooks: Array<(v: object) => string | undefined> = [];

/** Python `str()` of a value as the engine prints it: `None`, `True`, `['a']`, `{'a': 1}`, `1.0`. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v);
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === undefined || v instanceof Undefined) return '';
  if (hostMethod(v, PY_REPR)) return String(v);
  return pyRepr(v);
}

/** Python `repr()` of a value. */
export function pyRepr(v: unknown, seen?: Set<unknown>): string {
  if (typeof v === 'string') return reprString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v);
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === undefined || v instanceof Undefined) return '';
  if (v instanceof PyFloat) return v.constructor === PyFloat ? formatFloat(v.value) : String(hostMethod(v, PY_REPR)?.call(v, undefined) ?? formatFloat(v.value));
  if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return String(v);
  if (seen?.has(v)) return Array.isArray(v) ? '[...]' : '{...}';
  const s = seen ?? new Set<unknown>();
  s.add(v);
  try {
    if (Array.isArray(v)) {
      const inner = v.map((x) => pyRepr(x, s)).join(', ');
      const view = views.get(v);
      if (view) return `${view}([${inner}])`;
      if (tuples.has(v)) return v.length === 1 ? `(${inner},)` : `(${inner})`;
      if (sets.has(v)) return v.length === 0 ? 'set()' : `{${inner}}`;
      return `[${inner}]`;
    }
    if (v instanceof Map) {
      return '{' + [...v.entries()].map(([k, x]) => `${pyRepr(k, s)}: ${pyRepr(x, s)}`).join(', ') + '}';
    }
    if (v instanceof Set) {
      return v.size === 0 ? 'set()' : '{' + [...v].map((x) => pyRepr(x, s)).join(', ') + '}';
    }
    const repr = hostMethod(v, PY_REPR);
    if (repr) return String(repr.call(v, undefined));
    if (isPlainObject(v)) {
      return '{' + Object.keys(v).map((k) => `${reprString(k)}: ${pyRepr(v[k], s)}`).join(', ') + '}';
    }
    for (const h of reprHooks) {
      const r = h(v);
      if (r !== undefined) return r;
    }
    const ts = (v as { toString?: unknown }).toString;
    if (typeof ts === 'function' && ts !== Object.prototype.toString) return String(ts.call(v));
    if (v instanceof Date) return v.toISOString();
    return `<${typeName(v)} object>`;
  } finally {
    s.delete(v);
  }
}

/** Python `==`. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined) a = UNDEFINED;
  if (b === undefined) b = UNDEFINED;
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'boolean' || a instanceof PyFloat) && (tb === 'number' || tb === 'boolean' || b instanceof PyFloat)) {
    return num(a) === num(b);
  }
  if (ta !== 'object' || tb !== 'object' || a === null || b === null) return false;
  const eq = hostMethod(a, PY_EQ) ?? hostMethod(b, PY_EQ);
  if (eq) return Boolean(hostMethod(a, PY_EQ) ? eq.call(a, b) : eq.call(b, a));
  if (hostMethod(a, PY_COMPARE) || hostMethod(b, PY_COMPARE)) return hostCompare(a, b) === 0;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || isTuple(a) !== isTuple(b)) return false;
    if (sets.has(a) || sets.has(b)) return sets.has(a) && sets.has(b) && a.every((x) => b.some((y) => pyEq(x, y)));
    for (let i = 0; i < a.length; i++) if (!pyEq(a[i], b[i])) return false;
    return true;
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = mappingKeys(a);
    const kb = mappingKeys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!mappingHas(b, k) || !pyEq(mappingGet(a, k), mappingGet(b, k))) return false;
    }
    return true;
  }
  return false;
}

const opNames: Record<string, string> = { lt: '<', le: '<=', gt: '>', ge: '>=' };

/** Python ordering: returns negative, zero or positive; throws a TypeError for unorderable types. */
export function pyCompare(a: unknown, b: unknown, op = 'lt'): number {
  const na = typeof a === 'number' || typeof a === 'boolean' || a instanceof PyFloat;
  const nb = typeof b === 'number' || typeof b === 'boolean' || b instanceof PyFloat;
  if (na && nb) {
    const x = num(a);
    const y = num(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEq(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a instanceof Undefined || b instanceof Undefined || a === undefined || b === undefined) {
    throw new UndefinedError(((a instanceof Undefined ? a : b) as Undefined | undefined)?.hint ?? 'value is undefined');
  }
  const c = hostCompare(a, b);
  if (c !== undefined) return c;
  throw new PyTypeError(`'${opNames[op] ?? op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Iterate a value as Python would (`for x in v`): lists, strings (characters), dict keys, Maps, iterables. */
export function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return Array.from(v);
  if (v === undefined || v instanceof Undefined) return [];
  if (v === null || typeof v !== 'object') {
    throw new PyTypeError(`'${typeName(v)}' object is not iterable`);
  }
  if (v instanceof Map) return [...v.keys()];
  if (Symbol.iterator in v && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(v as Iterable<unknown>)];
  }
  if (isMapping(v)) return Object.keys(v);
  throw new PyTypeError(`'${typeName(v)}' object is not iterable`);
}

/** Python `len()`. */
export function pyLen(v: unknown): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v === undefined || v instanceof Undefined) return 0;
  if (isMapping(v)) return Object.keys(v as object).length;
  if (hostMethod(v, PY_LEN)) return (v as { [PY_LEN](): number })[PY_LEN]();
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return toList(v).length;
  throw new PyTypeError(`object of type '${typeName(v)}' has no len()`);
}

/** Convert an engine value to plain JS: PyFloat → number, Undefined → undefined, Maps with string keys stay Maps. */
export function toJS(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof Undefined) return undefined;
  if (Array.isArray(value)) return value.map(toJS);
  if (value instanceof Map) {
    const m = new Map<unknown, unknown>();
    for (const [k, v] of value) m.set(k, toJS(v));
    return m;
  }
  if (isPlainObject(value)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(value)) Object.defineProperty(o, k, { value: toJS(value[k]), writable: true, enumerable: true, configurable: true });
    return o;
  }
  return value;
}

/**
 * Values handed to host code: a boxed float becomes a number (a subclass of PyFloat, such as a
 * Decimal, is kept: `return(d)` returns it as it is), Undefined becomes `undefined`.
 */
export function toHost(v: unknown): unknown {
  if (v instanceof PyFloat) return v.constructor === PyFloat ? v.value : v;
  if (v instanceof Undefined) return undefined;
  return v;
}
