/**
 * The runtime: scopes (frames), the per-render state, macros, `MacroReturn`, keyword
 * arguments for host functions, loop contexts, and the safe attribute/item lookup and
 * call machinery every compiled closure goes through.
 *
 * Closures return a value or a Promise of one; a Promise appears only when a host
 * function (or a loader) returned one, so the common case stays synchronous.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TemplateError } from './errors.js';
import { dictMethods, listMethods, strMethods, type PyMethod } from './methods.js';
import {
  PY_GETITEM,
  PyFloat,
  PyTypeError,
  Undefined,
  UndefinedError,
  isMapping,
  isPlainObject,
  isTuple,
  makeTuple,
  mappingGet,
  mappingHas,
  newDict,
  num,
  pyRepr,
  reprHooks,
  toHost,
  toList,
  typeName,
} from './values.js';

/** Is `v` a native Promise (the only kind of thenable the engine awaits)? */
export function isPromise(v: unknown): v is Promise<unknown> {
  return v instanceof Promise;
}

/** Output buffer of a render or of a captured block. */
export class Out {
  s = '';
}

/** Loop control signals returned by statement closures. */
export const BREAK = 1;
export const CONTINUE = 2;
/** What a statement closure returns: nothing, or a loop-control signal. */
export type Signal = undefined | typeof BREAK | typeof CONTINUE;

/** Host-visible interface of an environment, as the runtime needs it. */
export interface RuntimeEnv {
  readonly globals: Record<string, unknown>;
  /** Load (and compile) a template by name; sync when cached or when the loader is sync. */
  loadTemplate(name: string, from: string): RuntimeTemplate | null | Promise<RuntimeTemplate | null>;
  callFilter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, state: RenderState): unknown;
  callTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, state: RenderState): unknown;
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

/** Host-visible interface of a compiled template, as the runtime needs it. */
export interface RuntimeTemplate {
  readonly name: string;
  /** Run the top level into `out` with a root frame over `ctx`; returns the root frame. */
  runRoot(ctx: object, out: Out, parentState?: RenderState): Frame | Promise<Frame>;
}

/** Per-render state shared by all frames of one template run. */
export class RenderState {
  /** Module cache for `import` within this render. */
  imports = new Map<string, Record<string, unknown>>();
  /** Blocks for template inheritance: name → chain of block renderers (child first). */
  blocks: Map<string, Array<(fr: Frame, out: Out) => Signal | Promise<Signal>>> = new Map();
  /** Set by `{% extends %}`: the parent template to render after the top level. */
  extendsName: string | undefined;
  /** Output rendered before `{% extends %}` (kept, as Jinja2 does). */
  preExtends = '';
  constructor(
    readonly env: RuntimeEnv,
    readonly ctx: object,
    readonly templateName: string,
  ) {}
}

/** A scope: local variables, then the parent scope, then the context, then globals. */
export class Frame {
  vars: Record<string, unknown> = newDict();
  constructor(
    readonly parent: Frame | null,
    readonly state: RenderState,
  ) {}
}

const OBJECT_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** Read `name` from a host context object, following its prototype chain but never Object.prototype. */
export function contextGet(ctx: object, name: string): unknown {
  if (OBJECT_NAMES.has(name)) {
    if (FORBIDDEN.has(name)) return undefined;
    for (let o: object | null = ctx; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      if (Object.prototype.hasOwnProperty.call(o, name)) return Reflect.get(o, name, ctx);
    }
    return undefined;
  }
  return (ctx as Record<string, unknown>)[name];
}

/** Resolve a name: frames, then the render context, then the environment's globals. */
export function lookup(fr: Frame, name: string): unknown {
  for (let f: Frame | null = fr; f; f = f.parent) {
    const v = f.vars[name];
    if (v !== undefined) return v;
    if (name in f.vars) return new Undefined(`'${name}' is undefined`);
  }
  const st = fr.state;
  const v = contextGet(st.ctx, name);
  if (v !== undefined) return v;
  const g = st.env.globals[name];
  if (g !== undefined) return g;
  return new Undefined(`'${name}' is undefined`, true);
}

/** Set a variable in the frame. */
export function assign(fr: Frame, name: string, value: unknown): void {
  fr.vars[name] = value;
}

// ---------------------------------------------------------------- Kwargs

const kwargsBrand = new WeakSet<object>();

/**
 * Keyword arguments handed to a host function: when a template calls a host JS function
 * with keyword arguments, the function receives the positional arguments followed by ONE
 * extra last argument, a null-prototype object of name → value branded as Kwargs
 * (`isKwargs(x)` or `x instanceof Kwargs` tell it apart). No keyword arguments → no extra argument.
 */
export class Kwargs {
  [name: string]: unknown;
  private constructor() {}
  static [Symbol.hasInstance](v: unknown): boolean {
    return typeof v === 'object' && v !== null && kwargsBrand.has(v);
  }
}

/** Brand a null-prototype object as {@link Kwargs}. */
export function makeKwargs(values: Record<string, unknown>): Kwargs {
  const o = newDict();
  for (const k in values) o[k] = toHost(values[k]);
  kwargsBrand.add(o);
  return o as Kwargs;
}

/** Is `v` a {@link Kwargs} object? */
export function isKwargs(v: unknown): v is Kwargs {
  return typeof v === 'object' && v !== null && kwargsBrand.has(v);
}

// ---------------------------------------------------------------- MacroReturn

/**
 * A host function throws this to end the innermost running macro; the macro's caller
 * receives `value` as is (dbt's `{{ return(x) }}`: a list, dict, relation…).
 * Thrown at the top level of a template (outside any macro), `render()` discards the
 * text rendered so far and returns `pyStr(value)` (`''` for None/undefined).
 */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

// ---------------------------------------------------------------- Macro

/** Parameter description of a macro. */
export interface MacroParam {
  name: string;
  /** Evaluates the default in the macro's new frame; null when the parameter has none. */
  default: ((fr: Frame) => unknown) | null;
}

/** The compiled parts of a macro definition. */
export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: (fr: Frame, out: Out) => Signal | Promise<Signal>;
  catchVarargs: boolean;
  catchKwargs: boolean;
  usesCaller: boolean;
  /** `file:line:column` of the definition. */
  where: string;
}

/** What a template's macro is, seen from TypeScript (and from templates). */
export class Macro {
  /** The macro's name. */
  readonly name: string;
  /** @internal */
  readonly def: MacroDef;
  /** @internal */
  readonly closure: Frame;

  /** @internal use {@link Template.macro} or a module's exports to get one. */
  constructor(def: MacroDef, closure: Frame) {
    this.name = def.name;
    this.def = def;
    this.closure = closure;
  }

  /** Parameter names in order. */
  get arguments(): string[] {
    return this.def.params.map((p) => p.name);
  }

  /**
   * Call it. Resolves to the rendered text (string) or, if the macro was ended by a
   * {@link MacroReturn}, that value as is. Errors are {@link TemplateError}s.
   */
  async call(args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    try {
      const kw = newDict();
      for (const k of Object.keys(kwargs)) kw[k] = kwargs[k];
      return await this.invoke(args, kw);
    } catch (e) {
      throw finishError(e);
    }
  }

  /** @internal Call from the engine; may return a Promise. `kwargs` is consumed. */
  invoke(args: unknown[], kwargs: Record<string, unknown> | null): unknown {
    const def = this.def;
    const params = def.params;
    if (args.length > params.length && !def.catchVarargs) {
      throw new PyTypeError(`macro '${def.name}' takes not more than ${params.length} argument(s)`);
    }
    const fr = new Frame(this.closure, this.closure.state);
    const vars = fr.vars;
    let pending: Promise<unknown> | undefined;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (i < args.length) {
        if (kwargs && p.name in kwargs) throw new PyTypeError(`macro '${def.name}' got multiple values for argument '${p.name}'`);
        vars[p.name] = args[i];
      } else if (kwargs && p.name in kwargs) {
        vars[p.name] = kwargs[p.name];
        delete kwargs[p.name];
      } else if (p.default) {
        if (pending) {
          const d = p.default;
          pending = pending.then(() => d(fr)).then((v) => {
            vars[p.name] = v;
          });
        } else {
          const v = p.default(fr);
          if (isPromise(v)) pending = v.then((x) => (vars[p.name] = x));
          else vars[p.name] = v;
        }
      } else {
        vars[p.name] = new Undefined(`parameter '${p.name}' was not provided`);
      }
    }
    if (def.usesCaller) {
      const c = kwargs?.caller;
      vars.caller = c === undefined ? new Undefined("'caller' is undefined") : c;
      if (kwargs) delete kwargs.caller;
    }
    if (def.catchVarargs) vars.varargs = makeTuple(args.length > params.length ? args.slice(params.length) : []);
    if (def.catchKwargs) {
      const kw = newDict();
      if (kwargs) for (const k in kwargs) kw[k] = kwargs[k];
      vars.kwargs = kw;
    } else if (kwargs) {
      for (const k in kwargs) {
        if (k === 'caller') throw new PyTypeError(`macro '${def.name}' was invoked with two values for the special caller argument`);
        throw new PyTypeError(`macro '${def.name}' takes no keyword argument '${k}'`);
      }
    }
    if (pending) return pending.then(() => this.runBody(fr));
    return this.runBody(fr);
  }

  private runBody(fr: Frame): unknown {
    const out = new Out();
    let r: Signal | Promise<Signal>;
    try {
      r = this.def.body(fr, out);
    } catch (e) {
      return this.unwind(e);
    }
    if (isPromise(r)) return r.then(() => out.s, (e) => this.unwind(e));
    return out.s;
  }

  private unwind(e: unknown): unknown {
    if (e instanceof MacroReturn) return e.value;
    if (e instanceof TemplateError) {
      if (e.pending !== undefined) {
        e.chain.push(`in macro ${this.def.name} at ${e.pending}`);
        e.pending = undefined;
      }
    }
    throw e;
  }
}

reprHooks.push((v) => {
  if (v instanceof Macro) return `<Macro '${v.name}'>`;
  if (v instanceof LoopContext) return `<LoopContext ${v.index0 + 1}/${v.length}>`;
  if (v instanceof Namespace) {
    const o = newDict();
    for (const k of Object.keys(v)) o[k] = (v as unknown as Record<string, unknown>)[k];
    return `<Namespace ${pyRepr(o)}>`;
  }
  if (v instanceof BoundMethod) return `<built-in method ${v.name} of ${typeName(v.self)} object>`;
  return undefined;
});

/** Close an error's macro chain as it leaves the engine. */
export function finishError(e: unknown): unknown {
  if (e instanceof TemplateError) return e.finish();
  return e;
}

// ---------------------------------------------------------------- namespace, loop, cycler, joiner

/** `namespace(...)`: an object whose attributes can be set with `{% set ns.x = … %}`. */
export class Namespace {
  constructor(init?: Record<string, unknown>) {
    if (init) {
      for (const k of Object.keys(init)) Object.defineProperty(this, k, { value: init[k], writable: true, enumerable: true, configurable: true });
    }
  }
}

/** The `loop` variable of a `for` loop. */
const noMore = (): boolean => false;

export class LoopContext {
  index0 = -1;
  /** @internal */
  private lastChanged: unknown[] | undefined;
  /**
   * `items` are the iterations known so far. Under a loop filter (`for x in xs if …`) they are
   * found one at a time, as the loop reaches them (the filter may read what earlier iterations
   * set, as in Jinja2); `more` finds the next one, for the attributes that look ahead
   * (`last`, `nextitem`, `length`, `revindex`), and returns false when there is none.
   */
  constructor(
    private readonly items: unknown[],
    readonly depth0: number,
    /** @internal renders the loop body for `loop(children)` in recursive loops. */
    readonly recurse: ((iterable: unknown) => unknown) | null,
    private readonly more: () => boolean = noMore,
  ) {}
  private all(): unknown[] {
    while (this.more());
    return this.items;
  }
  /** Whether there is an iteration after the current one. */
  private hasNext(): boolean {
    return this.index0 + 1 < this.items.length || this.more();
  }
  get length(): number {
    return this.all().length;
  }
  get index(): number {
    return this.index0 + 1;
  }
  get revindex(): number {
    return this.all().length - this.index0;
  }
  get revindex0(): number {
    return this.all().length - this.index0 - 1;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return !this.hasNext();
  }
  get depth(): number {
    return this.depth0 + 1;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this.items[this.index0 - 1] : new Undefined("there is no previous item");
  }
  get nextitem(): unknown {
    return this.hasNext() ? this.items[this.index0 + 1] : new Undefined('there is no next item');
  }
  /** `loop.cycle(a, b, …)`: the argument at the current index modulo their number. */
  cycle(...args: unknown[]): unknown {
    if (!args.length) throw new PyTypeError('no items for cycling given');
    return args[this.index0 % args.length];
  }
  /** `loop.changed(x)`: true when the arguments differ from the previous call's. */
  changed(...args: unknown[]): boolean {
    const same = this.lastChanged !== undefined && this.lastChanged.length === args.length &&
      this.lastChanged.every((x, i) => pyRepr(x) === pyRepr(args[i]));
    this.lastChanged = args;
    return !same;
  }
}

/** `cycler(a, b, …)`. */
export class Cycler {
  pos = 0;
  constructor(private readonly items: unknown[]) {}
  get current(): unknown {
    return this.items[this.pos];
  }
  next(): unknown {
    const v = this.items[this.pos];
    this.pos = (this.pos + 1) % this.items.length;
    return v;
  }
  reset(): void {
    this.pos = 0;
  }
}

/** A bound Python method of a builtin value (`'a'.upper`). */
export class BoundMethod {
  constructor(
    readonly self: unknown,
    readonly fn: PyMethod,
    readonly name: string,
  ) {}
}

/**
 * Renders inside {@link withChainableUndefined} treat an undefined value as dbt treats it while
 * parsing (Jinja2's ChainableUndefined, with calls too): taking an attribute or item of it, or
 * calling it, gives it back instead of raising; printing, iterating and `length` behave as usual.
 */
const chainableUndefined = new AsyncLocalStorage<boolean>();

/** Run `fn` (a render) with chainable undefined values; see {@link chainableUndefined}. */
export function withChainableUndefined<T>(fn: () => Promise<T>): Promise<T> {
  return chainableUndefined.run(true, fn);
}

/**
 * The undefined value a chainable render gives back for `obj`; null when it raises: outside
 * {@link withChainableUndefined}, and for a name the context lacks (`unknown_macro()`,
 * `pkg.macro` without the package), which Strata reports at parse where dbt waits for compile.
 */
function chained(obj: unknown): Undefined | null {
  if (chainableUndefined.getStore() !== true || !(obj instanceof Undefined) || obj.missingName) return null;
  return obj;
}

// ---------------------------------------------------------------- attribute / item lookup

function missingAttr(obj: unknown, name: unknown): Undefined {
  if (obj === null) return new Undefined(`'None' has no attribute '${String(name)}'`);
  if (typeof name !== 'string') return new Undefined(`${typeName(obj)} object has no element ${pyRepr(name)}`);
  return new Undefined(`'${typeName(obj)} object' has no attribute '${name}'`);
}

/**
 * Look `name` up on a host object without reaching JS internals; `undefined` when missing.
 * On a function, only its own enumerable properties (ones the host attached, such as
 * dbt's `config.get`) are visible: never `call`, `apply`, `bind`, `name`, `prototype`…
 */
export function hostGet(obj: object, name: string): unknown {
  if (FORBIDDEN.has(name)) return undefined;
  if (typeof obj === 'function') {
    return Object.prototype.propertyIsEnumerable.call(obj, name) ? (obj as unknown as Record<string, unknown>)[name] : undefined;
  }
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o)) {
    if (o === Object.prototype || o === Function.prototype || o === Array.prototype) return undefined;
    if (Object.prototype.hasOwnProperty.call(o, name)) return Reflect.get(o, name, obj);
  }
  return undefined;
}

/** Find a Python method for a builtin value; undefined if none. */
export function pyMethod(obj: unknown, name: string): PyMethod | undefined {
  if (typeof obj === 'string') return strMethods[name];
  if (Array.isArray(obj)) return listMethods[name];
  if (isMapping(obj)) return dictMethods[name];
  return undefined;
}

/** `obj.name` with Jinja's rules: attribute (Python methods of builtins), then item. */
export function getAttr(obj: unknown, name: string): unknown {
  if (obj === undefined || obj instanceof Undefined) {
    const c = chained(obj);
    if (c) return c;
  }
  if (obj === undefined) throw new UndefinedError(`'${name}' is undefined`);
  if (obj instanceof Undefined) throw new UndefinedError(obj.hint);
  if (obj === null || typeof obj !== 'object') {
    if (typeof obj === 'string') {
      const m = strMethods[name];
      return m ? new BoundMethod(obj, m, name) : missingAttr(obj, name);
    }
    if (typeof obj === 'function') {
      const v = hostGet(obj, name);
      if (v === undefined) return missingAttr(obj, name);
      return typeof v === 'function' ? bindHost(v, obj) : v;
    }
    return missingAttr(obj, name);
  }
  if (Array.isArray(obj)) {
    const m = listMethods[name];
    if (m) return new BoundMethod(obj, m, name);
    if (isTuple(obj) && obj.length === 2 && (name === 'grouper' || name === 'list')) return obj[name === 'grouper' ? 0 : 1];
    return missingAttr(obj, name);
  }
  if (obj instanceof Map) {
    const m = dictMethods[name];
    if (m) return new BoundMethod(obj, m, name);
    return obj.has(name) ? obj.get(name) : missingAttr(obj, name);
  }
  if (isPlainObject(obj)) {
    const v = FORBIDDEN.has(name) ? undefined : Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined;
    if (typeof v === 'function') return bindHost(v, obj);
    const m = dictMethods[name];
    if (m) return new BoundMethod(obj, m, name);
    if (v !== undefined) return v;
    return missingAttr(obj, name);
  }
  if (obj instanceof Macro) {
    switch (name) {
      case 'name':
        return obj.name;
      case 'arguments':
        return makeTuple(obj.arguments);
      case 'catch_kwargs':
        return obj.def.catchKwargs;
      case 'catch_varargs':
        return obj.def.catchVarargs;
      case 'caller':
        return obj.def.usesCaller;
      default:
        return missingAttr(obj, name);
    }
  }
  if (obj instanceof PyFloat) return missingAttr(obj, name);
  const v = hostGet(obj, name);
  if (v === undefined) {
    // Jinja2: an attribute the object lacks is looked up as an item (an agate row's `row.name`)
    const item = hostItem(obj, name);
    return item === undefined ? missingAttr(obj, name) : item;
  }
  if (typeof v === 'function') return bindHost(v, obj);
  return v;
}

/** `obj[key]` through a host object's {@link PY_GETITEM}; undefined when it has none or no such item. */
function hostItem(obj: object, key: unknown): unknown {
  const f = (obj as { [PY_GETITEM]?: unknown })[PY_GETITEM];
  return typeof f === 'function' ? (f as (k: unknown) => unknown).call(obj, key) : undefined;
}

/** Is `obj` a host sequence: indexable through {@link PY_GETITEM} and iterable? */
function isHostSequence(obj: unknown): obj is Iterable<unknown> {
  return obj !== null && typeof obj === 'object' && typeof (obj as { [PY_GETITEM]?: unknown })[PY_GETITEM] === 'function' && Symbol.iterator in obj;
}

/**
 * A host function read as an attribute, bound to its object. A callable that has attributes
 * (own enumerable properties, e.g. a class with its class methods) keeps them.
 */
function bindHost(fn: Function, obj: object): unknown {
  const bound: unknown = fn.bind(obj);
  const keys = Object.keys(fn);
  return keys.length ? Object.assign(bound as object, fn) : bound;
}

function normIndex(i: unknown): number | undefined {
  if (typeof i === 'number' && Number.isInteger(i)) return i;
  if (typeof i === 'boolean') return i ? 1 : 0;
  return undefined;
}

/** Python slicing of a list or string. */
export function sliceValue(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const st = step === null || step === undefined || step instanceof Undefined ? 1 : num(step);
  if (st === 0) throw new PyValueError0('slice step cannot be zero');
  const isStr = typeof obj === 'string';
  const hostSeq = !isStr && !Array.isArray(obj) && isHostSequence(obj);
  const arr: unknown[] = isStr ? Array.from(obj as string) : Array.isArray(obj) ? obj : hostSeq ? toList(obj) : [];
  if (!isStr && !Array.isArray(obj) && !hostSeq) {
    if (obj instanceof Undefined) throw new UndefinedError(obj.hint);
    throw new PyTypeError(`'${typeName(obj)}' object is not subscriptable`);
  }
  const n = arr.length;
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined || v instanceof Undefined) return dflt;
    let x = num(v);
    if (x < 0) x += n;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, n);
    const b = norm(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(arr[i]);
  } else {
    const a = norm(start, n - 1, -1, n - 1);
    const b = norm(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(arr[i]);
  }
  if (isStr) return out.join('');
  return isTuple(obj) || hostSeq ? makeTuple(out) : out;
}

class PyValueError0 extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** `obj[key]` with Jinja's rules: item, then attribute for string keys. */
export function getItem(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj instanceof Undefined) {
    const c = chained(obj);
    if (c) return c;
  }
  if (obj === undefined) throw new UndefinedError('value is undefined');
  if (obj instanceof Undefined) throw new UndefinedError(obj.hint);
  if (Array.isArray(obj) || typeof obj === 'string') {
    let i = normIndex(key);
    if (i !== undefined) {
      const n = typeof obj === 'string' ? obj.length : obj.length;
      if (i < 0) i += n;
      if (i >= 0 && i < n) return obj[i];
      return missingAttr(obj, key);
    }
    if (typeof key === 'string') return getAttr(obj, key);
    return missingAttr(obj, key);
  }
  if (obj === null || typeof obj !== 'object') return missingAttr(obj, key);
  if (obj instanceof Map || isPlainObject(obj)) {
    if (key instanceof PyFloat) key = key.value;
    if (mappingHas(obj, key) && !(typeof key === 'string' && FORBIDDEN.has(key))) return mappingGet(obj, key);
    if (typeof key === 'string') return getAttr(obj, key);
    return missingAttr(obj, key);
  }
  const item = hostItem(obj, key);
  if (item !== undefined) return item;
  if (typeof key === 'string') return getAttr(obj, key);
  return missingAttr(obj, key);
}

// ---------------------------------------------------------------- calls

/**
 * A host object that is also callable from templates (dbt's `config(...)` with
 * `config.get(...)`): put the call implementation under this symbol. (A function with
 * properties attached by the host works too: its own enumerable properties are visible.)
 */
export const CALL: unique symbol = Symbol.for('strata.jinja.call');

function hostCall(fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[], kwargs: Record<string, unknown> | null): unknown {
  const hostArgs: unknown[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) hostArgs[i] = toHost(args[i]);
  if (kwargs) {
    for (const _ in kwargs) {
      hostArgs.push(makeKwargs(kwargs));
      break;
    }
  }
  return Reflect.apply(fn, self, hostArgs);
}

/**
 * Call a value from a template: a Macro, a bound Python method, the loop (recursive
 * loops), or a host JS function (positional args, then a Kwargs object if any keyword
 * arguments; `this` is `self` for methods). The result may be a Promise.
 */
export function callValue(fn: unknown, self: unknown, args: unknown[], kwargs: Record<string, unknown> | null): unknown {
  if (fn instanceof Macro) return fn.invoke(args, kwargs);
  if (fn instanceof BoundMethod) return fn.fn(fn.self, args, kwargs ?? EMPTY_KW);
  if (typeof fn === 'function') return hostCall(fn as (...a: unknown[]) => unknown, self, args, kwargs);
  if (fn !== null && typeof fn === 'object' && typeof (fn as { [CALL]?: unknown })[CALL] === 'function') {
    return hostCall((fn as { [CALL]: (...a: unknown[]) => unknown })[CALL], fn, args, kwargs);
  }
  if (fn instanceof LoopContext) {
    if (!fn.recurse) throw new PyTypeError('Tried to call non recursive loop.  Maybe you forgot the \'recursive\' modifier.');
    return fn.recurse(args[0]);
  }
  if (fn === undefined || fn instanceof Undefined) {
    const c = chained(fn);
    if (c) return c;
  }
  if (fn instanceof Undefined) throw new UndefinedError(fn.hint);
  if (fn === undefined) throw new UndefinedError('value is undefined');
  throw new PyTypeError(`'${typeName(fn)}' object is not callable`);
}

const EMPTY_KW: Record<string, unknown> = Object.freeze(newDict()) as Record<string, unknown>;

/** Call `obj.name(...)`: Python methods of builtins, then host methods with `this` bound. */
export function callMethod(obj: unknown, name: string, args: unknown[], kwargs: Record<string, unknown> | null): unknown {
  if (typeof obj === 'string') {
    const m = strMethods[name];
    if (m) return m(obj, args, kwargs ?? EMPTY_KW);
  } else if (Array.isArray(obj)) {
    const m = listMethods[name];
    if (m) return m(obj, args, kwargs ?? EMPTY_KW);
  } else if (obj !== null && typeof obj === 'object' && !(obj instanceof Undefined)) {
    if (isPlainObject(obj)) {
      const v = FORBIDDEN.has(name) ? undefined : Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined;
      if (typeof v === 'function') return callValue(v, obj, args, kwargs);
      const m = dictMethods[name];
      if (m) return m(obj, args, kwargs ?? EMPTY_KW);
      if (v !== undefined) return callValue(v, obj, args, kwargs);
    } else if (obj instanceof Map) {
      const m = dictMethods[name];
      if (m) return m(obj, args, kwargs ?? EMPTY_KW);
    } else if (!(obj instanceof Macro) && !(obj instanceof PyFloat)) {
      const v = hostGet(obj, name);
      if (v !== undefined) return callValue(v, obj, args, kwargs);
    }
  } else if (typeof obj === 'function') {
    const v = hostGet(obj, name);
    if (v !== undefined) return callValue(v, obj, args, kwargs);
  }
  return callValue(getAttr(obj, name), obj, args, kwargs);
}

/** Is `v` callable from a template? */
export function isCallable(v: unknown): boolean {
  return (
    typeof v === 'function' || v instanceof Macro || v instanceof BoundMethod || (v instanceof LoopContext && v.recurse !== null) ||
    (v !== null && typeof v === 'object' && typeof (v as { [CALL]?: unknown })[CALL] === 'function')
  );
}

/** Unpack a value into `n` targets. */
export function unpack(v: unknown, n: number): unknown[] {
  let items: unknown[];
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') items = Array.from(v);
  else if (v instanceof Map) items = [...v.keys()];
  else if (isPlainObject(v)) items = Object.keys(v);
  else if (v instanceof Undefined) throw new UndefinedError(v.hint);
  else if (v !== null && typeof v === 'object' && Symbol.iterator in v) items = toList(v);
  else throw new PyTypeError(`cannot unpack non-iterable ${typeName(v)} object`);
  if (items.length !== n) {
    if (items.length > n) throw new PyValueError0(`too many values to unpack (expected ${n})`);
    throw new PyValueError0(`not enough values to unpack (expected ${n}, got ${items.length})`);
  }
  return items;
}
