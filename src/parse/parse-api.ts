/**
 * Parsing as the API and the CLI do it: the options every command shares, `--vars`, and
 * `parse` (parse the project, write the manifest, the patch index and the fingerprint). Kept
 * apart from the runner so that `strata parse` loads only what parsing needs.
 */
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StrataError } from '../errors.js';
import { scrubSecrets, secretValues } from '../project/index.js';
import { reporterFor, type LogFormat, type Reporter } from '../report/reporter.js';
import { writeFingerprint } from './fingerprint.js';
import { serializeManifest, writeManifest } from './manifest.js';
import { writePatchIndex } from './patch.js';
import { parseProject, type ParsedProject } from './parser.js';
import { checkRelationUniqueness } from './relation-uniqueness.js';
import type { ParseWarning } from './parse-warning.js';

export { reporterFor };

/** The options every command takes (the CLI's global flags). */
export interface CommonOptions {
  projectDir?: string;
  profilesDir?: string;
  /** `--profile`: the profile to use instead of dbt_project.yml's. */
  profile?: string;
  target?: string;
  /** `--vars`: an object, or YAML/JSON text. */
  vars?: Record<string, unknown> | string;
  select?: string[];
  exclude?: string[];
  selector?: string;
  /** `--state`: a folder holding an older manifest.json (and run_results.json, sources.json), for `state:`, `result:`, `source_status:`. */
  state?: string;
  /** `--defer`: refs to nodes this run does not build may read another environment's relations (named by `deferState`, else `state`). */
  defer?: boolean;
  /** `--defer-state`: the folder of the manifest to defer to, when it is not `state`'s. */
  deferState?: string;
  /** `--favor-state`: with `defer`, every unselected node is read from the other environment. */
  favorState?: boolean;
  /** `--target-path`: where artifacts go (manifest.json, run_results.json, compiled SQL…), instead of dbt_project.yml's `target-path`. */
  targetPath?: string;
  /** `--warn-error`: warnings are errors (a test that would warn fails; a selection of nothing fails). */
  warnError?: boolean;
  /** `--warn-error-options`: which warnings are errors, by dbt's event names (`error: all` or a list, less `warn:`). */
  warnErrorOptions?: Record<string, unknown> | string;
  /** `--indirect-selection`: how tests follow the nodes they test. */
  indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  logFormat?: LogFormat;
  color?: boolean;
  reporter?: Reporter;
  /** Use the parse cache (default true). */
  partialParse?: boolean;
}

/**
 * Whether the warning dbt names `event` (`LogTestResult`: a test that would warn;
 * `NoNodesForSelectionCriteria`: a selection of nothing) is an error: `--warn-error` makes every
 * warning one; `--warn-error-options` names them (`error: all`, or a list, less `warn:`; dbt's
 * older `include`/`exclude` too).
 */
export function warnIsError(o: Pick<CommonOptions, 'warnError' | 'warnErrorOptions'>, event: string): boolean {
  if (o.warnError) return true;
  if (o.warnErrorOptions === undefined) return false;
  let v: unknown = o.warnErrorOptions;
  if (typeof v === 'string') {
    try {
      v = parseYaml(v);
    } catch (e) {
      throw new StrataError('usage', `--warn-error-options is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, { hint: `for example --warn-error-options '{"error": "all", "warn": ["NoNodesForSelectionCriteria"]}'` });
    }
  }
  if (v === null || v === undefined) return false;
  if (typeof v !== 'object' || Array.isArray(v)) throw new StrataError('usage', '--warn-error-options must be a mapping with `error` and `warn` lists', { hint: `for example --warn-error-options '{"error": ["LogTestResult"]}'` });
  const m = v as Record<string, unknown>;
  const names = (x: unknown) => (x === 'all' || x === '*' ? ['all'] : Array.isArray(x) ? x.map(String) : x === undefined || x === null ? [] : [String(x)]);
  const error = names(m.error ?? m.include);
  const warn = names(m.warn ?? m.exclude);
  return (error.includes('all') || error.includes(event)) && !warn.includes(event);
}

/**
 * Print the parse's warnings; one that `--warn-error` (or its options) makes an error ends the
 * command with it. Only the warnings dbt gives too can be errors: Strata's own notes
 * (`ParseWarning`) must not fail a project that dbt builds under --warn-error.
 */
export function reportParseWarnings(reporter: { warn(message: string): void }, warnings: readonly ParseWarning[], o: Pick<CommonOptions, 'warnError' | 'warnErrorOptions'>): void {
  const fatal = warnings.find((w) => w.event !== 'ParseWarning' && warnIsError(o, w.event));
  for (const w of warnings) if (w !== fatal) reporter.warn(w.message);
  if (fatal) {
    throw new StrataError('warn-error', fatal.message, { hint: `a warning is an error under --warn-error (this one is ${fatal.event}; --warn-error-options '{"error": "all", "warn": ["${fatal.event}"]}' keeps it a warning)` });
  }
}

/** `--vars` as an object: YAML or JSON text is parsed, and must be a mapping. */
export function parseVars(v: CommonOptions['vars']): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== 'string') return v;
  let parsed: unknown;
  try {
    parsed = parseYaml(v);
  } catch (e) {
    throw new StrataError('usage', `--vars is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, { hint: `for example --vars '{"start_date": "2024-01-01"}'` });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new StrataError('usage', '--vars must be a mapping of names to values', { hint: `for example --vars '{my_var: 1}'` });
  return parsed as Record<string, unknown>;
}

/** Parse the project and write `target/manifest.json`. */
export async function parse(o: CommonOptions & { flags?: Record<string, unknown> } = {}): Promise<ParsedProject> {
  const reporter = reporterFor(o);
  reporter.addSecrets(secretValues(null, process.env));
  const parsed = await parseProject({
    projectDir: resolve(o.projectDir ?? '.'),
    profilesDir: o.profilesDir,
    profile: o.profile,
    target: o.target,
    targetPath: o.targetPath,
    vars: parseVars(o.vars),
    cache: o.partialParse !== false,
    flags: o.flags,
    keepManifest: true,
    saveInBackground: true,
    log: (msg, info, print) => (print ? reporter.printed(msg) : info ? reporter.info(msg) : undefined),
  });
  // as dbt: two nodes may not be the same relation (tests count when they store failures)
  checkRelationUniqueness(parsed.manifest, o.flags?.STORE_FAILURES === true);
  const secrets = secretValues(parsed.project.profile, process.env);
  reporter.addSecrets(secrets);
  if (reporter.logsDebug) {
    parsed.statementLog = ({ sql, ms, error }) => reporter.debug(`SQL ${error ? `failed after ${ms.toFixed(1)} ms: ${error}` : `ran in ${ms.toFixed(1)} ms`}:\n${sql.trim()}`);
  }
  for (const n of parsed.project.notices) reporter.info(n);
  reportParseWarnings(reporter, parsed.warnings, o);
  // The cache, manifest.json and the patch index are written at once (the first two on
  // libuv's threads); the fingerprint, which vouches for the manifest, comes last.
  try {
    const targetPath = parsed.project.targetPath;
    const serialized = parsed.takeManifest() ?? serializeManifest(parsed.manifest);
    const writing = writeManifest(targetPath, serialized);
    const patch = parsed.inputs ? writePatchIndex(targetPath, parsed.patchEntries(), serialized.nodeRanges, parsed.macroIndex()) : undefined;
    const file = await writing;
    if (parsed.inputs) {
      const scrub = (lines: string[]) => lines.map((l) => scrubSecrets(l, secrets));
      const warnings = parsed.warnings.map((w) => ({ ...w, message: scrubSecrets(w.message, secrets) }));
      writeFingerprint(targetPath, parsed.inputs, file, { rootDir: parsed.project.root.dir, notices: scrub(parsed.project.notices), warnings, summary: countNodes(parsed), env: process.env, patch });
    }
  } finally {
    await parsed.cacheSaved;
  }
  return parsed;
}

/** What a parse found, as dbt prints it: "12 models, 30 tests, 2 sources, 90 macros". */
export function countNodes(parsed: ParsedProject): string {
  const by: Record<string, number> = {};
  for (const n of Object.values(parsed.manifest.nodes)) by[n.resource_type] = (by[n.resource_type] ?? 0) + 1;
  const parts = Object.entries(by).map(([k, v]) => `${v} ${k}${v === 1 ? '' : k === 'analysis' ? '' : 's'}`);
  parts.push(`${Object.keys(parsed.manifest.sources).length} sources`, `${Object.keys(parsed.manifest.macros).length} macros`);
  return parts.join(', ');
}
