/**
 * YAML property files (schema.yml and friends) read into typed entries that keep their
 * positions. Descriptions, tests and unit tests are not rendered here: descriptions may
 * call `doc()` and tests are rendered when they are instantiated.
 */
import { ACCESS_VALUES, TEST_CONFIG_KEYS } from './config-keys.js';
import type {
  ColumnProperties,
  ExposureProperties,
  GroupProperties,
  MacroProperties,
  NodeProperties,
  Position,
  PropertyFile,
  SourceProperties,
  SourceTableProperties,
  TestDefinition,
  UnitTestProperties,
  VersionProperties,
} from './types.js';
import { isRecord, YamlFile } from './yaml-file.js';

const NO_RENDER_KEYS = new Set(['description', 'tests', 'data_tests', 'pre_hook', 'post_hook', 'pre-hook', 'post-hook', '+pre-hook', '+post-hook']);
const FLAT_TEST_CONFIG = new Set<string>([...TEST_CONFIG_KEYS, 'tags', 'meta', 'enabled', 'alias', 'database', 'schema']);
const EXPOSURE_TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'];
const KNOWN_TOP = new Set(['version', 'models', 'seeds', 'snapshots', 'analyses', 'sources', 'exposures', 'groups', 'macros', 'unit_tests']);
const GROUP_KEYS = ['name', 'owner', 'description', 'config'];

/** Whether a value of a property file at `path` is rendered when the file is read. */
export function rendersInPropertyFile(path: readonly (string | number)[]): boolean {
  if (path[0] === 'unit_tests') return false;
  if (!path.some((p) => typeof p === 'string' && NO_RENDER_KEYS.has(p))) return true;
  return isTestConfigPath(path);
}

/**
 * Whether `path` is a text of a generic test's config: under its `config:` or one of the config
 * keys written beside its arguments (`severity:`, `enabled:`, `where:` …). dbt renders these
 * when it reads the test, as native values (`enabled: "{{ target.type == 'duckdb' }}"` is a
 * boolean); its arguments are rendered when the test runs.
 */
export function isTestConfigPath(path: readonly (string | number)[]): boolean {
  const at = path.length - (path[path.length - 2] === 'config' ? 5 : 4);
  const tests = path[at];
  if (at < 0 || (tests !== 'tests' && tests !== 'data_tests') || typeof path[at + 1] !== 'number' || typeof path[at + 2] !== 'string') return false;
  const key = path[path.length - 1];
  if (path[at + 3] === 'config') return typeof key === 'string' && path.length === at + 5;
  return typeof key === 'string' && FLAT_TEST_CONFIG.has(key);
}

/**
 * Build a {@link PropertyFile} from a parsed (and rendered) YAML file. Entries of the
 * wrong type and entries without a name are `property-invalid` errors at their position.
 */
export function readPropertyFile(yaml: YamlFile, meta: { path: string; absPath: string; hash: string }): PropertyFile {
  const r = new PropertyReader(yaml);
  const doc = yaml.value;
  const out: PropertyFile = {
    ...meta,
    contents: yaml.source,
    models: [],
    seeds: [],
    snapshots: [],
    analyses: [],
    sources: [],
    exposures: [],
    groups: [],
    macros: [],
    unit_tests: [],
    other: {},
  };
  if (doc === null || doc === undefined) return out;
  if (!isRecord(doc)) {
    throw yaml.error('property-invalid', `${yaml.file} must be a mapping with keys such as \`models:\` or \`sources:\``, yaml.pos(doc));
  }
  if (doc['version'] !== undefined && doc['version'] !== null) {
    const v = Number(doc['version']);
    if (!Number.isInteger(v)) throw yaml.error('property-invalid', '`version` must be a whole number (2)', yaml.posOf(doc, 'version'));
    out.version = v;
  }
  out.models = r.list(doc, 'models').map(([e, p]) => r.node(e, p, 'model'));
  out.seeds = r.list(doc, 'seeds').map(([e, p]) => r.node(e, p, 'seed'));
  out.snapshots = r.list(doc, 'snapshots').map(([e, p]) => r.node(e, p, 'snapshot'));
  out.analyses = r.list(doc, 'analyses').map(([e, p]) => r.node(e, p, 'analysis'));
  out.sources = r.list(doc, 'sources').map(([e, p]) => r.source(e, p));
  out.exposures = r.list(doc, 'exposures').map(([e, p]) => r.exposure(e, p));
  out.groups = r.list(doc, 'groups').map(([e, p]) => r.group(e, p));
  out.macros = r.list(doc, 'macros').map(([e, p]) => r.macro(e, p));
  out.unit_tests = r.list(doc, 'unit_tests').map(([e, p]) => r.unitTest(e, p));
  for (const [k, v] of Object.entries(doc)) if (!KNOWN_TOP.has(k)) out.other[k] = v;
  return out;
}

class PropertyReader {
  constructor(private readonly yaml: YamlFile) {}

  /** The mappings of the list at `container[key]`, each with its position. */
  list(container: Record<string, unknown>, key: string, what = key): [Record<string, unknown>, Position][] {
    const v = container[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      throw this.yaml.error('property-invalid', `\`${key}\` must be a list of entries, each starting with \`- name:\``, this.yaml.posOf(container, key));
    }
    return v.map((e, i) => {
      const p = this.yaml.posOf(v, i);
      if (!isRecord(e)) throw this.yaml.error('property-invalid', `Each entry of \`${what}\` must be a mapping with a \`name\``, p);
      return [e, p];
    });
  }

  name(e: Record<string, unknown>, p: Position, what: string): string {
    const n = e['name'];
    if (typeof n === 'string' && n !== '') return n;
    if (typeof n === 'number') return String(n);
    throw this.yaml.error('property-invalid', n === undefined ? `This ${what} has no \`name\`` : `The \`name\` of this ${what} must be a string`, n === undefined ? p : this.yaml.posOf(e, 'name'));
  }

  str(e: Record<string, unknown>, key: string): string | undefined {
    const v = e[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.yaml.error('property-invalid', `\`${key}\` must be a string`, this.yaml.posOf(e, key));
  }

  map(e: Record<string, unknown>, key: string): Record<string, unknown> {
    const v = e[key];
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) throw this.yaml.error('property-invalid', `\`${key}\` must be a mapping`, this.yaml.posOf(e, key));
    return v;
  }

  tags(e: Record<string, unknown>): string[] {
    const v = e['tags'];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return v as string[];
    throw this.yaml.error('property-invalid', '`tags` must be a string or a list of strings', this.yaml.posOf(e, 'tags'));
  }

  freshness(e: Record<string, unknown>): Record<string, unknown> | null | undefined {
    if (!('freshness' in e)) return undefined;
    const v = e['freshness'];
    if (v === null) return null;
    if (!isRecord(v)) throw this.yaml.error('property-invalid', '`freshness` must be a mapping (warn_after, error_after, filter) or null', this.yaml.posOf(e, 'freshness'));
    return v;
  }

  tests(e: Record<string, unknown>): TestDefinition[] {
    if (e['tests'] !== undefined && e['data_tests'] !== undefined) {
      throw this.yaml.error('property-invalid', 'Use either `tests` or `data_tests`, not both', this.yaml.posOf(e, 'tests'));
    }
    const key: 'tests' | 'data_tests' = e['data_tests'] !== undefined ? 'data_tests' : 'tests';
    const v = e[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.yaml.error('property-invalid', `\`${key}\` must be a list of tests`, this.yaml.posOf(e, key));
    return v.map((t, i) => this.test(t, key, this.yaml.posOf(v, i)));
  }

  test(t: unknown, key: 'tests' | 'data_tests', position: Position): TestDefinition {
    if (typeof t === 'string') return { name: t, arguments: {}, config: {}, key, raw: t, position };
    if (!isRecord(t)) throw this.yaml.error('property-invalid', 'A test must be a test name or a mapping `{test_name: {arguments}}`', position);
    let name: string;
    let body: Record<string, unknown>;
    let customName: string | undefined;
    if (typeof t['test_name'] === 'string') {
      name = t['test_name'];
      body = { ...t };
      delete body['test_name'];
    } else {
      const keys = Object.keys(t);
      if (keys.length !== 1) {
        throw this.yaml.error('property-invalid', `A test must have exactly one key, the test's name (found ${keys.map((k) => `\`${k}\``).join(', ') || 'none'})`, position, 'Indent the arguments under the test name, e.g. `- accepted_values: {values: [a, b]}`.');
      }
      name = keys[0]!;
      const v = t[name];
      if (v !== null && v !== undefined && !isRecord(v)) {
        throw this.yaml.error('property-invalid', `The arguments of test \`${name}\` must be a mapping`, this.yaml.posOf(t, name));
      }
      body = isRecord(v) ? v : {};
    }
    if (typeof body['name'] === 'string') customName = body['name'];
    const config: Record<string, unknown> = {};
    let args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === 'name' || k === 'description' || k === 'config' || k === 'arguments') continue;
      if (FLAT_TEST_CONFIG.has(k)) config[k] = v;
      else args[k] = v;
    }
    if (body['arguments'] !== undefined && body['arguments'] !== null) {
      if (!isRecord(body['arguments'])) throw this.yaml.error('property-invalid', '`arguments` of a test must be a mapping', this.yaml.posOf(body, 'arguments'));
      args = { ...args, ...body['arguments'] };
    }
    Object.assign(config, this.map(body, 'config'));
    return { name, customName, arguments: args, config, key, raw: t, position };
  }

  columns(e: Record<string, unknown>): ColumnProperties[] {
    return this.list(e, 'columns').map(([c, position]) => this.column(c, position));
  }

  column(c: Record<string, unknown>, position: Position): ColumnProperties {
    return {
      name: this.name(c, position, 'column'),
      description: this.str(c, 'description'),
      data_type: this.str(c, 'data_type'),
      quote: typeof c['quote'] === 'boolean' ? c['quote'] : undefined,
      meta: this.map(c, 'meta'),
      tags: this.tags(c),
      config: this.map(c, 'config'),
      constraints: Array.isArray(c['constraints']) ? c['constraints'] : [],
      tests: this.tests(c),
      raw: c,
      position,
    };
  }

  node(e: Record<string, unknown>, position: Position, what: string): NodeProperties {
    const name = this.name(e, position, what);
    const versions = this.list(e, 'versions').map(([v, p]) => this.version(v, p, name));
    const seen = new Map<string, VersionProperties>();
    for (const v of versions) {
      const prior = seen.get(String(v.v));
      if (prior) throw this.yaml.error('property-invalid', `Model '${name}' lists version ${String(v.v)} twice`, v.position, `the other is at line ${prior.position.line}`);
      seen.set(String(v.v), v);
    }
    const lv = e['latest_version'];
    if (lv !== undefined && lv !== null) {
      if (typeof lv !== 'string' && typeof lv !== 'number') throw this.yaml.error('property-invalid', '`latest_version` must be a version number or name', this.yaml.posOf(e, 'latest_version'));
      if (!versions.some((v) => v.v === lv)) {
        throw this.yaml.error('property-invalid', `latest_version ${String(lv)} of model '${name}' is not one of its versions (${versions.map((v) => String(v.v)).join(', ') || 'it lists none'})`, this.yaml.posOf(e, 'latest_version'));
      }
    }
    const { config, configAt } = this.groupAndAccess(e, name, what);
    return {
      name,
      description: this.str(e, 'description'),
      config,
      configAt,
      columns: this.columns(e),
      tests: this.tests(e),
      versions,
      latest_version: typeof lv === 'string' || typeof lv === 'number' ? lv : undefined,
      raw: e,
      position,
    };
  }

  /** One entry of `versions:`: its columns are the model's columns it includes, then its own. */
  version(e: Record<string, unknown>, position: Position, model: string): VersionProperties {
    const v = e['v'];
    if (typeof v !== 'string' && typeof v !== 'number') throw this.yaml.error('property-invalid', `Each version of model '${model}' needs \`v\`, a number or a name`, position);
    let include: '*' | string[] = '*';
    let exclude: string[] = [];
    let sawIncludeExclude = false;
    const own: ColumnProperties[] = [];
    const cols = e['columns'];
    if (cols !== undefined && cols !== null && !Array.isArray(cols)) throw this.yaml.error('property-invalid', '`columns` must be a list', this.yaml.posOf(e, 'columns'));
    for (const [i, c] of ((cols as unknown[] | undefined) ?? []).entries()) {
      const at = this.yaml.posOf(cols as unknown[], i);
      if (!isRecord(c)) throw this.yaml.error('property-invalid', 'Each column must be a mapping with a `name`', at);
      if (!('include' in c || 'exclude' in c)) {
        own.push(this.column(c, at));
        continue;
      }
      if (sawIncludeExclude) throw this.yaml.error('property-invalid', `Version ${String(v)} of model '${model}' has more than one include/exclude entry in its columns`, at);
      sawIncludeExclude = true;
      const inc = c['include'] ?? '*';
      if (inc === 'all' || inc === '*') include = '*';
      else if (Array.isArray(inc) && inc.every((x) => typeof x === 'string')) include = inc as string[];
      else throw this.yaml.error('property-invalid', '`include` must be `all`, `*` or a list of column names', at);
      const exc = c['exclude'] ?? [];
      if (!Array.isArray(exc) || !exc.every((x) => typeof x === 'string')) throw this.yaml.error('property-invalid', '`exclude` must be a list of column names', at);
      if (exc.length && include !== '*') throw this.yaml.error('property-invalid', '`exclude` can be given only when `include` is `all` or `*`', at);
      exclude = exc as string[];
    }
    const hasTests = (e['tests'] ?? e['data_tests']) != null;
    // a version's own `access:` is checked but, as in dbt 1.10, loses to the config's (see model-versions.ts)
    if (e['access'] != null) this.checkAccess(e['access'], `version ${String(v)} of model '${model}'`, this.yaml.posOf(e, 'access'));
    const config = this.map(e, 'config');
    const configAt: VersionProperties['configAt'] = {};
    for (const key of ['group', 'access'] as const) if (key in config) configAt[key] = this.yaml.posOf(config, key);
    this.checkGroupAndAccess(config, configAt, 'model', `version ${String(v)} of model '${model}'`);
    return {
      v,
      defined_in: this.str(e, 'defined_in'),
      description: this.str(e, 'description'),
      config,
      configAt,
      include,
      exclude,
      columns: own,
      tests: hasTests ? this.tests(e) : undefined,
      raw: e,
      position,
    };
  }

  /**
   * A node's config, with `group` and `access` written as top-level keys moved under it as
   * dbt moves them (one written in both places is an error), and where each was written.
   */
  groupAndAccess(e: Record<string, unknown>, name: string, what: string): { config: Record<string, unknown>; configAt: NonNullable<NodeProperties['configAt']> } {
    const written = this.map(e, 'config');
    const config = { ...written };
    const configAt: NonNullable<NodeProperties['configAt']> = {};
    for (const key of ['group', 'access'] as const) {
      if (key in e) {
        if (key in written) {
          throw this.yaml.error('property-invalid', `${what} '${name}' has \`${key}\` both as a top-level key and under \`config:\``, this.yaml.posOf(e, key), `keep it under config only: config: {${key}: …}`);
        }
        config[key] = e[key];
        configAt[key] = this.yaml.posOf(e, key);
      } else if (key in written) configAt[key] = this.yaml.posOf(written, key);
    }
    // as dbt 1.10: a top-level `meta` is the config's meta (given in both places, an error)
    if (e['meta'] != null) {
      if ('meta' in written) {
        throw this.yaml.error('property-invalid', `${what} '${name}' has \`meta\` both as a top-level key and under \`config:\``, this.yaml.posOf(e, 'meta'), 'keep it under config only: config: {meta: {…}}');
      }
      config.meta = this.map(e, 'meta');
    }
    this.checkGroupAndAccess(config, configAt, what, `${what} '${name}'`);
    return { config, configAt };
  }

  /** A group is a name; a model's access is one dbt knows (other nodes have none: dbt keeps theirs as an unused config). */
  checkGroupAndAccess(config: Record<string, unknown>, at: NonNullable<NodeProperties['configAt']>, what: string, label: string): void {
    const group = config['group'];
    if (group != null && typeof group !== 'string') throw this.yaml.error('property-invalid', `the group of ${label} must be a group's name`, at.group!);
    if (what === 'model' && config['access'] != null) this.checkAccess(config['access'], label, at.access!);
  }

  checkAccess(value: unknown, label: string, at: Position): void {
    if (typeof value === 'string' && ACCESS_VALUES.includes(value)) return;
    throw this.yaml.error('property-invalid', `${label} has an invalid value ${JSON.stringify(value)} for access: it is private, protected or public`, at);
  }

  /** The `owner` of a group or exposure: it has a name or an email, as dbt requires. */
  owner(e: Record<string, unknown>, label: string, position: Position): Record<string, unknown> {
    const owner = this.map(e, 'owner');
    if (owner['name'] == null && owner['email'] == null) {
      throw this.yaml.error('property-invalid', `${label} needs an owner with a name or an email`, e['owner'] == null ? position : this.yaml.posOf(e, 'owner'), 'e.g. owner: {name: Finance team, email: finance@example.com}');
    }
    return owner;
  }

  /** A group: a name and an owner with a name or an email (dbt allows no other keys). */
  group(e: Record<string, unknown>, position: Position): GroupProperties {
    const name = this.name(e, position, 'group');
    for (const key of Object.keys(e)) {
      if (GROUP_KEYS.includes(key)) continue;
      throw this.yaml.error('property-invalid', `group '${name}' has an unknown key \`${key}\` (a group has ${GROUP_KEYS.join(', ')})`, this.yaml.posOf(e, key), key === 'meta' ? 'put it under config: config: {meta: {…}}' : undefined);
    }
    const owner = this.owner(e, `group '${name}'`, position);
    return { name, owner, description: this.str(e, 'description'), config: this.map(e, 'config'), raw: e, position };
  }

  source(e: Record<string, unknown>, position: Position): SourceProperties {
    const tables: SourceTableProperties[] = this.list(e, 'tables').map(([t, p]) => ({
      name: this.name(t, p, 'source table'),
      description: this.str(t, 'description'),
      identifier: this.str(t, 'identifier'),
      loaded_at_field: this.str(t, 'loaded_at_field'),
      freshness: this.freshness(t),
      meta: this.map(t, 'meta'),
      tags: this.tags(t),
      config: this.map(t, 'config'),
      quoting: this.map(t, 'quoting'),
      external: isRecord(t['external']) ? t['external'] : undefined,
      columns: this.columns(t),
      tests: this.tests(t),
      raw: t,
      position: p,
    }));
    return {
      name: this.name(e, position, 'source'),
      description: this.str(e, 'description'),
      database: this.str(e, 'database'),
      schema: this.str(e, 'schema'),
      loader: this.str(e, 'loader'),
      loaded_at_field: this.str(e, 'loaded_at_field'),
      freshness: this.freshness(e),
      meta: this.map(e, 'meta'),
      tags: this.tags(e),
      config: this.map(e, 'config'),
      quoting: this.map(e, 'quoting'),
      overrides: this.str(e, 'overrides'),
      tables,
      raw: e,
      position,
    };
  }

  exposure(e: Record<string, unknown>, position: Position): ExposureProperties {
    const deps = e['depends_on'];
    if (deps !== undefined && deps !== null && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string'))) {
      throw this.yaml.error('property-invalid', "`depends_on` of an exposure must be a list such as `- ref('orders')`", this.yaml.posOf(e, 'depends_on'));
    }
    // as dbt: a type it knows, an owner with a name or an email, a maturity it knows
    const name = this.name(e, position, 'exposure');
    const type = this.str(e, 'type');
    if (!type || !EXPOSURE_TYPES.includes(type)) {
      throw this.yaml.error('property-invalid', `exposure '${name}' needs a type: ${EXPOSURE_TYPES.join(', ')}${type ? ` (not '${type}')` : ''}`, type ? this.yaml.posOf(e, 'type') : position);
    }
    const owner = this.owner(e, `exposure '${name}'`, position);
    const maturity = this.str(e, 'maturity');
    if (maturity !== undefined && !['low', 'medium', 'high'].includes(maturity)) {
      throw this.yaml.error('property-invalid', `the maturity of exposure '${name}' is low, medium or high (not '${maturity}')`, this.yaml.posOf(e, 'maturity'));
    }
    return {
      name,
      type,
      label: this.str(e, 'label'),
      description: this.str(e, 'description'),
      url: this.str(e, 'url'),
      maturity,
      owner,
      depends_on: (deps as string[] | undefined | null) ?? [],
      meta: this.map(e, 'meta'),
      tags: this.tags(e),
      config: this.map(e, 'config'),
      raw: e,
      position,
    };
  }

  macro(e: Record<string, unknown>, position: Position): MacroProperties {
    return {
      name: this.name(e, position, 'macro'),
      description: this.str(e, 'description'),
      arguments: this.list(e, 'arguments').map(([a, p]) => ({
        name: this.name(a, p, 'macro argument'),
        type: this.str(a, 'type'),
        description: this.str(a, 'description'),
      })),
      raw: e,
      position,
    };
  }

  unitTest(e: Record<string, unknown>, position: Position): UnitTestProperties {
    const model = this.str(e, 'model');
    if (!model) throw this.yaml.error('property-invalid', 'A unit test needs `model`', position);
    const given = e['given'];
    if (given !== undefined && given !== null && !Array.isArray(given)) {
      throw this.yaml.error('property-invalid', '`given` of a unit test must be a list of inputs', this.yaml.posOf(e, 'given'));
    }
    return {
      name: this.name(e, position, 'unit test'),
      model,
      description: this.str(e, 'description'),
      given: (given as unknown[] | undefined | null) ?? [],
      expect: e['expect'],
      overrides: e['overrides'],
      config: this.map(e, 'config'),
      raw: e,
      position,
    };
  }
}
