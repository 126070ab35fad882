/**
 * Selector methods: each decides which graph nodes one `method:value` matches.
 * Wildcards (`*`, `?`, `[abc]`) work where dbt allows them (names, paths, tags, packages).
 */
import { StrataError } from '../errors.js';
import type { Graph } from './build-graph.js';
import { compareVersions, type GraphNode } from './graph-node.js';
import { suggest } from './suggest.js';

/** What a method may need besides the graph. */
export interface MethodContext {
  graph: Graph;
  /** The older manifest's nodes, by unique id, for `state:`. */
  state?: Map<string, GraphNode>;
  /** The older run's node statuses (run_results.json of --state), for `result:`. */
  results?: Map<string, string>;
  /** Newest load time of each source (sources.json), now and in --state, for `source_status:fresher`. */
  sourceStatus?: { current: Map<string, string | null>; previous: Map<string, string | null> };
  /** Evaluates `selector:<name>` (set by the caller that knows selectors.yml). */
  selector?: (name: string) => Set<string>;
}

type Matcher = (node: GraphNode, value: string, ctx: MethodContext) => boolean;

const globCache = new Map<string, RegExp>();

/** Whether `text` matches the shell-style pattern `pattern`. */
export function fnmatch(text: string, pattern: string): boolean {
  if (!/[*?[]/.test(pattern)) return text === pattern;
  let re = globCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end === -1) src += '\\[';
        else {
          let cls = pattern.slice(i + 1, end);
          if (cls.startsWith('!')) cls = '^' + cls.slice(1);
          src += `[${cls.replace(/\\/g, '\\\\')}]`;
          i = end;
        }
      } else src += c.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 's');
    globCache.set(pattern, re);
  }
  return re.test(text);
}

function fqnMatch(node: GraphNode, value: string): boolean {
  if (fnmatch(node.name, value) && !value.includes('.')) return true;
  if (node.fqn[node.fqn.length - 1] === value) return true;
  // a model version is also `model.v2` or `model_v2`
  if (node.version !== undefined && node.fqn.slice(-2).join('_') === value.split('.').slice(-2).join('_')) return true;
  const flat = node.fqn.flatMap((s) => s.split('.'));
  const parts = value.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '*') return true;
    if (!fnmatch(flat[i]!, p)) return false;
  }
  return true;
}

/** `version:latest|prerelease|old|none`, as dbt: a model version against its model's latest. */
function versionMatch(node: GraphNode, value: string): boolean {
  if (!['latest', 'prerelease', 'old', 'none'].includes(value)) {
    throw new StrataError('selector-syntax', `'${value}' is not a version selector`, { hint: 'use version:latest, version:prerelease, version:old or version:none' });
  }
  if (node.resourceType !== 'model') return false;
  if (value === 'none') return node.version === undefined;
  if (node.version === undefined || node.latestVersion === undefined) return false;
  const order = compareVersions(node.version, node.latestVersion);
  return value === 'latest' ? String(node.version) === String(node.latestVersion) : value === 'prerelease' ? order > 0 : order < 0;
}

function pathMatch(node: GraphNode, value: string): boolean {
  const want = value.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (want === '' || want === '.') return true;
  const file = node.originalFilePath;
  if (file === want || file.startsWith(want + '/')) return true;
  if (/[*?[]/.test(want)) {
    if (fnmatch(file, want)) return true;
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) if (fnmatch(parts.slice(0, i).join('/'), want)) return true;
  }
  return false;
}

function configValue(config: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = config;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function valueEquals(actual: unknown, want: string): boolean {
  if (Array.isArray(actual)) return actual.some((a) => valueEquals(a, want));
  if (actual === undefined) return false;
  if (actual === null) return want === 'none' || want === 'null';
  if (typeof actual === 'string') return fnmatch(actual, want);
  if (typeof actual === 'boolean') return String(actual) === want.toLowerCase();
  if (typeof actual === 'number') return String(actual) === want;
  return false;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function stateMatch(node: GraphNode, value: string, ctx: MethodContext): boolean {
  const state = ctx.state;
  if (!state) {
    throw new StrataError('state-required', `state:${value} needs an older manifest to compare with`, { hint: 'Pass --state <folder holding an older manifest.json>.' });
  }
  const old = state.get(node.uniqueId);
  const bodyChanged = (): boolean => old !== undefined && old.checksum !== node.checksum;
  const configChanged = (): boolean => old !== undefined && stableJson(old.config) !== stableJson(node.config);
  switch (value) {
    case 'new':
      return old === undefined;
    case 'old':
      return old !== undefined;
    case 'modified':
      return old === undefined || bodyChanged() || configChanged();
    case 'modified.body':
      return bodyChanged();
    case 'modified.configs':
      return configChanged();
    case 'unmodified':
      return old !== undefined && !bodyChanged() && !configChanged();
    default:
      throw new StrataError('selector-unknown-method', `Unknown state selector "state:${value}"`, {
        hint: 'Use state:new, state:modified, state:modified.body, state:modified.configs, state:old or state:unmodified.',
      });
  }
}

function sourceMatch(node: GraphNode, value: string): boolean {
  if (node.resourceType !== 'source') return false;
  const parts = value.split('.');
  const src = node.sourceName ?? node.fqn[node.fqn.length - 2] ?? '';
  if (parts.length === 1) return fnmatch(src, parts[0]!);
  if (parts.length === 2) return fnmatch(src, parts[0]!) && fnmatch(node.name, parts[1]!);
  return fnmatch(node.packageName, parts[0]!) && fnmatch(src, parts[1]!) && fnmatch(node.name, parts.slice(2).join('.'));
}

function namedResource(type: string): Matcher {
  return (node, value) => {
    if (node.resourceType !== type) return false;
    const parts = value.split('.');
    if (parts.length === 1) return fnmatch(node.name, value);
    return fnmatch(node.packageName, parts[0]!) && fnmatch(node.name, parts.slice(1).join('.'));
  };
}

function testName(node: GraphNode, value: string): boolean {
  const meta = node.testMetadata;
  if (node.resourceType !== 'test' || !meta) return false;
  if (fnmatch(meta.name, value)) return true;
  return meta.namespace !== undefined && fnmatch(`${meta.namespace}.${meta.name}`, value);
}

function testType(node: GraphNode, value: string): boolean {
  switch (value) {
    case 'generic':
      return node.resourceType === 'test' && node.testMetadata !== undefined;
    case 'singular':
      return node.resourceType === 'test' && node.testMetadata === undefined;
    case 'data':
      return node.resourceType === 'test';
    case 'unit':
      return node.resourceType === 'unit_test';
    default:
      throw new StrataError('selector-syntax', `Unknown test type "${value}"`, { hint: 'Use test_type:generic, singular, data or unit.' });
  }
}

const METHODS: Record<string, Matcher> = {
  fqn: (n, v) => fqnMatch(n, v),
  path: (n, v) => pathMatch(n, v),
  file: (n, v) => {
    const base = n.originalFilePath.slice(n.originalFilePath.lastIndexOf('/') + 1);
    return fnmatch(base, v) || fnmatch(base.replace(/\.[^.]+$/, ''), v);
  },
  tag: (n, v) => n.tags.some((t) => fnmatch(t, v)),
  resource_type: (n, v) => n.resourceType === v,
  package: (n, v) => fnmatch(n.packageName, v),
  source: (n, v) => sourceMatch(n, v),
  exposure: namedResource('exposure'),
  metric: namedResource('metric'),
  semantic_model: namedResource('semantic_model'),
  saved_query: namedResource('saved_query'),
  unit_test: (n, v) => n.resourceType === 'unit_test' && (fnmatch(n.name, v) || fqnMatch(n, v)),
  test_name: (n, v) => testName(n, v),
  test_type: (n, v) => testType(n, v),
  // as dbt: a node whose config names a group matching the pattern; a model whose access is the value
  group: (n, v) => typeof n.config['group'] === 'string' && n.config['group'] !== '' && fnmatch(n.config['group'], v),
  access: (n, v) => n.resourceType === 'model' && (n.config['access'] ?? 'protected') === v,
  version: versionMatch,
  state: stateMatch,
};

/** Every selector method name Strata knows (`config.<key>` and `selector` besides these). */
export const SELECTOR_METHODS: readonly string[] = [...Object.keys(METHODS), 'config', 'selector', 'result', 'source_status'];

function v_is_not(value: string, allowed: string[]): boolean {
  return !allowed.includes(value);
}

/** The method a bare value means: `path` for paths, `file` for file names, else `fqn`. */
export function defaultMethod(value: string): string {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

/** The ids of the graph nodes that `method:value` matches. */
export function matchMethod(method: string, value: string, ctx: MethodContext): Set<string> {
  const out = new Set<string>();
  if (method === 'selector') {
    if (!ctx.selector) throw new StrataError('selector-not-found', `selector:${value} needs selectors.yml`, { hint: 'Define the selector in selectors.yml.' });
    return ctx.selector(value);
  }
  let matcher: Matcher | undefined = METHODS[method];
  if (!matcher && (method === 'config' || method.startsWith('config.'))) {
    const path = method.split('.').slice(1);
    if (path.length === 0) throw new StrataError('selector-syntax', `config: needs a key, as in config.materialized:${value}`);
    matcher = (n, v) => valueEquals(configValue(n.config, path), v);
  }
  if (!matcher && method === 'result') {
    if (!ctx.results) throw new StrataError('selector-needs-state', 'result: needs --state pointing at the target/ folder of an earlier run (its run_results.json)');
    matcher = (n, v) => ctx.results!.get(n.uniqueId) === v;
  }
  if (!matcher && method === 'source_status') {
    if (!ctx.sourceStatus) throw new StrataError('selector-needs-state', 'source_status: needs --state with an earlier sources.json, and target/sources.json from `strata source freshness`');
    if (v_is_not(value, ['fresher'])) throw new StrataError('selector-syntax', `source_status:${value} is not a status`, { hint: 'use source_status:fresher' });
    matcher = (n) => {
      if (n.resourceType !== 'source') return false;
      const now = ctx.sourceStatus!.current.get(n.uniqueId);
      if (!now) return false;
      const before = ctx.sourceStatus!.previous.get(n.uniqueId);
      return !before || new Date(now).getTime() > new Date(before).getTime();
    };
  }
  if (!matcher) {
    const near = suggest(method, SELECTOR_METHODS);
    throw new StrataError('selector-unknown-method', `Unknown selector method "${method}"`, {
      hint: near ? `Did you mean "${near}:"? Known methods: ${SELECTOR_METHODS.join(', ')}.` : `Known methods: ${SELECTOR_METHODS.join(', ')}.`,
    });
  }
  for (const node of ctx.graph.nodes.values()) if (matcher(node, value, ctx)) out.add(node.uniqueId);
  return out;
}
