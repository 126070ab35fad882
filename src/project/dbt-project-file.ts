/**
 * Reading dbt_project.yml into a typed {@link DbtProjectConfig}, with dbt's defaults.
 * Hooks (`on-run-start`, `on-run-end`, `pre-hook`, `post-hook`) are kept unrendered.
 */
import { join } from 'node:path';
import { StrataError } from '../errors.js';
import { displayPath } from './display-path.js';
import { ACCESS_VALUES, isConfigKey } from './config-keys.js';
import { normalizeConfigKey } from './merge-config.js';
import type { DbtProjectConfig, DispatchConfig, HookEntry, HookSource, RenderHook } from './types.js';
import { readInput } from './input-log.js';
import { isRecord, YamlFile } from './yaml-file.js';

const HOOK_KEYS = new Set(['pre-hook', 'post-hook', '+pre-hook', '+post-hook', 'pre_hook', 'post_hook', '+pre_hook', '+post_hook']);

/** dbt_project.yml as read: the typed config, the hooks with positions, and the YAML itself. */
export interface ReadDbtProject {
  config: DbtProjectConfig;
  file: string;
  yaml: YamlFile;
  onRunStart: HookSource[];
  onRunEnd: HookSource[];
}

/** Whether the value at `path` of dbt_project.yml is rendered when the project is read. */
export function rendersInProjectFile(path: readonly (string | number)[]): boolean {
  if (path[0] === 'on-run-start' || path[0] === 'on-run-end') return false;
  return !path.some((p) => typeof p === 'string' && HOOK_KEYS.has(p));
}

/** Read `<dir>/dbt_project.yml`. `rootDir` sets how file names are shown. */
export async function readDbtProject(dir: string, rootDir: string, render?: RenderHook): Promise<ReadDbtProject> {
  const abs = join(dir, 'dbt_project.yml');
  const file = displayPath(rootDir, abs);
  let source: string;
  try {
    source = readInput(abs).contents;
  } catch {
    throw new StrataError('project-not-found', `No dbt_project.yml found in ${dir}`, {
      position: { file },
      hint: 'Run Strata from a dbt project folder, pass --project-dir, or create one with `strata init`.',
    });
  }
  const yaml = new YamlFile(file, source, rendersInProjectFile);
  await yaml.render(render, 'project');
  const doc = yaml.value;
  if (!isRecord(doc)) {
    throw yaml.error('project-invalid', `${file} must be a mapping of keys to values`, { file, line: 1, column: 1 });
  }
  const str = (key: string): string | undefined => {
    const v = doc[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw yaml.error('project-invalid', `\`${key}\` in ${file} must be a string`, yaml.posOf(doc, key));
  };
  const paths = (key: string, fallback: string[] | undefined): string[] | undefined => {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw yaml.error('project-invalid', `\`${key}\` in ${file} must be a list of folder names`, yaml.posOf(doc, key));
  };
  const tree = (...keys: string[]): Record<string, unknown> => {
    let out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = doc[key];
      if (v === undefined || v === null) continue;
      if (!isRecord(v)) throw yaml.error('project-invalid', `\`${key}\` in ${file} must be a mapping`, yaml.posOf(doc, key));
      out = { ...out, ...v };
    }
    return out;
  };

  const name = str('name');
  if (!name) {
    throw yaml.error('project-invalid', `${file} has no \`name\``, { file, line: 1, column: 1 }, 'Add `name: my_project` (letters, digits and underscores).');
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw yaml.error(
      'project-invalid',
      `Project name "${name}" is not a valid identifier`,
      yaml.posOf(doc, 'name'),
      'Use only letters, digits and underscores, not starting with a digit.',
    );
  }
  const configVersion = doc['config-version'];
  if (configVersion !== undefined && configVersion !== 2) {
    throw yaml.error('project-invalid', `config-version ${String(configVersion)} is not supported; use 2`, yaml.posOf(doc, 'config-version'));
  }
  const targetPath = str('target-path') ?? 'target';
  const rdv = doc['require-dbt-version'];
  const config: DbtProjectConfig = {
    name,
    version: str('version'),
    'config-version': 2,
    profile: str('profile'),
    'model-paths': paths('model-paths', paths('source-paths', ['models']))!,
    'macro-paths': paths('macro-paths', ['macros'])!,
    'seed-paths': paths('seed-paths', paths('data-paths', ['seeds']))!,
    'test-paths': paths('test-paths', ['tests'])!,
    'snapshot-paths': paths('snapshot-paths', ['snapshots'])!,
    'analysis-paths': paths('analysis-paths', ['analyses'])!,
    'docs-paths': paths('docs-paths', undefined),
    'asset-paths': paths('asset-paths', [])!,
    'target-path': targetPath,
    'log-path': str('log-path'),
    'packages-install-path': str('packages-install-path') ?? 'dbt_packages',
    'clean-targets': paths('clean-targets', [targetPath])!,
    'require-dbt-version': typeof rdv === 'string' || Array.isArray(rdv) ? (rdv as string | string[]) : undefined,
    vars: tree('vars'),
    models: tree('models'),
    seeds: tree('seeds'),
    snapshots: tree('snapshots'),
    tests: tree('tests', 'data_tests', 'data-tests'),
    sources: tree('sources'),
    exposures: tree('exposures'),
    analyses: tree('analyses'),
    unit_tests: tree('unit_tests', 'unit-tests'),
    quoting: tree('quoting'),
    dispatch: readDispatch(yaml, doc, file),
    'on-run-start': hookList(yaml, doc, 'on-run-start', file),
    'on-run-end': hookList(yaml, doc, 'on-run-end', file),
    flags: tree('flags'),
    groupAndAccessAt: [],
    raw: doc,
  };
  for (const key of ['models', 'seeds', 'snapshots', 'tests', 'data_tests', 'data-tests', 'analyses']) {
    if (isRecord(doc[key])) findGroupAndAccess(yaml, doc[key], key === 'models', config.groupAndAccessAt);
  }
  return {
    config,
    file,
    yaml,
    onRunStart: hookSources(yaml, doc, 'on-run-start', name),
    onRunEnd: hookSources(yaml, doc, 'on-run-end', name),
  };
}

/**
 * Each `group`/`access` (`+group: finance`) of a config tree, with its position; a model's
 * access must be one dbt knows and a group is a name.
 */
function findGroupAndAccess(yaml: YamlFile, level: Record<string, unknown>, models: boolean, out: DbtProjectConfig['groupAndAccessAt']): void {
  for (const [rawKey, value] of Object.entries(level)) {
    const key = normalizeConfigKey(rawKey);
    if (key === 'group' || key === 'access') {
      const position = yaml.posOf(level, rawKey);
      if (key === 'group' && value != null && typeof value !== 'string') throw yaml.error('project-invalid', `\`${rawKey}\` must be a group's name`, position);
      if (key === 'access' && models && value != null && !(typeof value === 'string' && ACCESS_VALUES.includes(value))) {
        throw yaml.error('project-invalid', `${JSON.stringify(value)} is not a valid access: it is private, protected or public`, position);
      }
      out.push({ key, value, position });
    } else if (isRecord(value) && !isConfigKey(rawKey)) findGroupAndAccess(yaml, value, models, out);
  }
}

function readDispatch(yaml: YamlFile, doc: Record<string, unknown>, file: string): DispatchConfig[] {
  const v = doc['dispatch'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw yaml.error('project-invalid', `\`dispatch\` in ${file} must be a list`, yaml.posOf(doc, 'dispatch'));
  return v.map((entry, i) => {
    const ok =
      isRecord(entry) &&
      typeof entry['macro_namespace'] === 'string' &&
      Array.isArray(entry['search_order']) &&
      (entry['search_order'] as unknown[]).every((s) => typeof s === 'string');
    if (!ok) {
      throw yaml.error(
        'project-invalid',
        `Each \`dispatch\` entry needs \`macro_namespace\` (a string) and \`search_order\` (a list of package names)`,
        yaml.posOf(v, i),
      );
    }
    return { macro_namespace: entry['macro_namespace'] as string, search_order: [...(entry['search_order'] as string[])] };
  });
}

function hookList(yaml: YamlFile, doc: Record<string, unknown>, key: string, file: string): HookEntry[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((h, i) => {
    if (typeof h === 'string') return h;
    if (isRecord(h) && typeof h['sql'] === 'string') {
      return { sql: h['sql'], transaction: typeof h['transaction'] === 'boolean' ? h['transaction'] : undefined };
    }
    throw yaml.error('project-invalid', `Each \`${key}\` hook in ${file} must be SQL text or {sql, transaction}`, Array.isArray(v) ? yaml.posOf(v, i) : yaml.posOf(doc, key));
  });
}

function hookSources(yaml: YamlFile, doc: Record<string, unknown>, key: string, packageName: string): HookSource[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((h, i) => {
    const position = Array.isArray(v) ? yaml.posOf(v, i) : yaml.posOf(doc, key);
    if (typeof h === 'string') return { sql: h, transaction: true, packageName, index: i, position };
    const rec = h as Record<string, unknown>;
    return { sql: String(rec['sql']), transaction: rec['transaction'] !== false, packageName, index: i, position };
  });
}
