/**
 * The host interface: `Environment` (options, globals, filters, tests, loader, compile
 * cache) and `Template` (render, module, macros, captures).
 */
import { compileTemplate, type CapturedBlock, type CompiledTemplate, type MacroInfo } from './compiler.js';
import { TemplateError } from './errors.js';
import { builtinFilters, type BuiltinFilter } from './filters.js';
import { tokenize } from './lexer.js';
import { parse, type MacroTag } from './parser.js';
import {
  Cycler,
  Frame,
  Macro,
  MacroReturn,
  Namespace,
  Out,
  RenderState,
  finishError,
  isKwargs,
  isPromise,
  makeKwargs,
  type RuntimeEnv,
  type RuntimeTemplate,
} from './runtime.js';
import { builtinTests, type BuiltinTest } from './tests.js';
import {
  PyTypeError,
  isMapping,
  mappingEntries,
  newDict,
  pyStr,
  toHost,
} from './values.js';

/**
 * A host filter: receives the value, the positional arguments, and (only when the
 * template passed keyword arguments) one last {@link Kwargs} argument. Integral floats
 * arrive as numbers, Undefined as `undefined`. May return a Promise.
 */
export type FilterFunction = (value: unknown, ...args: unknown[]) => unknown;

/** A host test, called like a {@link FilterFunction}; its result is taken for its truth. */
export type TestFunction = (value: unknown, ...args: unknown[]) => unknown;

/** Finds templates by name for `include`, `import`, `from … import` and {@link Environment.getTemplate}. */
export interface Loader {
  load(name: string): TemplateSource | null | Promise<TemplateSource | null>;
}

/** What a loader returns: the text and, optionally, the file name used in errors. */
export interface TemplateSource {
  source: string;
  filename?: string;
}

/**
 * Extra block tags (dbt's). `macro`: `{% test not_null(model) %}…{% endtest %}` defines a
 * macro named `prefix + name`. `materialization`: `{% materialization incremental, default %}` or
 * `{% materialization table, adapter='duckdb' %}` defines a macro without parameters named
 * `prefix + name + '_' + adapter` (`materialization_incremental_default`). `capture`: the body is
 * not parsed nor rendered; it is reported in {@link Template.captures}.
 */
export type BlockTagSpec = { kind: 'macro'; prefix: string } | { kind: 'materialization'; prefix: string } | { kind: 'capture' };

/** Options of an {@link Environment}. */
export interface EnvironmentOptions {
  /** Finds templates by name for include/import/from-import. */
  loader?: Loader;
  /** Remove the first newline after a block tag (Jinja2 default false). */
  trimBlocks?: boolean;
  /** Strip spaces and tabs from the start of a line up to a block tag (default false). */
  lstripBlocks?: boolean;
  /** Keep a single trailing newline of the template (default false). */
  keepTrailingNewline?: boolean;
  /** Names visible to every template, below the render context. */
  globals?: Record<string, unknown>;
  filters?: Record<string, FilterFunction>;
  tests?: Record<string, TestFunction>;
  /** dbt's extra block tags. */
  blockTags?: Record<string, BlockTagSpec>;
}

/** Options of {@link Environment.compile}. */
export interface CompileOptions {
  /** Added to line numbers (for sources cut out of a larger file). */
  lineOffset?: number;
  /** Added to column numbers of the first line. */
  columnOffset?: number;
  /** Keep the compiled template for the next compile of the same text (default true). */
  cache?: boolean;
}

function wrapHost(fn: (value: unknown, ...args: unknown[]) => unknown): BuiltinFilter {
  return (value, args, kwargs) => {
    const a: unknown[] = [toHost(value)];
    for (const x of args) a.push(toHost(x));
    if (kwargs && Object.keys(kwargs).length) a.push(makeKwargs(kwargs));
    return fn(...(a as [unknown, ...unknown[]]));
  };
}

const EMPTY_KW: Record<string, unknown> = Object.freeze(newDict()) as Record<string, unknown>;

function kwargsOf(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (isKwargs(last)) {
    return [args.slice(0, -1), last as Record<string, unknown>];
  }
  return [args, newDict()];
}

/** The default globals: range, dict, namespace, cycler, joiner. */
function defaultGlobals(): Record<string, unknown> {
  const g = newDict();
  g.range = (...args: unknown[]) => {
    const [a] = kwargsOf(args);
    const nums = a.map((x) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) {
        if (typeof x === 'boolean') return x ? 1 : 0;
        throw new PyTypeError(`'${typeof x === 'number' ? 'float' : typeof x}' object cannot be interpreted as an integer`);
      }
      return x;
    });
    let start = 0;
    let stop = 0;
    let step = 1;
    if (nums.length === 1) stop = nums[0]!;
    else if (nums.length >= 2) {
      start = nums[0]!;
      stop = nums[1]!;
      if (nums.length > 2) step = nums[2]!;
    } else throw new PyTypeError('range expected at least 1 argument, got 0');
    if (step === 0) throw new PyTypeError('range() arg 3 must not be zero');
    const out: number[] = [];
    if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
    else for (let i = start; i > stop; i += step) out.push(i);
    if (out.length > 100000) throw new Error('Range too big.');
    return out;
  };
  g.dict = (...args: unknown[]) => {
    const [a, kw] = kwargsOf(args);
    const o = newDict();
    let map: Map<unknown, unknown> | undefined;
    const put = (k: unknown, v: unknown): void => {
      if (typeof k === 'string' && !map) o[k] = v;
      else {
        map ??= new Map(Object.entries(o));
        map.set(k, v);
      }
    };
    if (a.length) {
      const src = a[0];
      if (Array.isArray(src)) for (const e of src) put((e as unknown[])[0], (e as unknown[])[1]);
      else if (isMapping(src)) for (const [k, v] of mappingEntries(src)) put(k, v);
    }
    for (const k of Object.keys(kw)) put(k, kw[k]);
    return map ?? o;
  };
  g.namespace = (...args: unknown[]) => {
    const [a, kw] = kwargsOf(args);
    const init: Record<string, unknown> = newDict();
    if (a.length && isMapping(a[0])) for (const [k, v] of mappingEntries(a[0])) init[String(k)] = v;
    for (const k of Object.keys(kw)) init[k] = kw[k];
    return new Namespace(init);
  };
  g.cycler = (...args: unknown[]) => new Cycler(kwargsOf(args)[0]);
  g.joiner = (...args: unknown[]) => {
    const [a, kw] = kwargsOf(args);
    const sep = a.length ? pyStr(a[0]) : 'sep' in kw ? pyStr(kw.sep) : ', ';
    let used = false;
    return () => {
      if (!used) {
        used = true;
        return '';
      }
      return sep;
    };
  };
  return g;
}

/** Hash of a string (FNV-1a, 32 bits), for cache keys. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + ':' + s.length;
}

/**
 * Holds the configuration shared by templates: options, globals, filters, tests, the
 * loader, and the compile cache.
 */
export class Environment implements RuntimeEnv {
  /** Names visible to every template (below the render context). */
  readonly globals: Record<string, unknown>;
  /** @internal */
  readonly filters: Record<string, BuiltinFilter>;
  /** @internal */
  readonly tests: Record<string, BuiltinTest>;
  /** @internal */
  readonly options: EnvironmentOptions;
  private readonly cache = new Map<string, { source: string; template: Template }>();
  private readonly loaded = new Map<string, Template | null | Promise<Template | null>>();
  private readonly captureTags = new Set<string>();
  private readonly macroTags = new Map<string, MacroTag>();

  constructor(options: EnvironmentOptions = {}) {
    this.options = options;
    this.globals = Object.assign(defaultGlobals(), options.globals ?? {});
    this.filters = Object.assign(newDict(), builtinFilters) as Record<string, BuiltinFilter>;
    this.tests = Object.assign(newDict(), builtinTests) as Record<string, BuiltinTest>;
    for (const [k, f] of Object.entries(options.filters ?? {})) this.addFilter(k, f);
    for (const [k, t] of Object.entries(options.tests ?? {})) this.addTest(k, t);
    for (const [tag, spec] of Object.entries(options.blockTags ?? {})) {
      if (spec.kind === 'capture') this.captureTags.add(tag);
      else this.macroTags.set(tag, { prefix: spec.prefix, header: spec.kind === 'materialization' ? 'materialization' : 'params' });
    }
  }

  /**
   * Compile a template. Cached by (source hash, name, options), so compiling the same
   * text twice is a map lookup, unless `options.cache` is false (a template used once).
   * Throws {@link TemplateSyntaxError}. Synchronous.
   */
  compile(source: string, name = '<template>', options: CompileOptions = {}): Template {
    const keep = options.cache !== false;
    const key = keep ? `${name}\0${options.lineOffset ?? 0}:${options.columnOffset ?? 0}\0${hash(source)}` : '';
    const hit = keep ? this.cache.get(key) : undefined;
    if (hit && hit.source === source) return hit.template;
    const tokens = tokenize(source, name, {
      trimBlocks: this.options.trimBlocks,
      lstripBlocks: this.options.lstripBlocks,
      keepTrailingNewline: this.options.keepTrailingNewline,
      captureTags: this.captureTags,
      lineOffset: options.lineOffset,
      columnOffset: options.columnOffset,
    });
    const tree = parse(tokens, name, source, { macroTags: this.macroTags });
    const compiled = compileTemplate(tree, name, source, this);
    const template = new Template(this, name, compiled);
    if (keep) this.cache.set(key, { source, template });
    return template;
  }

  /** Load a template through the loader (cached per name). Rejects with a TemplateError when not found. */
  async getTemplate(name: string): Promise<Template> {
    const t = await this.loadTemplate(name);
    if (!t) throw new TemplateError('jinja-runtime', `template '${name}' not found`, { name, line: 0, column: 0 });
    return t;
  }

  /** @internal Load a template; synchronous when cached or when the loader is. */
  loadTemplate(name: string): Template | null | Promise<Template | null> {
    const hit = this.loaded.get(name);
    if (hit !== undefined) return hit;
    const loader = this.options.loader;
    if (!loader) throw new Error(`template '${name}' not found (no loader)`);
    const src = loader.load(name);
    const finish = (s: TemplateSource | null): Template | null => {
      const t = s ? this.compile(s.source, s.filename ?? name) : null;
      if (t) this.loaded.set(name, t);
      else this.loaded.delete(name);
      return t;
    };
    if (isPromise(src)) {
      const p = src.then(finish, (e) => {
        this.loaded.delete(name);
        throw e;
      });
      this.loaded.set(name, p);
      return p;
    }
    return finish(src);
  }

  /** Forget loaded templates (for hosts that watch files). */
  clearCache(): void {
    this.loaded.clear();
    this.cache.clear();
  }

  /** Add or replace a global. */
  addGlobal(name: string, value: unknown): void {
    this.globals[name] = value;
  }

  /** Add or replace a filter. */
  addFilter(name: string, fn: FilterFunction): void {
    this.filters[name] = wrapHost(fn);
  }

  /** Add or replace a test. */
  addTest(name: string, fn: TestFunction): void {
    this.tests[name] = wrapHost(fn);
  }

  /** @internal */
  hasFilter(name: string): boolean {
    return name in this.filters;
  }

  /** @internal */
  hasTest(name: string): boolean {
    return name in this.tests;
  }

  /** @internal */
  callFilter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, state: RenderState): unknown {
    const f = this.filters[name];
    if (!f) throw new Error(`No filter named '${name}'.`);
    return f(value, args, kwargs ?? EMPTY_KW, state);
  }

  /** @internal */
  callTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, state: RenderState): unknown {
    const t = this.tests[name];
    if (!t) throw new Error(`No test named '${name}'.`);
    return t(value, args, kwargs ?? EMPTY_KW, state);
  }
}

/** A compiled template, bound to its environment. */
export class Template implements RuntimeTemplate {
  /** The host-supplied name (used in errors). */
  readonly name: string;
  /** @internal */
  readonly compiled: CompiledTemplate;
  private readonly env: Environment;

  /** @internal use {@link Environment.compile}. */
  constructor(env: Environment, name: string, compiled: CompiledTemplate) {
    this.env = env;
    this.name = name;
    this.compiled = compiled;
  }

  /** Top-level macros (including macro-kind block tags), known without rendering. */
  get macros(): ReadonlyArray<MacroInfo> {
    return this.compiled.macros;
  }

  /** Bodies of capture-kind block tags, in order. */
  get captures(): ReadonlyArray<CapturedBlock> {
    return this.compiled.captures;
  }

  /** @internal Run the top level into `out`; returns the root frame. */
  runRoot(ctx: object, out: Out): Frame | Promise<Frame> {
    const state = new RenderState(this.env, ctx, this.name);
    const fr = new Frame(null, state);
    return this.runWith(fr, out);
  }

  private runWith(fr: Frame, out: Out): Frame | Promise<Frame> {
    const state = fr.state;
    const c = this.compiled;
    if (!c.hasExtends) {
      for (const [n, b] of c.blocks) {
        const chain = state.blocks.get(n);
        if (chain) chain.push(b);
      }
      const r = c.root(fr, out);
      return isPromise(r) ? r.then(() => fr) : fr;
    }
    for (const [n, b] of c.blocks) {
      const chain = state.blocks.get(n);
      if (chain) chain.push(b);
      else state.blocks.set(n, [b]);
    }
    const scratch = new Out();
    const after = (): Frame | Promise<Frame> => {
      const parentName = state.extendsName;
      if (parentName === undefined) {
        out.s += scratch.s;
        return fr;
      }
      state.extendsName = undefined;
      out.s += state.preExtends;
      state.preExtends = '';
      const p = this.env.loadTemplate(parentName);
      const go = (t: Template | null): Frame | Promise<Frame> => {
        if (!t) throw new Error(`template '${parentName}' not found`);
        const pf = new Frame(fr, state);
        const r = t.runWith(pf, out);
        return isPromise(r) ? r.then(() => fr) : fr;
      };
      return isPromise(p) ? p.then(go) : go(p);
    };
    const r = c.root(fr, scratch);
    return isPromise(r) ? r.then(after) : after();
  }

  /**
   * Render with a context. A name is looked up in the template's locals, then the
   * context object (following its prototype chain, so hosts can layer contexts with
   * `Object.create()` and define lazy getters; names found only on Object.prototype are
   * undefined), then the environment's globals. A {@link MacroReturn} thrown outside any
   * macro ends the render: the result is `pyStr(value)` ('' for None/undefined).
   */
  async render(context: object = {}): Promise<string> {
    const out = new Out();
    try {
      const r = this.runRoot(context, out);
      if (isPromise(r)) await r;
      return out.s;
    } catch (e) {
      if (e instanceof MacroReturn) return e.value === null || e.value === undefined ? '' : pyStr(e.value);
      throw finishError(e);
    }
  }

  /**
   * Run the top level with `context` and return the exported names: macros as
   * {@link Macro} values and top-level `set` values (like Jinja2's `template.module`).
   */
  async module(context: object = {}): Promise<Record<string, unknown>> {
    try {
      const fr = await this.runRoot(context, new Out());
      const o = newDict();
      for (const k of Object.keys(fr.vars)) o[k] = fr.vars[k];
      return o;
    } catch (e) {
      throw finishError(e);
    }
  }

  /**
   * A top-level macro bound to `context` as its globals, without running the template's
   * top level. The other top-level macros of this template are visible to it, unless
   * `options.alone` (as dbt compiles each macro of a file on its own: every name the macro
   * uses, its siblings' and its own included, is then looked up in `context`); top-level
   * `set` values are not. Throws a TemplateError if there is no such macro.
   */
  macro(name: string, context: object, options?: { alone?: boolean }): Macro {
    const def = this.compiled.macroDefs.get(name);
    if (!def) throw new TemplateError('jinja-runtime', `template '${this.name}' has no macro '${name}'`, { name: this.name, line: 0, column: 0 });
    const fr = new Frame(null, new RenderState(this.env, context, this.name));
    if (options?.alone) return new Macro(def, fr);
    for (const [n, d] of this.compiled.macroDefs) fr.vars[n] = new Macro(d, fr);
    return fr.vars[name] as Macro;
  }
}

export type { MacroInfo, CapturedBlock };
