/**
 * The project's macros: every macro of the root project, its packages and Strata's
 * internal `dbt` package, found by name the way dbt finds them, and bound lazily to the
 * context of the node being rendered.
 */
import { Macro, type Template } from '../jinja/index.js';
import { StrataError } from '../errors.js';

/** One macro definition, as the manifest lists it. */
export interface MacroDef {
  uniqueId: string;
  name: string;
  packageName: string;
  /** Path relative to the package folder. */
  originalFilePath: string;
  /** Absolute path. */
  absPath: string;
  /** Path shown to users (relative to the root project when inside it). */
  displayPath: string;
  line: number;
  params: string[];
  template: Template;
  /** Raw text of the file the macro is defined in. */
  fileContents: string;
}

export const INTERNAL_PACKAGE = 'dbt';

/** Macros by package and name, with dbt's lookup order for unqualified names. */
export class MacroRegistry {
  readonly byPackage = new Map<string, Map<string, MacroDef>>();

  constructor(readonly rootPackage: string) {}

  add(def: MacroDef): void {
    let m = this.byPackage.get(def.packageName);
    if (!m) this.byPackage.set(def.packageName, (m = new Map()));
    const prior = m.get(def.name);
    if (prior) {
      throw new StrataError('duplicate-macro', `macro '${def.name}' is defined twice in package '${def.packageName}'`, {
        position: { file: def.displayPath, line: def.line },
        hint: `the other definition is at ${prior.displayPath}:${prior.line}`,
      });
    }
    m.set(def.name, def);
  }

  get(packageName: string, name: string): MacroDef | undefined {
    return this.byPackage.get(packageName)?.get(name);
  }

  /**
   * Unqualified lookup from a node of `localPackage`: its own package, then the root project,
   * then (when given: how `run-operation` looks a macro up) the installed packages in order,
   * then the internal package.
   */
  resolve(localPackage: string, name: string, installed: readonly string[] = []): MacroDef | undefined {
    let def = this.get(localPackage, name) ?? this.get(this.rootPackage, name);
    for (const p of installed) def ??= p === INTERNAL_PACKAGE ? undefined : this.get(p, name);
    return def ?? this.get(INTERNAL_PACKAGE, name);
  }

  /** Names visible unqualified from a node of `localPackage`. */
  visibleNames(localPackage: string): Set<string> {
    const out = new Set<string>();
    for (const p of [INTERNAL_PACKAGE, this.rootPackage, localPackage]) for (const n of this.byPackage.get(p)?.keys() ?? []) out.add(n);
    return out;
  }

  all(): MacroDef[] {
    return [...this.byPackage.values()].flatMap((m) => [...m.values()]);
  }
}

/** Something that receives the macros a render touched, for `depends_on.macros`. */
export interface MacroUseRecorder {
  macrosUsed?: Set<string>;
}

const CALL_DEPTH = Symbol('strata.macroDepth');

/**
 * A macro that, called while the node's own text runs (not from inside another macro), adds
 * itself to the context's `macrosUsed`: as dbt, whose `depends_on.macros` lists the macros a
 * node calls directly, in the order first called, and not the ones those call in turn (a
 * dispatched implementation among them).
 */
class RecordingMacro extends Macro {
  constructor(
    m: Macro,
    private readonly ctx: MacroUseRecorder & { [CALL_DEPTH]?: number },
    private readonly uniqueId: string,
  ) {
    super(m.def, m.closure);
  }

  override invoke(args: unknown[], kwargs: Record<string, unknown> | null): unknown {
    const c = this.ctx;
    const depth = c[CALL_DEPTH] ?? 0;
    if (depth === 0) c.macrosUsed?.add(this.uniqueId);
    c[CALL_DEPTH] = depth + 1;
    let out: unknown;
    try {
      out = super.invoke(args, kwargs);
    } catch (e) {
      c[CALL_DEPTH] = depth;
      throw e;
    }
    if (out instanceof Promise) return out.finally(() => (c[CALL_DEPTH] = depth));
    c[CALL_DEPTH] = depth;
    return out;
  }
}

const MACRO_CACHE = Symbol('strata.macros');

interface CachedContext extends MacroUseRecorder {
  [MACRO_CACHE]?: Map<string, Macro>;
}

/**
 * The Macro for `def` bound to `ctx` (made once per context). As in dbt, which compiles each
 * macro on its own, the names it calls unqualified are looked up in `ctx` (the calling node's
 * namespace: its package's macros, the root project's, then dbt's), not among the other macros
 * of its file: a package macro calling `label()` gets the root project's `label` when a root
 * model calls it, and none when neither the node's package nor the root project has one.
 */
export function bindMacro(def: MacroDef, ctx: object): Macro {
  const c = ctx as CachedContext;
  let cache = c[MACRO_CACHE];
  if (!cache) {
    cache = new Map();
    Object.defineProperty(ctx, MACRO_CACHE, { value: cache, enumerable: false });
  }
  let m = cache.get(def.uniqueId);
  if (!m) {
    m = def.template.macro(def.name, ctx, { alone: true });
    if (c.macrosUsed) m = new RecordingMacro(m, c, def.uniqueId);
    cache.set(def.uniqueId, m);
  }
  return m;
}

/**
 * A prototype object for the contexts of nodes in `localPackage`: one lazy getter per
 * visible macro name and one per package namespace (`dbt_utils.star`, `dbt.dateadd`).
 * The getter receives the node context as `this`, so a macro is bound to the context
 * that asked for it.
 */
export function macroPrototype(registry: MacroRegistry, localPackage: string, parent: object | null): object {
  const proto = Object.create(parent);
  for (const name of registry.visibleNames(localPackage)) {
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        const m = bindMacro(registry.resolve(localPackage, name)!, this);
        // the context keeps it: the next lookup of the name (a macro calling it again) is a property read
        if (this !== proto) Object.defineProperty(this, name, { value: m, configurable: true, enumerable: false, writable: true });
        return m;
      },
    });
  }
  for (const pkg of registry.byPackage.keys()) {
    if (pkg === localPackage && registry.visibleNames(localPackage).has(pkg)) continue;
    Object.defineProperty(proto, pkg, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        const ns = packageNamespace(registry, pkg, this);
        Object.defineProperty(this, pkg, { value: ns, configurable: true, enumerable: false });
        return ns;
      },
    });
  }
  return proto;
}

/** `pkg.macro_name` access: an object of that package's macros bound to `ctx`. */
export function packageNamespace(registry: MacroRegistry, pkg: string, ctx: object): object {
  const ns = Object.create(null);
  for (const [name, def] of registry.byPackage.get(pkg) ?? []) {
    Object.defineProperty(ns, name, { enumerable: true, get: () => bindMacro(def, ctx) });
  }
  return ns;
}

/** The packages `adapter.dispatch(name, namespace)` searches, in order. */
export function dispatchSearchOrder(
  registry: MacroRegistry,
  namespace: string | null | undefined,
  dispatchConfig: { macro_namespace: string; search_order: string[] }[],
): (string | null)[] {
  if (namespace == null) return [null];
  const configured = dispatchConfig.find((d) => d.macro_namespace === namespace);
  if (configured) return configured.search_order;
  return registry.rootPackage === namespace ? [namespace] : [registry.rootPackage, namespace];
}

/**
 * Find the implementation `adapter.dispatch` returns: for each package of the search
 * order and each adapter prefix (`duckdb__`, …, `default__`), the first macro that exists.
 */
export function dispatchLookup(
  registry: MacroRegistry,
  localPackage: string,
  name: string,
  namespace: string | null | undefined,
  prefixes: string[],
  dispatchConfig: { macro_namespace: string; search_order: string[] }[],
): MacroDef {
  const order = dispatchSearchOrder(registry, namespace, dispatchConfig);
  const tried: string[] = [];
  for (const pkg of order) {
    for (const prefix of prefixes) {
      const full = `${prefix}__${name}`;
      const def = pkg === null ? registry.resolve(localPackage, full) : registry.get(pkg, full);
      tried.push(pkg === null ? full : `${pkg}.${full}`);
      if (def) return def;
    }
  }
  throw new StrataError('dispatch-not-found', `adapter.dispatch found no implementation of '${name}'${namespace ? ` in namespace '${namespace}'` : ''}`, {
    hint: `looked for: ${tried.join(', ')}`,
  });
}
