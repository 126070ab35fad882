/**
 * Python operators on engine values: arithmetic, `~`, `in`, and the comparison table
 * the compiler dispatches to.
 */
import { percentFormat } from './format.js';
import {
  PY_ADD,
  PY_MUL,
  PY_SUB,
  PyFloat,
  hostBinary,
  hostContains,
  PyTypeError,
  Undefined,
  UndefinedError,
  isFloat,
  isMapping,
  isTuple,
  makeFloat,
  makeTuple,
  mappingHas,
  num,
  pyCompare,
  pyEq,
  pyStr,
  typeName,
} from './values.js';

/** Raised for division or modulo by zero. */
export class ZeroDivisionError extends Error {
  constructor(message = 'division by zero') {
    super(message);
    this.name = 'ZeroDivisionError';
  }
}

function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

function checkUndef(...vals: unknown[]): void {
  for (const v of vals) {
    if (v instanceof Undefined) throw new UndefinedError(v.hint);
    if (v === undefined) throw new UndefinedError('value is undefined');
  }
}

function unsupported(op: string, a: unknown, b: unknown): never {
  checkUndef(a, b);
  throw new PyTypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** `a <op> b` for a boxed number with its own arithmetic (Python's Decimal); undefined for others. */
function boxedHost(sym: typeof PY_ADD | typeof PY_SUB | typeof PY_MUL, a: unknown, b: unknown): unknown {
  return a instanceof PyFloat || b instanceof PyFloat ? hostBinary(sym, a, b) : undefined;
}

/** Result of a numeric operation: a float when either side is a float. */
function numResult(n: number, a: unknown, b: unknown): number | PyFloat {
  if (isFloat(a) || isFloat(b)) return makeFloat(n);
  return n;
}

/** Python `a + b`. */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    return Number.isInteger(r) && (!Number.isInteger(a) || !Number.isInteger(b)) ? new PyFloat(r) : r;
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  const boxed = boxedHost(PY_ADD, a, b);
  if (boxed !== undefined) return boxed;
  if (isNumeric(a) && isNumeric(b)) return numResult(num(a) + num(b), a, b);
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const r = a.concat(b);
    return isTuple(a) ? makeTuple(r) : r;
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a === 'string' || typeof b === 'string') {
    checkUndef(a, b);
    if (typeof a === 'string') throw new PyTypeError(`can only concatenate str (not "${typeName(b)}") to str`);
  }
  return hostBinary(PY_ADD, a, b) ?? unsupported('+', a, b);
}

/** Python `a - b`. */
export function sub(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    return Number.isInteger(r) && (!Number.isInteger(a) || !Number.isInteger(b)) ? new PyFloat(r) : r;
  }
  const boxed = boxedHost(PY_SUB, a, b);
  if (boxed !== undefined) return boxed;
  if (isNumeric(a) && isNumeric(b)) return numResult(num(a) - num(b), a, b);
  return hostBinary(PY_SUB, a, b) ?? unsupported('-', a, b);
}

function repeat<T>(x: T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(...x);
  return out;
}

/** Python `a * b`. */
export function mul(a: unknown, b: unknown): unknown {
  const boxed = boxedHost(PY_MUL, a, b);
  if (boxed !== undefined) return boxed;
  if (isNumeric(a) && isNumeric(b)) return numResult(num(a) * num(b), a, b);
  if (typeof a === 'string' && (typeof b === 'number' || typeof b === 'boolean') && !isFloat(b)) return a.repeat(Math.max(0, num(b)));
  if (typeof b === 'string' && (typeof a === 'number' || typeof a === 'boolean') && !isFloat(a)) return b.repeat(Math.max(0, num(a)));
  if (Array.isArray(a) && typeof b === 'number' && Number.isInteger(b)) {
    const r = repeat(a, b);
    return isTuple(a) ? makeTuple(r) : r;
  }
  if (Array.isArray(b) && typeof a === 'number' && Number.isInteger(a)) {
    const r = repeat(b, a);
    return isTuple(b) ? makeTuple(r) : r;
  }
  return hostBinary(PY_MUL, a, b) ?? unsupported('*', a, b);
}

/** Python `a / b` (always a float). */
export function div(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) {
    if (num(b) === 0) throw new ZeroDivisionError('division by zero');
    return makeFloat(num(a) / num(b));
  }
  return unsupported('/', a, b);
}

/** Python `a // b`. */
export function floordiv(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) {
    if (num(b) === 0) throw new ZeroDivisionError('integer division or modulo by zero');
    return numResult(Math.floor(num(a) / num(b)), a, b);
  }
  return unsupported('//', a, b);
}

/** Python `a % b`: numeric modulo (sign of the divisor) or printf-style string formatting. */
export function mod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') return percentFormat(a, b);
  if (isNumeric(a) && isNumeric(b)) {
    const y = num(b);
    if (y === 0) throw new ZeroDivisionError('integer division or modulo by zero');
    const x = num(a);
    let r = x % y;
    if (r !== 0 && r < 0 !== y < 0) r += y;
    return numResult(r, a, b);
  }
  return unsupported('%', a, b);
}

/** Python `a ** b`. */
export function pow(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) {
    const x = num(a);
    const y = num(b);
    const r = x ** y;
    if (!isFloat(a) && !isFloat(b) && y < 0) return makeFloat(r);
    return numResult(r, a, b);
  }
  return unsupported('** or pow()', a, b);
}

/** Python unary `-`. */
export function neg(a: unknown): unknown {
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  if (a instanceof PyFloat) return boxedHost(PY_MUL, a, -1) ?? new PyFloat(-a.value);
  if (typeof a === 'boolean') return a ? -1 : 0;
  checkUndef(a);
  throw new PyTypeError(`bad operand type for unary -: '${typeName(a)}'`);
}

/** Python unary `+`. */
export function pos(a: unknown): unknown {
  if (typeof a === 'number' || a instanceof PyFloat) return a;
  if (typeof a === 'boolean') return a ? 1 : 0;
  checkUndef(a);
  throw new PyTypeError(`bad operand type for unary +: '${typeName(a)}'`);
}

/** Jinja `a ~ b`: string concatenation of both sides' `str()`. */
export function concat(a: unknown, b: unknown): string {
  return pyStr(a) + pyStr(b);
}

/** Python `a in b`. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      if (item instanceof Undefined) throw new UndefinedError(item.hint);
      throw new PyTypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const x of container) if (pyEq(x, item)) return true;
    return false;
  }
  if (container instanceof Undefined) return false;
  if (container instanceof Set) {
    for (const x of container) if (pyEq(x, item)) return true;
    return false;
  }
  if (isMapping(container)) return mappingHas(container, item);
  const has = hostContains(container, item);
  if (has !== undefined) return has;
  if (container !== null && typeof container === 'object' && Symbol.iterator in container) {
    for (const x of container as Iterable<unknown>) if (pyEq(x, item)) return true;
    return false;
  }
  throw new PyTypeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Comparison operators by their Jinja token name. */
export const comparisons: Record<string, (a: unknown, b: unknown) => boolean> = {
  eq: pyEq,
  ne: (a, b) => !pyEq(a, b),
  lt: (a, b) => pyCompare(a, b, 'lt') < 0,
  lteq: (a, b) => pyCompare(a, b, 'le') <= 0,
  gt: (a, b) => pyCompare(a, b, 'gt') > 0,
  gteq: (a, b) => pyCompare(a, b, 'ge') >= 0,
  in: (a, b) => contains(b, a),
  notin: (a, b) => !contains(b, a),
};

/** Binary arithmetic operators by their symbol. */
export const binaryOps: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': add,
  '-': sub,
  '*': mul,
  '/': div,
  '//': floordiv,
  '%': mod,
  '**': pow,
  '~': concat,
};
