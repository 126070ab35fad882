/**
 * The compiler: syntax tree → JavaScript closures. Each expression becomes
 * `(frame) => value | Promise<value>` and each statement `(frame, out) => signal | Promise`.
 * A Promise only appears when a host function or loader returned one; every closure
 * takes the synchronous path otherwise, so plain templates never touch the microtask queue.
 */
import { StrataError } from '../errors.js';
import type { CallArgs, Expr, Param, Pos, Stmt, Target, TemplateNode } from './ast.js';
import { TemplateError, TemplateSyntaxError } from './errors.js';
import { binaryOps, comparisons, neg, pos } from './operators.js';
import {
  BREAK,
  CONTINUE,
  Frame,
  LoopContext,
  Macro,
  MacroReturn,
  Namespace,
  Out,
  callMethod,
  callValue,
  getAttr,
  getItem,
  isPromise,
  lookup,
  sliceValue,
  unpack,
  type MacroDef,
  type MacroParam,
  type RenderState,
  type RuntimeEnv,
  type RuntimeTemplate,
  type Signal,
} from './runtime.js';
import {
  PyTypeError,
  Undefined,
  isMapping,
  makeTuple,
  mappingEntries,
  newDict,
  pyStr,
  toList,
  truthy,
} from './values.js';

/** An expression closure. */
export type ExprFn = (fr: Frame) => unknown;
/** A statement closure. */
export type StmtFn = (fr: Frame, out: Out) => Signal | Promise<Signal>;

/** Static description of a top-level macro. */
export interface MacroInfo {
  name: string;
  params: Array<{ name: string; hasDefault: boolean }>;
  line: number;
}

/** A capture-kind block found in a template. */
export interface CapturedBlock {
  tag: string;
  name: string;
  /** Raw text after the name, e.g. `, adapter='duckdb'`. */
  args: string;
  /** Raw inner text. */
  source: string;
  /** Position of the first character of `source`. */
  line: number;
  column: number;
}

/** What compiling a template produces. */
export interface CompiledTemplate {
  root: StmtFn;
  macros: MacroInfo[];
  macroDefs: Map<string, MacroDef>;
  captures: CapturedBlock[];
  /** Blocks defined at any level, for template inheritance. */
  blocks: Map<string, StmtFn>;
  hasExtends: boolean;
}

/** What the compiler needs from the environment. */
export interface CompilerEnv {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

const EMPTY_ARGS: unknown[] = [];

interface ArgPack {
  args: unknown[];
  kwargs: Record<string, unknown> | null;
}

const toStr = (v: unknown): string => (typeof v === 'string' ? v : pyStr(v));

/** Evaluate closures in order; a Promise only if one of them returned one. */
function evalList(fns: ExprFn[], fr: Frame): unknown[] | Promise<unknown[]> {
  const n = fns.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = fns[i]!(fr);
    if (isPromise(v)) return evalListAsync(fns, fr, out, i, v);
    out[i] = v;
  }
  return out;
}

async function evalListAsync(fns: ExprFn[], fr: Frame, out: unknown[], i: number, p: Promise<unknown>): Promise<unknown[]> {
  out[i] = await p;
  for (let j = i + 1; j < fns.length; j++) out[j] = await fns[j]!(fr);
  return out;
}

/** Run statements in order, switching to a Promise chain only when one returns a Promise. */
function runSeq(stmts: StmtFn[], i: number, fr: Frame, out: Out): Signal | Promise<Signal> {
  for (; i < stmts.length; i++) {
    const r = stmts[i]!(fr, out);
    if (r !== undefined) {
      if (isPromise(r)) {
        const next = i + 1;
        return r.then((sig) => (sig !== undefined ? sig : runSeq(stmts, next, fr, out)));
      }
      return r;
    }
  }
  return undefined;
}

function then<T>(v: unknown, f: (x: unknown) => T): T | Promise<T> {
  return isPromise(v) ? v.then(f) : f(v);
}

/** Find which of `names` an AST body reads (not descending into nested macros). */
function findNames(body: Stmt[], names: string[]): Set<string> {
  const found = new Set<string>();
  const want = new Set(names);
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as { kind?: string; name?: string };
    if (node.kind === 'macro') return;
    if (node.kind === 'name' && typeof node.name === 'string' && want.has(node.name)) found.add(node.name);
    for (const k of Object.keys(node)) {
      if (k === 'kind' || k === 'line' || k === 'column') continue;
      visit((node as Record<string, unknown>)[k]);
    }
  };
  visit(body);
  return found;
}

/** Compile a parsed template. Throws {@link TemplateSyntaxError} for unknown filters/tests. */
export function compileTemplate(tree: TemplateNode, name: string, source: string, env: CompilerEnv): CompiledTemplate {
  return new Compiler(name, source, env).compile(tree);
}

class Compiler {
  private hole: ExprFn | null = null;
  private macros: MacroInfo[] = [];
  private macroDefs = new Map<string, MacroDef>();
  private captures: CapturedBlock[] = [];
  private blocks = new Map<string, StmtFn>();
  private hasExtends = false;

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly env: CompilerEnv,
  ) {}

  compile(tree: TemplateNode): CompiledTemplate {
    const root = this.body(tree.body, true);
    return {
      root,
      macros: this.macros,
      macroDefs: this.macroDefs,
      captures: this.captures,
      blocks: this.blocks,
      hasExtends: this.hasExtends,
    };
  }

  // ------------------------------------------------------------ errors

  private annotate(e: unknown, node: Pos): unknown {
    if (e instanceof MacroReturn) return e;
    if (e instanceof TemplateError) {
      if (e.pending === undefined) e.pending = `${this.name}:${node.line}:${node.column}`;
      return e;
    }
    const msg = e instanceof Error ? e.message : String(e);
    // A host's own user-facing error keeps its code and hint, and gains the template position.
    const host = e instanceof StrataError ? e : undefined;
    return new TemplateError(host?.code ?? 'jinja-runtime', msg, {
      name: this.name,
      line: node.line,
      column: node.column,
      source: this.source,
      hint: host?.hint,
      cause: e,
    });
  }

  /** Wrap a closure so errors get this node's position. */
  private guard(fn: ExprFn, node: Pos): ExprFn {
    return (fr) => {
      try {
        const v = fn(fr);
        if (isPromise(v)) {
          return v.then(undefined, (e) => {
            throw this.annotate(e, node);
          });
        }
        return v;
      } catch (e) {
        throw this.annotate(e, node);
      }
    };
  }

  private guardStmt(fn: StmtFn, node: Pos): StmtFn {
    return (fr, out) => {
      try {
        const v = fn(fr, out);
        if (isPromise(v)) {
          return v.then(undefined, (e) => {
            throw this.annotate(e, node);
          });
        }
        return v;
      } catch (e) {
        throw this.annotate(e, node);
      }
    };
  }

  private syntaxError(msg: string, node: Pos): never {
    throw new TemplateSyntaxError(msg, { name: this.name, line: node.line, column: node.column, source: this.source });
  }

  // ------------------------------------------------------------ statements

  private body(stmts: Stmt[], topLevel = false): StmtFn {
    const fns: StmtFn[] = [];
    let text = '';
    for (const s of stmts) {
      if (s.kind === 'data') {
        text += s.text;
        continue;
      }
      if (text) {
        const t = text;
        fns.push((_fr, out) => {
          out.s += t;
          return undefined;
        });
        text = '';
      }
      const fn = this.stmt(s, topLevel);
      if (fn) fns.push(fn);
    }
    if (text) {
      const t = text;
      fns.push((_fr, out) => {
        out.s += t;
        return undefined;
      });
    }
    if (fns.length === 0) return () => undefined;
    if (fns.length === 1) return fns[0]!;
    return (fr, out) => runSeq(fns, 0, fr, out);
  }

  private stmt(s: Stmt, topLevel: boolean): StmtFn | null {
    switch (s.kind) {
      case 'data': {
        const t = s.text;
        return (_fr, out) => {
          out.s += t;
          return undefined;
        };
      }
      case 'print': {
        const e = this.expr(s.expr);
        return (fr, out) => {
          const v = e(fr);
          if (typeof v === 'string') out.s += v;
          else if (isPromise(v)) {
            return v.then((x) => {
              out.s += toStr(x);
              return undefined;
            });
          } else out.s += pyStr(v);
          return undefined;
        };
      }
      case 'if': {
        const test = this.expr(s.test);
        const body = this.body(s.body);
        const else_ = this.body(s.else_);
        return (fr, out) => {
          const t = test(fr);
          if (isPromise(t)) return t.then((x) => (truthy(x) ? body(fr, out) : else_(fr, out)));
          return truthy(t) ? body(fr, out) : else_(fr, out);
        };
      }
      case 'for':
        return this.forLoop(s);
      case 'set': {
        const e = this.expr(s.expr);
        const assign = this.assigner(s.target);
        return this.guardStmt((fr) => {
          const v = e(fr);
          if (isPromise(v)) return v.then((x) => assign(fr, x));
          return assign(fr, v);
        }, s);
      }
      case 'setblock': {
        const body = this.body(s.body);
        const assign = this.assigner(s.target);
        const filter = s.filter ? this.withHole(s.filter) : null;
        return this.guardStmt((fr) => {
          const o = new Out();
          const inner = new Frame(fr, fr.state);
          const finish = (): Signal | Promise<Signal> => {
            if (!filter) return assign(fr, o.s);
            const v = filter.fn(fr, o.s);
            return isPromise(v) ? v.then((x) => assign(fr, x)) : assign(fr, v);
          };
          const r = body(inner, o);
          return isPromise(r) ? r.then(finish) : finish();
        }, s);
      }
      case 'macro': {
        const def = this.macroDef(s.name, s.params, s.body, s);
        if (topLevel) {
          this.macros.push({ name: s.name, params: s.params.map((p) => ({ name: p.name, hasDefault: p.default !== null })), line: s.line });
          this.macroDefs.set(s.name, def);
        }
        const name = s.name;
        return (fr) => {
          fr.vars[name] = new Macro(def, fr);
          return undefined;
        };
      }
      case 'callblock': {
        const def = this.macroDef('caller', s.params, s.body, s);
        if (s.call.kind !== 'call') return this.syntaxError('expected call', s);
        const call = this.call(s.call, ['caller', (fr) => new Macro(def, fr)]);
        return (fr, out) => {
          const v = call(fr);
          if (isPromise(v)) {
            return v.then((x) => {
              out.s += toStr(x);
              return undefined;
            });
          }
          out.s += toStr(v);
          return undefined;
        };
      }
      case 'filterblock': {
        const body = this.body(s.body);
        const filter = this.withHole(s.filter);
        return this.guardStmt((fr, out) => {
          const o = new Out();
          const inner = new Frame(fr, fr.state);
          const finish = (): Signal | Promise<Signal> => {
            const v = filter.fn(fr, o.s);
            if (isPromise(v)) {
              return v.then((x) => {
                out.s += toStr(x);
                return undefined;
              });
            }
            out.s += toStr(v);
            return undefined;
          };
          const r = body(inner, o);
          return isPromise(r) ? r.then(finish) : finish();
        }, s);
      }
      case 'do': {
        const e = this.expr(s.expr);
        return (fr) => {
          const v = e(fr);
          return isPromise(v) ? v.then(() => undefined) : undefined;
        };
      }
      case 'with': {
        const targets = s.targets.map(([t, e]) => [this.assigner(t), this.expr(e)] as const);
        const body = this.body(s.body);
        return this.guardStmt((fr, out) => {
          const inner = new Frame(fr, fr.state);
          const step = (i: number): Signal | Promise<Signal> => {
            for (; i < targets.length; i++) {
              const [assign, e] = targets[i]!;
              const v = e(fr);
              if (isPromise(v)) {
                const next = i + 1;
                return v.then((x) => {
                  assign(inner, x);
                  return step(next);
                });
              }
              assign(inner, v);
            }
            return body(inner, out);
          };
          return step(0);
        }, s);
      }
      case 'scope': {
        const body = this.body(s.body);
        return (fr, out) => body(new Frame(fr, fr.state), out);
      }
      case 'break':
        return () => BREAK;
      case 'continue':
        return () => CONTINUE;
      case 'include':
        return this.include(s);
      case 'import':
      case 'fromimport':
        return this.importStmt(s);
      case 'capture':
        this.captures.push({ tag: s.tag, name: s.name, args: s.args, source: s.source, line: s.bodyLine, column: s.bodyColumn });
        return null;
      case 'block': {
        const body = this.body(s.body);
        this.blocks.set(s.name, body);
        const name = s.name;
        return (fr, out) => {
          if (fr.state.extendsName !== undefined) return undefined;
          const chain = fr.state.blocks.get(name);
          const fn = chain && chain.length ? chain[0]! : body;
          const inner = new Frame(fr, fr.state);
          inner.vars.super = this.superFn(fr, name, 1);
          return fn(inner, out);
        };
      }
      case 'extends': {
        this.hasExtends = true;
        const tpl = this.expr(s.template);
        return this.guardStmt((fr, out) => {
          const v = tpl(fr);
          return then(v, (name) => {
            if (fr.state.extendsName === undefined) fr.state.preExtends = out.s;
            fr.state.extendsName = pyStr(name);
            return undefined;
          }) as Signal | Promise<Signal>;
        }, s);
      }
      default:
        return null;
    }
  }

  private superFn(fr: Frame, name: string, level: number): () => unknown {
    return () => {
      const chain = fr.state.blocks.get(name);
      const fn = chain?.[level];
      if (!fn) throw new Error(`there is no parent block called '${name}'.`);
      const o = new Out();
      const inner = new Frame(fr, fr.state);
      inner.vars.super = this.superFn(fr, name, level + 1);
      const r = fn(inner, o);
      return isPromise(r) ? r.then(() => o.s) : o.s;
    };
  }

  private macroDef(name: string, params: Param[], body: Stmt[], node: Pos): MacroDef {
    const paramNames = new Set(params.map((p) => p.name));
    const used = findNames(body, ['varargs', 'kwargs', 'caller']);
    for (const p of params) if (p.default) for (const n of findNames([{ kind: 'print', expr: p.default, line: 0, column: 0 }], ['varargs', 'kwargs', 'caller'])) used.add(n);
    const mparams: MacroParam[] = params.map((p) => ({ name: p.name, default: p.default ? this.expr(p.default) : null }));
    return {
      name,
      params: mparams,
      body: this.body(body),
      catchVarargs: used.has('varargs') && !paramNames.has('varargs'),
      catchKwargs: used.has('kwargs') && !paramNames.has('kwargs'),
      usesCaller: used.has('caller') && !paramNames.has('caller'),
      where: `${this.name}:${node.line}:${node.column}`,
    };
  }

  /** A closure that assigns a value to a target in a frame. */
  private assigner(t: Target): (fr: Frame, v: unknown) => undefined {
    switch (t.kind) {
      case 'name': {
        const n = t.name;
        return (fr, v) => {
          fr.vars[n] = v;
          return undefined;
        };
      }
      case 'nsref': {
        const n = t.name;
        const attr = t.attr;
        return (fr, v) => {
          const ns = lookup(fr, n);
          if (!(ns instanceof Namespace)) throw new PyTypeError('cannot assign attribute on non-namespace object');
          Object.defineProperty(ns, attr, { value: v, writable: true, enumerable: true, configurable: true });
          return undefined;
        };
      }
      case 'tuple': {
        const subs = t.items.map((x) => this.assigner(x));
        return (fr, v) => {
          const items = unpack(v, subs.length);
          for (let i = 0; i < subs.length; i++) subs[i]!(fr, items[i]);
          return undefined;
        };
      }
    }
  }

  private forLoop(s: Stmt & { kind: 'for' }): StmtFn {
    const iter = this.expr(s.iter);
    const assign = this.assigner(s.target);
    const body = this.body(s.body);
    const else_ = s.else_.length ? this.body(s.else_) : null;
    const filter = s.filter ? this.expr(s.filter) : null;
    const recursive = s.recursive;
    const node: Pos = s.iter;

    /**
     * The iterations of `list`. Without a filter they are the items, all known (`ensure` and
     * `more` undefined). With one, they are found as the loop reaches them: `ensure(i)` is whether
     * there is an i-th, testing the filter item by item after the body ran for the items kept
     * before (so it sees what they set, as in Jinja2); `more` finds one more, for `loop.last` and
     * the other attributes that look ahead.
     */
    const iterations = (fr: Frame, list: unknown[]) => {
      if (!filter) return { items: list, ensure: undefined, more: undefined };
      const items: unknown[] = [];
      let pos = 0;
      const advance = (): boolean | Promise<boolean> => {
        while (pos < list.length) {
          const item = list[pos++];
          const f = new Frame(fr, fr.state);
          assign(f, item);
          const t = filter(f);
          if (isPromise(t)) return t.then((v) => (truthy(v) ? (items.push(item), true) : advance()));
          if (truthy(t)) return items.push(item), true;
        }
        return false;
      };
      const ensure = (i: number): boolean | Promise<boolean> => {
        while (i >= items.length) {
          const found = advance();
          if (found === false) return false;
          if (found !== true) return found.then((f) => (f ? ensure(i) : false));
        }
        return true;
      };
      const more = (): boolean => {
        const r = advance();
        if (isPromise(r)) throw new Error('loop.last, loop.length, loop.revindex and loop.nextitem cannot look ahead through a loop filter that waits for the database');
        return r;
      };
      return { items, ensure, more };
    };

    // `ensure` is undefined without a filter: every item is known
    const runItems = (fr: Frame, out: Out, items: unknown[], ensure: ((i: number) => boolean | Promise<boolean>) | undefined, loop: LoopContext, start: number): Signal | Promise<Signal> => {
      for (let i = start; ensure || i < items.length; i++) {
        if (ensure) {
          const has = ensure(i);
          if (has === false) return undefined;
          if (has !== true) return has.then((h) => (h ? runItems(fr, out, items, ensure, loop, i) : undefined));
        }
        const f = new Frame(fr, fr.state);
        loop.index0 = i;
        f.vars.loop = loop;
        try {
          assign(f, items[i]);
        } catch (e) {
          throw this.annotate(e, s.target);
        }
        const r = body(f, out);
        if (r !== undefined) {
          if (r === BREAK) break;
          if (r === CONTINUE) continue;
          const next = i + 1;
          return (r as Promise<Signal>).then((sig) => (sig === BREAK ? undefined : runItems(fr, out, items, ensure, loop, next)));
        }
      }
      return undefined;
    };

    const run = (fr: Frame, out: Out, iterable: unknown, depth: number): Signal | Promise<Signal> => {
      let list: unknown[];
      try {
        list = toList(iterable);
      } catch (e) {
        throw this.annotate(e, node);
      }
      const { items, ensure, more } = iterations(fr, list);
      const go = (any: boolean): Signal | Promise<Signal> => {
        if (!any) return else_ ? else_(fr, out) : undefined;
        const recurse = recursive
          ? (children: unknown): unknown => {
              const o = new Out();
              const r = run(fr, o, children, depth + 1);
              return isPromise(r) ? r.then(() => o.s) : o.s;
            }
          : null;
        const loop = new LoopContext(items, depth, recurse, more);
        return runItems(fr, out, items, ensure, loop, 0);
      };
      const first = ensure ? ensure(0) : items.length > 0;
      return isPromise(first) ? first.then(go) : go(first);
    };

    return (fr, out) => {
      const it = iter(fr);
      if (isPromise(it)) return it.then((v) => run(fr, out, v, 0));
      return run(fr, out, it, 0);
    };
  }

  private include(s: Stmt & { kind: 'include' }): StmtFn {
    const tpl = this.expr(s.template);
    const { ignoreMissing, withContext } = s;
    return this.guardStmt((fr, out) => {
      const nameV = tpl(fr);
      return then(nameV, (nv) => {
        const names = Array.isArray(nv) ? nv.map(pyStr) : [pyStr(nv)];
        const tryLoad = (i: number): unknown => {
          if (i >= names.length) {
            if (ignoreMissing) return null;
            throw new Error(names.length === 1 ? `template '${names[0]}' not found` : `none of the templates given were found: ${names.join(', ')}`);
          }
          const t = fr.state.env.loadTemplate(names[i]!, this.name);
          const handle = (x: RuntimeTemplate | null): unknown => (x ? x : tryLoad(i + 1));
          if (isPromise(t)) return t.then(handle, (e) => (isNotFound(e) ? tryLoad(i + 1) : Promise.reject(e)));
          return handle(t);
        };
        let loaded: unknown;
        try {
          loaded = tryLoad(0);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          loaded = tryLoad(names.length);
        }
        return then(loaded, (t) => {
          if (!t) return undefined;
          const ctx = withContext ? flattenContext(fr) : Object.create(null);
          const tname = (t as RuntimeTemplate).name;
          const mark = (e: unknown): never => {
            if (e instanceof TemplateError && e.pending !== undefined) {
              e.chain.push(`in template ${tname} at ${e.pending}`);
              e.pending = undefined;
            }
            throw e;
          };
          let r: unknown;
          try {
            r = (t as RuntimeTemplate).runRoot(ctx, out, withContext ? fr.state : undefined);
          } catch (e) {
            mark(e);
          }
          return isPromise(r) ? r.then(() => undefined, mark) : undefined;
        });
      }) as Signal | Promise<Signal>;
    }, s);
  }

  private importStmt(s: Stmt & ({ kind: 'import' } | { kind: 'fromimport' })): StmtFn {
    const tpl = this.expr(s.template);
    const withContext = s.withContext;
    const bind = (fr: Frame, mod: Record<string, unknown>, tname: string): undefined => {
      if (s.kind === 'import') fr.vars[s.target] = mod;
      else {
        for (const [n, alias] of s.names) {
          fr.vars[alias] = n in mod
            ? mod[n]
            : new Undefined(`the template '${tname}' (imported on line ${s.line}) does not export the requested name '${n}'`);
        }
      }
      return undefined;
    };
    return this.guardStmt((fr) => {
      return then(tpl(fr), (nv) => {
        const tname = pyStr(nv);
        const key = (withContext ? 'c:' : 'n:') + tname;
        const cached = withContext ? undefined : fr.state.imports.get(key);
        if (cached) return bind(fr, cached, tname);
        const t = fr.state.env.loadTemplate(tname, this.name);
        return then(t, (tt) => {
          if (!tt) throw new Error(`template '${tname}' not found`);
          const ctx = withContext ? flattenContext(fr) : Object.create(null);
          const rootV = (tt as RuntimeTemplate).runRoot(ctx, new Out());
          return then(rootV, (root) => {
            const mod = newDict();
            const vars = (root as Frame).vars;
            for (const k of Object.keys(vars)) if (!k.startsWith('_')) mod[k] = vars[k];
            if (!withContext) fr.state.imports.set(key, mod);
            return bind(fr, mod, tname);
          });
        });
      }) as Signal | Promise<Signal>;
    }, s);
  }

  // ------------------------------------------------------------ expressions

  /** Compile a filter chain whose innermost input is a value given at run time. */
  private withHole(filter: Expr): { fn: (fr: Frame, v: unknown) => unknown } {
    let current: unknown;
    const saved = this.hole;
    this.hole = () => current;
    const fn = this.expr(filter);
    this.hole = saved;
    return {
      fn: (fr, v) => {
        current = v;
        return fn(fr);
      },
    };
  }

  expr(e: Expr): ExprFn {
    switch (e.kind) {
      case 'const': {
        const v = e.value;
        return () => v;
      }
      case 'name': {
        const n = e.name;
        return (fr) => lookup(fr, n);
      }
      case 'list': {
        const items = e.items.map((x) => this.expr(x));
        if (!items.length) return () => [];
        return (fr) => {
          const v = evalList(items, fr);
          return isPromise(v) ? v.then((x) => x) : v;
        };
      }
      case 'tuple': {
        const items = e.items.map((x) => this.expr(x));
        return (fr) => then(evalList(items, fr), (x) => makeTuple(x as unknown[]));
      }
      case 'dict':
        return this.dict(e);
      case 'getattr': {
        const obj = this.expr(e.obj);
        const attr = e.attr;
        return this.guard((fr) => {
          const o = obj(fr);
          return isPromise(o) ? o.then((x) => getAttr(x, attr)) : getAttr(o, attr);
        }, e);
      }
      case 'getitem': {
        const obj = this.expr(e.obj);
        if (e.arg.kind === 'slice') {
          const a = e.arg;
          const parts = [a.start, a.stop, a.step].map((x) => (x ? this.expr(x) : () => null));
          return this.guard((fr) => {
            const o = obj(fr);
            return then(o, (ov) => then(evalList(parts, fr), (p) => sliceValue(ov, (p as unknown[])[0], (p as unknown[])[1], (p as unknown[])[2])));
          }, e);
        }
        const key = this.expr(e.arg);
        return this.guard((fr) => {
          const o = obj(fr);
          const k = key(fr);
          if (isPromise(o) || isPromise(k)) return Promise.all([o, k]).then(([x, y]) => getItem(x, y));
          return getItem(o, k);
        }, e);
      }
      case 'slice':
        return this.syntaxError('unexpected slice', e);
      case 'call':
        return this.call(e);
      case 'filter':
        return this.filter(e);
      case 'test':
        return this.test(e);
      case 'binop': {
        const op = binaryOps[e.op]!;
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return this.guard((fr) => {
          const a = l(fr);
          if (isPromise(a)) return a.then((av) => then(r(fr), (bv) => op(av, bv)));
          const b = r(fr);
          if (isPromise(b)) return b.then((bv) => op(a, bv));
          return op(a, b);
        }, e);
      }
      case 'and': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return (fr) => {
          const a = l(fr);
          if (isPromise(a)) return a.then((av) => (truthy(av) ? r(fr) : av));
          return truthy(a) ? r(fr) : a;
        };
      }
      case 'or': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return (fr) => {
          const a = l(fr);
          if (isPromise(a)) return a.then((av) => (truthy(av) ? av : r(fr)));
          return truthy(a) ? a : r(fr);
        };
      }
      case 'unary': {
        const v = this.expr(e.node);
        if (e.op === 'not') return (fr) => then(v(fr), (x) => !truthy(x));
        const f = e.op === '-' ? neg : pos;
        return this.guard((fr) => then(v(fr), f), e);
      }
      case 'compare': {
        const first = this.expr(e.expr);
        const ops = e.ops.map(([op, x]) => [comparisons[op]!, this.expr(x)] as const);
        return this.guard((fr) => {
          const step = (left: unknown, i: number): unknown => {
            for (; i < ops.length; i++) {
              const [cmp, rf] = ops[i]!;
              const right = rf(fr);
              if (isPromise(right)) {
                const idx = i;
                return right.then((rv) => (cmp(left, rv) ? step(rv, idx + 1) : false));
              }
              if (!cmp(left, right)) return false;
              left = right;
            }
            return true;
          };
          return then(first(fr), (l) => step(l, 0));
        }, e);
      }
      case 'cond': {
        const test = this.expr(e.test);
        const a = this.expr(e.then);
        const b = e.else_ ? this.expr(e.else_) : () => new Undefined('the inline if-expression evaluated to false and no else section was defined.');
        return (fr) => {
          const t = test(fr);
          if (isPromise(t)) return t.then((x) => (truthy(x) ? a(fr) : b(fr)));
          return truthy(t) ? a(fr) : b(fr);
        };
      }
    }
  }

  private dict(e: Expr & { kind: 'dict' }): ExprFn {
    const constKeys = e.pairs.every(([k]) => k.kind === 'const' && typeof k.value === 'string');
    const vals = e.pairs.map(([, v]) => this.expr(v));
    if (constKeys) {
      const keys = e.pairs.map(([k]) => (k as { value: string }).value);
      return (fr) =>
        then(evalList(vals, fr), (vs) => {
          const o = newDict();
          for (let i = 0; i < keys.length; i++) o[keys[i]!] = (vs as unknown[])[i];
          return o;
        });
    }
    const keys = e.pairs.map(([k]) => this.expr(k));
    return (fr) =>
      then(evalList(keys, fr), (ks) =>
        then(evalList(vals, fr), (vs) => {
          const kk = ks as unknown[];
          if (kk.every((k) => typeof k === 'string')) {
            const o = newDict();
            for (let i = 0; i < kk.length; i++) o[kk[i] as string] = (vs as unknown[])[i];
            return o;
          }
          const m = new Map<unknown, unknown>();
          for (let i = 0; i < kk.length; i++) m.set(kk[i], (vs as unknown[])[i]);
          return m;
        }),
      );
  }

  /** Compile call arguments into a closure producing positional and keyword values. */
  private args(a: CallArgs, extra?: [string, ExprFn]): (fr: Frame) => ArgPack | Promise<ArgPack> {
    const pos = a.args.map((x) => this.expr(x));
    const kwNames = a.kwargs.map(([k]) => k);
    const kwFns = a.kwargs.map(([, v]) => this.expr(v));
    if (extra) {
      kwNames.push(extra[0]);
      kwFns.push(extra[1]);
    }
    const dynArgs = a.dynArgs ? this.expr(a.dynArgs) : null;
    const dynKwargs = a.dynKwargs ? this.expr(a.dynKwargs) : null;
    const nPos = pos.length;
    const all = [...pos, ...kwFns];
    if (dynArgs) all.push(dynArgs);
    if (dynKwargs) all.push(dynKwargs);
    if (all.length === 0) return () => ({ args: EMPTY_ARGS, kwargs: null });
    const build = (vals: unknown[]): ArgPack => {
      let args = nPos === vals.length ? vals : vals.slice(0, nPos);
      let kwargs: Record<string, unknown> | null = null;
      if (kwNames.length) {
        kwargs = newDict();
        for (let i = 0; i < kwNames.length; i++) kwargs[kwNames[i]!] = vals[nPos + i];
      }
      let j = nPos + kwNames.length;
      if (dynArgs) {
        args = args.concat(toList(vals[j++]));
      }
      if (dynKwargs) {
        const m = vals[j++];
        if (!isMapping(m)) {
          if (!(m instanceof Undefined)) throw new PyTypeError('argument after ** must be a mapping');
        } else {
          kwargs ??= newDict();
          for (const [k, v] of mappingEntries(m)) kwargs[String(k)] = v;
        }
      }
      return { args, kwargs };
    };
    return (fr) => {
      const v = evalList(all, fr);
      return isPromise(v) ? v.then(build) : build(v);
    };
  }

  private call(e: Expr & { kind: 'call' }, extra?: [string, ExprFn]): ExprFn {
    const args = this.args(e, extra);
    if (e.callee.kind === 'getattr') {
      const obj = this.expr(e.callee.obj);
      const name = e.callee.attr;
      return this.guard((fr) => {
        const o = obj(fr);
        if (isPromise(o)) return o.then((ov) => then(args(fr), (p) => callMethod(ov, name, (p as ArgPack).args, (p as ArgPack).kwargs)));
        const p = args(fr);
        if (isPromise(p)) return p.then((pv) => callMethod(o, name, pv.args, pv.kwargs));
        return callMethod(o, name, p.args, p.kwargs);
      }, e);
    }
    const callee = this.expr(e.callee);
    return this.guard((fr) => {
      const f = callee(fr);
      if (isPromise(f)) return f.then((fv) => then(args(fr), (p) => callValue(fv, undefined, (p as ArgPack).args, (p as ArgPack).kwargs)));
      const p = args(fr);
      if (isPromise(p)) return p.then((pv) => callValue(f, undefined, pv.args, pv.kwargs));
      return callValue(f, undefined, p.args, p.kwargs);
    }, e);
  }

  private filter(e: Expr & { kind: 'filter' }): ExprFn {
    if (!this.env.hasFilter(e.name)) this.syntaxError(`No filter named '${e.name}'.`, e);
    const input = e.node ? this.expr(e.node) : this.hole!;
    const args = this.args(e);
    const name = e.name;
    return this.guard((fr) => {
      const v = input(fr);
      const st = fr.state;
      if (isPromise(v)) return v.then((x) => then(args(fr), (p) => st.env.callFilter(name, x, (p as ArgPack).args, (p as ArgPack).kwargs, st)));
      const p = args(fr);
      if (isPromise(p)) return p.then((pv) => st.env.callFilter(name, v, pv.args, pv.kwargs, st));
      return st.env.callFilter(name, v, p.args, p.kwargs, st);
    }, e);
  }

  private test(e: Expr & { kind: 'test' }): ExprFn {
    if (!this.env.hasTest(e.name)) this.syntaxError(`No test named '${e.name}'.`, e);
    const input = this.expr(e.node);
    const args = this.args(e);
    const name = e.name;
    const negated = e.negated;
    return this.guard((fr) => {
      const st = fr.state;
      const finish = (r: unknown): unknown => (isPromise(r) ? r.then((x) => truthy(x) !== negated) : truthy(r) !== negated);
      return then(input(fr), (v) => then(args(fr), (p) => finish(st.env.callTest(name, v, (p as ArgPack).args, (p as ArgPack).kwargs, st))));
    }, e);
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof Error && /not found/.test(e.message) && !(e instanceof TemplateError);
}

/** A context object holding every variable visible from `fr` (for `include`/`import with context`). */
export function flattenContext(fr: Frame): object {
  const frames: Frame[] = [];
  for (let f: Frame | null = fr; f; f = f.parent) frames.push(f);
  const ctx = Object.create(fr.state.ctx) as Record<string, unknown>;
  for (let i = frames.length - 1; i >= 0; i--) {
    const vars = frames[i]!.vars;
    for (const k of Object.keys(vars)) ctx[k] = vars[k];
  }
  return ctx;
}

export type { RuntimeEnv, RenderState };
