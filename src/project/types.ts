/**
 * The typed shape of a dbt project as Strata reads it: the project file, its packages,
 * the profile target, the files found under the configured paths, the YAML property
 * files and the docs blocks. Nothing here renders SQL; that is the parse stage's job.
 */

/** Where something was declared. `file` is a display path (relative to the root project when inside it). */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** What kind of file a hook call renders. */
export type RenderKind = 'project' | 'profile' | 'properties' | 'packages';

/**
 * Renders one YAML string value that contains `{{` or `{%`. The caller supplies it (the
 * real Jinja engine with `env_var` and `var`); its result replaces the string.
 */
export type RenderHook = (
  text: string,
  where: {
    file: string;
    line: number;
    column: number;
    kind: RenderKind;
    /** Where the value is in its file (keys and list indexes). */
    path?: readonly (string | number)[];
    /** For property files: the package the file belongs to, and the vars in scope. */
    packageName?: string;
    vars?: VarScope;
    /** For property files: the `target` object (dbt renders them with the profile's target). */
    target?: Record<string, unknown>;
  },
) => Promise<unknown>;

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** The folder holding dbt_project.yml. */
  projectDir: string;
  /** `--profiles-dir`: wins over every other place profiles.yml is looked for. */
  profilesDir?: string;
  /** `--profile`: wins over dbt_project.yml's `profile:`. */
  profile?: string;
  /** `--target`: wins over the profile's `target:`. */
  target?: string;
  /** `--vars`, already parsed. */
  vars?: Record<string, unknown>;
  /** `--target-path`: wins over dbt_project.yml's `target-path` (relative to the project). */
  targetPath?: string;
  /** The folder holding Strata's shipped `packages/` (for `package: strata/<name>`). */
  strataRoot: string;
  /** Renders templated YAML values; without it, templated strings are kept as written. */
  render?: RenderHook;
  /** The environment to read (defaults to `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Read only the packages' macro and generic-test files (no models, YAML, docs…): enough
   * to render one node again when the rest of the project is known not to have changed.
   */
  macrosOnly?: boolean;
}

/** A config tree of dbt_project.yml (`models:`, `seeds:` …): folders nest, `+key` is config. */
export type ConfigTree = Record<string, unknown>;

/** A hook as written: a SQL string, or `{sql, transaction}`. */
export type HookEntry = string | { sql: string; transaction?: boolean };

/** One project-level hook (`on-run-start` / `on-run-end`), unrendered. */
export interface HookSource {
  /** The raw SQL/Jinja text of the hook. */
  sql: string;
  /** Whether it runs inside the transaction (dbt's default true). */
  transaction: boolean;
  /** The package whose dbt_project.yml declared it. */
  packageName: string;
  /** Its position in that package's list, from 0. */
  index: number;
  position: Position;
}

/** A `dispatch:` entry of the root project. */
export interface DispatchConfig {
  macro_namespace: string;
  search_order: string[];
}

/** The typed content of a dbt_project.yml, with dbt's defaults applied. */
export interface DbtProjectConfig {
  name: string;
  version?: string;
  'config-version': number;
  profile?: string;
  'model-paths': string[];
  'macro-paths': string[];
  'seed-paths': string[];
  'test-paths': string[];
  'snapshot-paths': string[];
  'analysis-paths': string[];
  /** Where docs blocks are looked for; when not set, every other path is searched. */
  'docs-paths'?: string[];
  'asset-paths': string[];
  'target-path': string;
  'log-path'?: string;
  'packages-install-path': string;
  'clean-targets': string[];
  'require-dbt-version'?: string | string[];
  vars: Record<string, unknown>;
  models: ConfigTree;
  seeds: ConfigTree;
  snapshots: ConfigTree;
  /** `tests:` and `data-tests:`/`data_tests:` merged. */
  tests: ConfigTree;
  sources: ConfigTree;
  exposures: ConfigTree;
  analyses: ConfigTree;
  unit_tests: ConfigTree;
  quoting: Record<string, unknown>;
  dispatch: DispatchConfig[];
  'on-run-start': HookEntry[];
  'on-run-end': HookEntry[];
  flags: Record<string, unknown>;
  /** Where the config trees set `group` and `access` (`+group: finance`), for errors about their values. */
  groupAndAccessAt: { key: 'group' | 'access'; value: unknown; position: Position }[];
  /** The whole rendered document, for keys Strata does not type. */
  raw: Record<string, unknown>;
}

/** The kind of a discovered file. */
export type ProjectFileKind =
  | 'model'
  | 'analysis'
  | 'macro'
  | 'seed'
  | 'snapshot'
  | 'singular_test'
  | 'generic_test'
  | 'docs'
  | 'properties';

/** A file found under one of a package's configured paths. */
export interface ProjectFile {
  kind: ProjectFileKind;
  /** Relative to the package folder, with forward slashes. */
  path: string;
  absPath: string;
  contents: string;
  /** sha256 of `contents`, hex. */
  hash: string;
}

/** A generic test as written on a model, column, source or table (not yet instantiated). */
export interface TestDefinition {
  /** The test macro's name as written: `unique`, `dbt_utils.expression_is_true`. */
  name: string;
  /** A custom node name given with `name:` inside the test, if any. */
  customName?: string;
  /** The test's arguments (from `arguments:` or the flat keys). */
  arguments: Record<string, unknown>;
  /** The test's config (`config:` plus flat config keys such as `severity`, `where`). */
  config: Record<string, unknown>;
  /** Which list it came from. */
  key: 'tests' | 'data_tests';
  /** The entry exactly as written. */
  raw: unknown;
  position: Position;
}

/** A column's properties. */
export interface ColumnProperties {
  name: string;
  description?: string;
  data_type?: string;
  quote?: boolean;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  constraints: unknown[];
  tests: TestDefinition[];
  raw: Record<string, unknown>;
  position: Position;
}

/** Properties of a model, seed, snapshot or analysis. */
export interface NodeProperties {
  name: string;
  description?: string;
  config: Record<string, unknown>;
  columns: ColumnProperties[];
  tests: TestDefinition[];
  /** Versions of a versioned model (`versions:`). */
  versions: VersionProperties[];
  latest_version?: string | number;
  raw: Record<string, unknown>;
  position: Position;
  /**
   * Where `group` and `access` were written (as top-level keys or under `config:`), for
   * errors about their values; a version's own over the model's.
   */
  configAt?: Partial<Record<'group' | 'access', Position>>;
}

/** One entry of a model's `versions:`. */
export interface VersionProperties {
  v: string | number;
  /** The stem of the file that defines this version (default `<model>_v<v>`). */
  defined_in?: string;
  description?: string;
  config: Record<string, unknown>;
  /** Which of the model's columns this version has (`- include: all`, `exclude: [...]`; default all). */
  include: '*' | string[];
  exclude: string[];
  /** The version's own columns, added to (or replacing) the model's. */
  columns: ColumnProperties[];
  /** The version's tests, replacing the model's; undefined when it has none of its own. */
  tests?: TestDefinition[];
  raw: Record<string, unknown>;
  position: Position;
  /** Where the version's `config:` sets `group` and `access`. */
  configAt?: Partial<Record<'group' | 'access', Position>>;
}

/** One table of a source. */
export interface SourceTableProperties {
  name: string;
  description?: string;
  identifier?: string;
  loaded_at_field?: string;
  /** `null` when explicitly switched off; undefined when inherited. */
  freshness?: Record<string, unknown> | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  quoting: Record<string, unknown>;
  external?: Record<string, unknown>;
  columns: ColumnProperties[];
  tests: TestDefinition[];
  raw: Record<string, unknown>;
  position: Position;
}

/** A source with its tables. */
export interface SourceProperties {
  name: string;
  description?: string;
  database?: string;
  schema?: string;
  loader?: string;
  loaded_at_field?: string;
  freshness?: Record<string, unknown> | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  quoting: Record<string, unknown>;
  overrides?: string;
  tables: SourceTableProperties[];
  raw: Record<string, unknown>;
  position: Position;
}

/** An exposure. `depends_on` keeps the raw `ref('x')` / `source('a','b')` strings. */
export interface ExposureProperties {
  name: string;
  type?: string;
  label?: string;
  description?: string;
  url?: string;
  maturity?: string;
  owner: Record<string, unknown>;
  depends_on: string[];
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  raw: Record<string, unknown>;
  position: Position;
}

/**
 * A group (`groups:` in a property file): an owner for the nodes that name it in their
 * `group` config; a private model can be referred to only from inside its group.
 */
export interface GroupProperties {
  name: string;
  /** `name` and/or `email` (a string or a list), and any other keys as written. */
  owner: Record<string, unknown>;
  description?: string;
  config: Record<string, unknown>;
  raw: Record<string, unknown>;
  position: Position;
}

/** A macro's documented properties. */
export interface MacroProperties {
  name: string;
  description?: string;
  arguments: { name: string; type?: string; description?: string }[];
  raw: Record<string, unknown>;
  position: Position;
}

/** A unit test, raw except its name and model. */
export interface UnitTestProperties {
  name: string;
  model: string;
  description?: string;
  given: unknown[];
  expect: unknown;
  overrides?: unknown;
  config: Record<string, unknown>;
  raw: Record<string, unknown>;
  position: Position;
}

/** A parsed YAML property file (schema.yml and friends). */
export interface PropertyFile {
  /** Relative to the package folder, forward slashes. */
  path: string;
  absPath: string;
  hash: string;
  /** The file's text (for code frames). */
  contents: string;
  version?: number;
  models: NodeProperties[];
  seeds: NodeProperties[];
  snapshots: NodeProperties[];
  analyses: NodeProperties[];
  sources: SourceProperties[];
  exposures: ExposureProperties[];
  groups: GroupProperties[];
  macros: MacroProperties[];
  unit_tests: UnitTestProperties[];
  /** Other top-level keys (metrics, semantic_models …) kept raw. */
  other: Record<string, unknown>;
}

/** A `{% docs name %}…{% enddocs %}` block. */
export interface DocBlock {
  name: string;
  /** The block's text, trimmed. */
  contents: string;
  /** Display path of the .md file. */
  file: string;
  /** Relative to the package folder. */
  path: string;
  line: number;
}

/** One package of the project (the root project is one too). */
export interface PackageProject {
  name: string;
  version?: string;
  /** Absolute folder. */
  dir: string;
  isRoot: boolean;
  config: DbtProjectConfig;
  /** Every discovered file, including properties and docs files. */
  files: ProjectFile[];
  properties: PropertyFile[];
  docs: DocBlock[];
  /** Names of the packages it declared in packages.yml (resolved). */
  dependencies: string[];
}

/** The profile target the project connects with. */
export interface ResolvedTarget {
  profileName: string;
  targetName: string;
  /** `duckdb`, `postgres` … */
  type: string;
  threads: number;
  /** Every field of the target output, rendered. */
  fields: Record<string, unknown>;
  /** Dotted paths into `fields` whose values must never be printed. */
  secretFields: string[];
  /** Absolute path of the profiles.yml it came from. */
  file: string;
}

/** Var values by scope. Resolve with `resolveVar`. */
export interface VarScope {
  /** `--vars`. */
  cli: Record<string, unknown>;
  rootPackage: string;
  /** Per package: its own dbt_project.yml vars, split into global and package-scoped. */
  packages: Record<string, { global: Record<string, unknown>; scoped: Record<string, Record<string, unknown>> }>;
}

/** A selector expression of selectors.yml. */
export type SelectorExpr =
  | { kind: 'spec'; spec: string; position: Position }
  | {
      kind: 'method';
      method: string;
      value: string;
      parents: boolean;
      children: boolean;
      parentsDepth?: number;
      childrenDepth?: number;
      childrensParents: boolean;
      indirectSelection?: IndirectSelection;
      position: Position;
    }
  | { kind: 'union' | 'intersection'; items: SelectorExpr[]; exclude: SelectorExpr[]; position: Position };

/** How tests are picked up with the nodes they test. */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

/** A named selector of selectors.yml. */
export interface SelectorDefinition {
  name: string;
  description?: string;
  default: boolean;
  definition: SelectorExpr;
  position: Position;
}

/** A non-fatal finding, printed as a warning by the caller. */
export interface ProjectWarning {
  code: string;
  message: string;
  position?: Position;
}

/** A whole loaded project. */
export interface Project {
  root: PackageProject;
  /** Root first, then its dependencies (depth first, each once). */
  packages: PackageProject[];
  /** `null`: no profile at all; the caller uses embedded DuckDB at `target/<name>.duckdb`. */
  profile: ResolvedTarget | null;
  vars: VarScope;
  selectors: SelectorDefinition[];
  dispatch: DispatchConfig[];
  /** Hooks of every package: packages by name first, then the root (dbt's order). */
  onRunStart: HookSource[];
  onRunEnd: HookSource[];
  /** Absolute target folder. */
  targetPath: string;
  /** Absolute path of the embedded DuckDB file used when `profile` is null. */
  defaultDuckdbPath: string;
  /** One-line notices for the user (such as "no profile found: using embedded DuckDB"). */
  notices: string[];
  warnings: ProjectWarning[];
}
