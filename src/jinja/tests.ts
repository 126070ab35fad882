/**
 * Built-in tests (`x is defined`, `n is divisibleby 3`, …), with Jinja2's names and aliases.
 */
import { contains } from './operators.js';
import { isCallable, type RenderState } from './runtime.js';
import {
  PY_GETITEM,
  PY_LEN,
  PyFloat,
  Undefined,
  isAnyMapping,
  isFloat,
  isMapping,
  isNumber,
  num,
  pyCompare,
  pyEq,
} from './values.js';

/** A built-in test: value, positional arguments, keyword arguments, render state. */
export type BuiltinTest = (value: unknown, args: unknown[], kwargs: Record<string, unknown>, state: RenderState) => unknown;

const isUndef = (v: unknown): boolean => v === undefined || v instanceof Undefined;
const hostHas = (v: unknown, sym: symbol): boolean => v !== null && typeof v === 'object' && typeof (v as Record<symbol, unknown>)[sym] === 'function';

const eq: BuiltinTest = (v, a) => pyEq(v, a[0]);
const ne: BuiltinTest = (v, a) => !pyEq(v, a[0]);
const lt: BuiltinTest = (v, a) => pyCompare(v, a[0], 'lt') < 0;
const le: BuiltinTest = (v, a) => pyCompare(v, a[0], 'le') <= 0;
const gt: BuiltinTest = (v, a) => pyCompare(v, a[0], 'gt') > 0;
const ge: BuiltinTest = (v, a) => pyCompare(v, a[0], 'ge') >= 0;

/** The built-in tests by name. */
export const builtinTests: Record<string, BuiltinTest> = Object.assign(Object.create(null), {
  defined: (v: unknown) => !isUndef(v),
  undefined: (v: unknown) => isUndef(v),
  none: (v: unknown) => v === null,
  boolean: (v: unknown) => typeof v === 'boolean',
  false: (v: unknown) => v === false,
  true: (v: unknown) => v === true,
  integer: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  float: (v: unknown) => isFloat(v),
  number: (v: unknown) => isNumber(v) || typeof v === 'boolean',
  string: (v: unknown) => typeof v === 'string',
  mapping: (v: unknown) => isAnyMapping(v),
  // Jinja2's: has a length and items (a host object through PY_LEN and PY_GETITEM, as an agate row)
  sequence: (v: unknown) => typeof v === 'string' || Array.isArray(v) || isMapping(v) || v instanceof Undefined || (hostHas(v, PY_LEN) && hostHas(v, PY_GETITEM)),
  iterable: (v: unknown) =>
    typeof v === 'string' || Array.isArray(v) || isMapping(v) || v instanceof Undefined ||
    (typeof v === 'object' && v !== null && !(v instanceof Undefined) && Symbol.iterator in v),
  callable: (v: unknown) => isCallable(v),
  sameas: (v: unknown, a: unknown[]) => v === a[0] || (v instanceof PyFloat && a[0] instanceof PyFloat && v.value === a[0].value),
  escaped: () => false,
  lower: (v: unknown) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v: unknown) => typeof v === 'string' && v === v.toUpperCase(),
  odd: (v: unknown) => Math.abs(num(v) % 2) === 1,
  even: (v: unknown) => num(v) % 2 === 0,
  divisibleby: (v: unknown, a: unknown[]) => num(v) % num(a[0]) === 0,
  in: (v: unknown, a: unknown[]) => contains(a[0], v),
  filter: (v: unknown, _a: unknown[], _k: Record<string, unknown>, st: RenderState) => typeof v === 'string' && st.env.hasFilter(v),
  test: (v: unknown, _a: unknown[], _k: Record<string, unknown>, st: RenderState) => typeof v === 'string' && st.env.hasTest(v),
  eq, equalto: eq, '==': eq,
  ne, '!=': ne,
  lt, lessthan: lt, '<': lt,
  le, '<=': le,
  gt, greaterthan: gt, '>': gt,
  ge, '>=': ge,
});
