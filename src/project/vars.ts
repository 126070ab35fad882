/**
 * `var()` resolution as dbt does it. For a node of package P, from strongest to weakest:
 * `--vars`, the root project's vars scoped to P (`vars: {P: {…}}`), the root project's
 * global vars, P's own vars scoped to P, P's own global vars.
 */
import type { VarScope } from './types.js';
import { isRecord } from './yaml-file.js';

/** Split a dbt_project.yml `vars:` mapping into global vars and vars scoped to a package. */
export function splitVars(vars: Record<string, unknown>, packageNames: ReadonlySet<string>): VarScope['packages'][string] {
  const global: Record<string, unknown> = {};
  const scoped: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (packageNames.has(k) && isRecord(v)) scoped[k] = v;
    else global[k] = v;
  }
  return { global, scoped };
}

/** Build the scope from `--vars` and each package's own `vars:` (root first). */
export function makeVarScope(
  cli: Record<string, unknown>,
  rootPackage: string,
  packageVars: { name: string; vars: Record<string, unknown> }[],
): VarScope {
  const names = new Set(packageVars.map((p) => p.name));
  const packages: VarScope['packages'] = {};
  for (const p of packageVars) packages[p.name] = splitVars(p.vars, names);
  return { cli, rootPackage, packages };
}

/** Every var visible to nodes of `packageName`, merged by precedence. */
export function varsFor(scope: VarScope, packageName: string): Record<string, unknown> {
  const root = scope.packages[scope.rootPackage];
  const own = packageName === scope.rootPackage ? undefined : scope.packages[packageName];
  return {
    ...(own?.global ?? {}),
    ...(own?.scoped[packageName] ?? {}),
    ...(root?.global ?? {}),
    ...(root?.scoped[packageName] ?? {}),
    ...scope.cli,
  };
}

/** The value of `var(name)` for a node of `packageName`; `undefined` when it is not defined. */
export function resolveVar(scope: VarScope, packageName: string, name: string): unknown {
  if (name in scope.cli) return scope.cli[name];
  const root = scope.packages[scope.rootPackage];
  const scopedRoot = root?.scoped[packageName];
  if (scopedRoot && name in scopedRoot) return scopedRoot[name];
  if (root && name in root.global) return root.global[name];
  if (packageName !== scope.rootPackage) {
    const own = scope.packages[packageName];
    const scopedOwn = own?.scoped[packageName];
    if (scopedOwn && name in scopedOwn) return scopedOwn[name];
    if (own && name in own.global) return own.global[name];
  }
  return undefined;
}

/** Whether `var(name)` is defined for a node of `packageName` (a null value counts). */
export function hasVar(scope: VarScope, packageName: string, name: string): boolean {
  return resolveVar(scope, packageName, name) !== undefined || name in varsFor(scope, packageName);
}
