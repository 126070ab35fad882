/**
 * The `strata` command line: parses arguments and calls the programmatic API. Exit codes
 * as dbt's: 0 success, 1 a node failed, 2 a project or usage error.
 */
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { formatError, StrataError } from '../errors.js';
import { Reporter, type LogFormat, type ShownLevel } from '../report/reporter.js';
import { LogFile, type FileLogLevel } from '../report/log-file.js';
import type * as Api from '../api.js';
import { STRATA_VERSION } from '../parse/manifest.js';
import { generateCommand } from './generate.js';
import { docsCommand } from './docs.js';
import { envFlag, envValue } from './env.js';

interface GlobalFlags {
  projectDir?: string;
  profilesDir?: string;
  profile?: string;
  target?: string;
  vars?: string;
  select?: string[];
  models?: string[];
  exclude?: string[];
  selector?: string;
  state?: string;
  defer?: boolean;
  deferState?: string;
  favorState?: boolean;
  warnError?: boolean;
  warnErrorOptions?: string;
  targetPath?: string;
  indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  logFormat?: LogFormat;
  color?: boolean;
  partialParse?: boolean;
  quiet?: boolean;
  print?: boolean;
  debug?: boolean;
  logLevel?: string;
  logPath?: string;
  logLevelFile?: string;
  logFormatFile?: string;
  logFileMaxBytes?: number;
}

function common(cmd: Command, selection = true): Command {
  cmd
    .option('--project-dir <dir>', 'the folder holding dbt_project.yml (default: the current folder)')
    .option('--profiles-dir <dir>', 'the folder holding profiles.yml')
    .option('--profile <name>', 'the profile to use, instead of dbt_project.yml\'s `profile` (or DBT_PROFILE)')
    .option('-t, --target <name>', 'the profile target to use (or DBT_TARGET)')
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{"key": "value"}\'')
    .addOption(new Option('--log-format <format>', 'text or json (or DBT_LOG_FORMAT)').choices(['text', 'json', 'default']))
    .option('--no-color', 'no colour in the output')
    .option('-q, --quiet', 'print only errors and what the command is for (show\'s rows, ls\'s list, print() in Jinja), as dbt\'s --quiet (or DBT_QUIET)')
    .option('--no-print', 'print() in Jinja writes to the log file only (or DBT_PRINT=false)')
    .option('-d, --debug', 'also show each SQL statement as it runs, with its time (or DBT_DEBUG)')
    .addOption(new Option('--log-level <level>', 'the least severe lines shown (or DBT_LOG_LEVEL)').choices(['debug', 'info', 'warn', 'error', 'none']))
    .option('--no-partial-parse', 'ignore the parse cache')
    .option('--log-path <dir>', 'where dbt.log goes: every line shown plus each SQL statement with its node and time (default: logs/ in the project; or DBT_LOG_PATH)')
    .addOption(new Option('--log-level-file <level>', 'what dbt.log keeps (or DBT_LOG_LEVEL_FILE)').choices(['debug', 'info', 'warn', 'error', 'none']))
    .option('--log-file-max-bytes <n>', 'rotate dbt.log at this size; 0: never (default 10 MB; or DBT_LOG_FILE_MAX_BYTES)', (v) => Number(v))
    .addOption(new Option('--log-format-file <format>', 'dbt.log as text or JSON lines (or DBT_LOG_FORMAT_FILE)').choices(['text', 'json', 'default', 'debug']))
    .option('--target-path <dir>', 'where artifacts go (manifest.json, run_results.json, compiled SQL), instead of dbt_project.yml\'s target-path (or DBT_TARGET_PATH)')
    .option('--warn-error', 'treat warnings as errors: a test that would warn fails (or DBT_WARN_ERROR)')
    .option('--warn-error-options <yaml>', 'which warnings are errors, by dbt\'s event names: \'{"error": ["LogTestResult"]}\', \'{"error": "all", "warn": [...]}\' (or DBT_WARN_ERROR_OPTIONS)');
  if (selection) {
    cmd
      .option('-s, --select <spec...>', 'select nodes (dbt selection syntax)')
      .option('-m, --models <spec...>', 'alias of --select')
      .option('--exclude <spec...>', 'exclude nodes')
      .option('--selector <name>', 'a selector from selectors.yml')
      .option('--state <dir>', 'the target/ folder of an earlier run, for state:, result: and source_status: selectors')
      .option('--defer', 'refs to nodes this run does not build read the relations of the --state manifest\'s environment when they are missing here')
      .option('--no-defer', 'do not defer (overrides DBT_DEFER)')
      .option('--defer-state <dir>', 'the manifest to defer to, when it is not --state\'s')
      .option('--favor-state', 'with --defer, read every unselected node from the other environment, even where it exists here')
      .option('--no-favor-state', 'do not favour the state (overrides DBT_FAVOR_STATE)')
      .addOption(new Option('--indirect-selection <mode>', 'how tests follow the nodes they test').choices(['eager', 'cautious', 'buildable', 'empty']));
  }
  return cmd;
}

/**
 * The API and the commands' modules are imported when a command runs, not when the CLI
 * starts: `--help`, `--version` and a `parse` with nothing to do stay quick.
 */
const loadApi = (): Promise<typeof Api> => import('../api.js');

/** `--log-format`, else DBT_LOG_FORMAT, else text. */
const logFormatOf = (f: GlobalFlags): LogFormat => ((f.logFormat ?? envValue('LOG_FORMAT')) === 'json' ? 'json' : 'text');

/** The project folder: `--project-dir`, else DBT_PROJECT_DIR, else the current folder. */
const projectDirOf = (f: GlobalFlags): string | undefined => f.projectDir ?? envValue('PROJECT_DIR');

function options(f: GlobalFlags, reporter: Reporter): Api.CommonOptions {
  return {
    projectDir: projectDirOf(f),
    profilesDir: f.profilesDir,
    profile: f.profile ?? envValue('PROFILE'),
    target: f.target ?? envValue('TARGET'),
    vars: f.vars,
    select: [...(f.select ?? []), ...(f.models ?? [])].length ? [...(f.select ?? []), ...(f.models ?? [])] : undefined,
    exclude: f.exclude,
    selector: f.selector,
    state: f.state ?? envValue('STATE'),
    defer: f.defer ?? envFlag('DEFER'),
    deferState: f.deferState ?? envValue('DEFER_STATE'),
    favorState: f.favorState ?? envFlag('FAVOR_STATE'),
    warnError: f.warnError ?? envFlag('WARN_ERROR'),
    warnErrorOptions: f.warnErrorOptions ?? envValue('WARN_ERROR_OPTIONS'),
    targetPath: f.targetPath ?? envValue('TARGET_PATH'),
    indirectSelection: f.indirectSelection ?? indirectSelectionOf(envValue('INDIRECT_SELECTION')),
    logFormat: logFormatOf(f),
    color: colorOf(f),
    reporter,
    partialParse: f.partialParse === false ? false : (envFlag('PARTIAL_PARSE') ?? true),
  };
}

/** `--no-color`, else DBT_USE_COLORS (NO_COLOR is honoured by the reporter). */
const colorOf = (f: GlobalFlags): boolean => (f.color === false ? false : (envFlag('USE_COLORS') ?? true));

function indirectSelectionOf(v: string | undefined): Api.CommonOptions['indirectSelection'] {
  if (v === undefined) return undefined;
  if (v === 'eager' || v === 'cautious' || v === 'buildable' || v === 'empty') return v;
  throw new StrataError('usage', `DBT_INDIRECT_SELECTION='${v}' is not a mode`, { hint: 'use eager, cautious, buildable or empty' });
}

/** Where the CLI writes: the process's streams, or others given to {@link main} (tests). */
export interface CliIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

let io: CliIO = { out: process.stdout, err: process.stderr };
/** The command line being run and its debug log (opened by the first reporter that needs it). */
let invocation: { argv: string[]; logFile?: LogFile } = { argv: [] };

/** The debug log the flags ask for (logs/dbt.log in the project by default); none with `--log-level-file none`. */
function logFileOf(f: GlobalFlags): LogFile | undefined {
  if (invocation.logFile) return invocation.logFile;
  const level = f.logLevelFile ?? envValue('LOG_LEVEL_FILE') ?? 'debug';
  if (level === 'none') return undefined;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new StrataError('usage', `DBT_LOG_LEVEL_FILE='${level}' is not a level`, { hint: 'use debug, info, warn, error or none' });
  const dir = resolve(f.logPath ?? envValue('LOG_PATH') ?? join(projectDirOf(f) ?? '.', 'logs'));
  const format = (f.logFormatFile ?? envValue('LOG_FORMAT_FILE')) === 'json' ? 'json' : 'text';
  const maxBytes = f.logFileMaxBytes ?? Number(envValue('LOG_FILE_MAX_BYTES') ?? 10 * 1024 * 1024);
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new StrataError('usage', `--log-file-max-bytes must be a whole number of bytes (0: never rotate)`);
  const file = new LogFile(join(dir, 'dbt.log'), level as FileLogLevel, format, maxBytes || Infinity);
  file.begin(`strata ${STRATA_VERSION}`);
  file.write('debug', `strata ${invocation.argv.join(' ')} (in ${process.cwd()})`);
  invocation.logFile = file;
  return file;
}

function reporterOf(f: GlobalFlags): Reporter {
  const level = f.debug || (f.logLevel === undefined && envFlag('DEBUG')) ? 'debug' : (f.logLevel ?? envValue('LOG_LEVEL') ?? 'info');
  if (!['debug', 'info', 'warn', 'error', 'none'].includes(level)) throw new StrataError('usage', `DBT_LOG_LEVEL='${level}' is not a level`, { hint: 'use debug, info, warn, error or none' });
  return new Reporter({ format: logFormatOf(f), color: colorOf(f), quiet: f.quiet ?? envFlag('QUIET') ?? false, jinjaPrint: f.print === false ? false : (envFlag('PRINT') ?? true), level: level as ShownLevel, logFile: logFileOf(f), out: io.out, err: io.err });
}

/** The top-level commands. */
const COMMANDS = ['init', 'debug', 'parse', 'compile', 'ls', 'list', 'run', 'build', 'seed', 'snapshot', 'test', 'retry', 'clone', 'source', 'show', 'run-operation', 'clean', 'deps', 'demo', 'generate', 'docs'];

/** Global flags that take a value, when written before the command. */
const VALUE_FLAGS = new Set(['--log-format', '--log-level', '--log-path', '--log-level-file', '--log-format-file', '--log-file-max-bytes', '--warn-error-options', '--target-path', '--project-dir', '--profiles-dir', '--vars', '--target', '-t']);

/**
 * dbt takes its global flags before the command too (`dbt -q ls`, `dbt --log-format json run`):
 * move the ones written there after the command (after `source freshness`, `docs generate`).
 */
function hoistGlobalFlags(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && !['-h', '--help', '-v', '--version'].includes(argv[i]!)) i += VALUE_FLAGS.has(argv[i]!) ? 2 : 1;
  if (i === 0 || i >= argv.length) return argv;
  const at = argv[i] === 'source' || argv[i] === 'docs' ? i + 2 : i + 1;
  return [...argv.slice(i, at), ...argv.slice(0, i), ...argv.slice(at)];
}

/** Run the CLI with `argv` (without `node` and the script). Resolves to the exit code. */
export async function main(argv: string[], streams?: Partial<CliIO>): Promise<number> {
  io = { out: streams?.out ?? process.stdout, err: streams?.err ?? process.stderr };
  argv = hoistGlobalFlags(argv);
  invocation = { argv };
  let exitCode = 0;
  // Only the command being run is defined (all of them for help, or a name that is not a
  // command): defining two dozen commands with their options costs a few milliseconds.
  const wanted = (name: string) => !COMMANDS.includes(argv[0]!) || argv[0] === name;
  const program = new Command('strata')
    .description('Build dbt-style analytics projects on embedded DuckDB and PostgreSQL.')
    .version(STRATA_VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => io.err.write(s), writeOut: (s) => io.out.write(s) });

  if (wanted('init')) program
    .command('init [name]')
    .description('create a new project that builds on embedded DuckDB')
    .option('--project-dir <dir>', 'where to create it (default: ./<name>)')
    .action(async (name: string | undefined, f: { projectDir?: string }) => {
      const { initProject } = await import('./init.js');
      const dir = await initProject(name ?? 'my_project', f.projectDir);
      io.out.write(`Created a Strata project in ${dir}\nNext: cd ${dir} && strata run\n`);
    });

  if (wanted('debug')) common(program.command('debug').description('check the project, profile, target and connection'), false).action(async (f: GlobalFlags) => {
    const { debugProject } = await import('./debug.js');
    exitCode = await debugProject(options(f, reporterOf(f)), io.out);
  });

  if (wanted('parse')) common(program.command('parse').description('parse the project and write target/manifest.json'), false).action(async (f: GlobalFlags) => {
    const r = reporterOf(f);
    const t0 = performance.now();
    const { parseCommand } = await import('../parse/parse-command.js');
    const done = await parseCommand(options(f, r));
    const seconds = ((performance.now() - t0) / 1000).toFixed(2);
    if (done.current) {
      r.info(`Found ${done.summary}`);
      r.info(`Nothing changed since the last parse (${done.files} files checked in ${seconds}s); ${join(f.targetPath ?? envValue('TARGET_PATH') ?? 'target', 'manifest.json')} is current`);
      return;
    }
    if (done.patched) {
      r.info(`Found ${done.patched.summary}`);
      r.info(`Parsed in ${seconds}s (cache: ${done.patched.reused} reused, ${done.patched.rendered} rendered); patched ${join(f.targetPath ?? envValue('TARGET_PATH') ?? 'target', 'manifest.json')}`);
      return;
    }
    const parsed = done.parsed;
    const { countNodes } = await import('../parse/parse-api.js');
    r.info(`Found ${countNodes(parsed)}`);
    r.info(`Parsed in ${seconds}s (cache: ${parsed.cacheStats.hits} reused, ${parsed.cacheStats.misses} rendered); wrote ${join(f.targetPath ?? envValue('TARGET_PATH') ?? 'target', 'manifest.json')}`);
  });

  if (wanted('compile')) common(program.command('compile').description('render the selected nodes to SQL in target/compiled/'))
    .option('--inline <sql>', 'compile this SQL (with Jinja) instead of the project\'s nodes')
    .option('--full-refresh', 'compile incremental models as a full refresh builds them')
    .addOption(new Option('--output <format>', 'how a single node\'s SQL is printed: text, or json ({"node", "compiled"}, as dbt)').choices(['text', 'json']).default('text'))
    .action(async (f: GlobalFlags & { inline?: string; fullRefresh?: boolean; output: string }) => {
      const r = reporterOf(f);
      const api = await loadApi();
      const out = await api.compile({ ...options(f, r), inline: f.inline, fullRefresh: f.fullRefresh });
      // as dbt: the SQL of the nodes the selection names (not of the tests it brings along)
      const named = new Set([...(f.select ?? []), ...(f.models ?? [])].flatMap((spec) => spec.split(/[\s,+@:]+/)));
      const shown = f.inline !== undefined || out.length === 1 ? out : out.filter((c) => named.has(c.name));
      if (shown.length) {
        for (const c of shown) r.print(f.output === 'json' ? JSON.stringify({ ...(f.inline === undefined ? { node: c.name } : {}), compiled: c.sql.trim() }, null, 2) : c.sql.trim());
      } else {
        const first = out[0]?.path;
        const where = first ? relative(resolve(projectDirOf(f) ?? '.'), first.slice(0, first.lastIndexOf(`${sep}compiled${sep}`) + 10)) : 'target/compiled';
        r.info(`Compiled ${out.length} node${out.length === 1 ? '' : 's'} into ${where}/`);
      }
    });

  for (const name of ['ls', 'list'].filter(wanted)) {
    common(program.command(name).description('list the selected resources'))
      .addOption(new Option('--output <format>', 'name, path, json or selector').choices(['name', 'path', 'json', 'selector']).default('selector'))
      .option('--resource-type <type...>', 'only these resource types')
      .option('--exclude-resource-type <type...>', 'leave out these resource types')
      .option('--output-keys <keys...>', 'keys of each JSON object')
      .action(async (f: GlobalFlags & { output: string; resourceType?: string[]; excludeResourceType?: string[]; outputKeys?: string[] }) => {
        const r = reporterOf(f);
        const { listNodes } = await import('./list.js');
        const lines = await listNodes({ ...options(f, new Reporter({ format: 'text', out: io.err, err: io.err, color: false, quiet: r.quiet })), output: f.output as 'name', resourceTypes: f.resourceType ?? envValue('RESOURCE_TYPES')?.split(/[\s,]+/), excludeResourceTypes: f.excludeResourceType ?? envValue('EXCLUDE_RESOURCE_TYPES')?.split(/[\s,]+/), outputKeys: f.outputKeys });
        for (const l of lines) r.print(l);
      });
  }

  const runLike = (name: string, description: string) =>
    common(program.command(name).description(description))
      .option('--threads <n>', 'how many nodes build at once', (v) => parseInt(v, 10))
      .option('--full-refresh', 'rebuild incremental models from scratch')
      .option('-x, --fail-fast', 'stop at the first failure')
      .option('--event-time-start <time>', 'microbatch: first event time to build')
      .option('--event-time-end <time>', 'microbatch: event time to stop before')
      .option('--empty', 'read every ref and source as no rows: build the relations with their columns, but empty')
      .option('--sample <window>', "read refs and sources that have an event_time only in this window: '3 days' (up to now; hours, days, months, years) or '{start: 2024-07-01, end: 2024-07-03}'");

  if (wanted('run')) runLike('run', 'build the selected models').action(async (f: GlobalFlags & RunFlags) => {
    exitCode = await runCommand(f, 'run');
  });
  if (wanted('build')) withResourceTypes(runLike('build', 'build the selected models, seeds and snapshots and run their tests, in DAG order'))
    .option('--store-failures', 'keep the failing rows of tests in tables')
    .action(async (f: GlobalFlags & RunFlags) => {
      exitCode = await runCommand(f, 'build', resourceTypesOf(f, ['model', 'test', 'unit_test', 'seed', 'snapshot']));
    });
  if (wanted('seed')) common(program.command('seed').description('load the CSV files of the seed paths into tables'))
    .option('--threads <n>', 'how many seeds load at once', (v) => parseInt(v, 10))
    .option('--full-refresh', 'drop and recreate the tables (needed when a CSV\'s columns change)')
    .option('-x, --fail-fast', 'stop at the first failure')
    .action(async (f: GlobalFlags & RunFlags) => {
      exitCode = await runCommand(f, 'seed', ['seed']);
    });
  if (wanted('snapshot')) common(program.command('snapshot').description('record changes of the selected snapshots (type-2 slowly changing dimensions)'))
    .option('--threads <n>', 'how many snapshots run at once', (v) => parseInt(v, 10))
    .option('-x, --fail-fast', 'stop at the first failure')
    .action(async (f: GlobalFlags & RunFlags) => {
      exitCode = await runCommand(f, 'snapshot', ['snapshot']);
    });
  if (wanted('test')) withResourceTypes(common(program.command('test').description('run the selected data and unit tests')))
    .option('--threads <n>', 'how many tests run at once', (v) => parseInt(v, 10))
    .option('-x, --fail-fast', 'stop at the first failure')
    .option('--store-failures', 'keep the failing rows of tests in tables')
    .action(async (f: GlobalFlags & RunFlags) => {
      exitCode = await runCommand(f, 'test', resourceTypesOf(f, ['test', 'unit_test']));
    });

  if (wanted('clone')) common(program.command('clone').description('make the selected models, seeds and snapshots views of the relations of the --state manifest\'s environment, where this target has none'))
    .option('--threads <n>', 'how many nodes are cloned at once', (v) => parseInt(v, 10))
    .option('--full-refresh', 'replace relations that exist in this target too')
    .action(async (f: GlobalFlags & RunFlags) => {
      exitCode = await runCommand(f, 'clone', ['model', 'seed', 'snapshot']);
    });

  if (wanted('retry')) common(program.command('retry').description('re-run, as the last command ran them, the nodes that failed or were skipped in its run_results.json'), false)
    .option('--threads <n>', 'how many nodes build at once', (v) => parseInt(v, 10))
    .option('--state <dir>', 'the folder of the run_results.json to retry (default: the target folder)')
    .action(async (f: GlobalFlags & RunFlags) => {
      const api = await loadApi();
      const res = await api.retry({ ...options(f, reporterOf(f)), threads: f.threads });
      exitCode = res?.results.some((x) => x.status === 'error' || x.status === 'fail') ? 1 : 0;
    });

  if (wanted('source')) common(program.command('source').description('commands about sources').command('freshness').description('check how recently each source table was loaded; writes target/sources.json')).action(async (f: GlobalFlags) => {
    const api = await loadApi();
    const res = await api.sourceFreshness(options(f, reporterOf(f)));
    exitCode = res.some((x) => x.status === 'error' || x.status === 'runtime error') ? 1 : 0;
  });

  if (wanted('show')) common(program.command('show').description('run a model or an inline query and print its first rows'))
    .option('--inline <sql>', 'the query (with Jinja) to run')
    .option('--limit <n>', 'how many rows (default 5; -1 for all)', (v) => parseInt(v, 10))
    .addOption(new Option('--output <format>', 'text (a table), or json ({"node", "show": [rows]}, as dbt)').choices(['text', 'json']).default('text'))
    .action(async (f: GlobalFlags & { inline?: string; limit?: number; output: string }) => {
      const r = reporterOf(f);
      const api = await loadApi();
      const res = await api.show({ ...options(f, r), inline: f.inline, limit: f.limit });
      if (f.output === 'json') {
        const show = res.rows.map((row) => Object.fromEntries(res.columns.map((c, i) => [c, jsonValue(row[i])])));
        r.print(JSON.stringify({ ...(res.node ? { node: res.node } : {}), show }, null, 2));
      } else if (r.format === 'json') r.print(JSON.stringify({ columns: res.columns, rows: res.rows.map((row) => row.map(jsonValue)) }));
      else {
        r.info(res.node ? `Previewing node '${res.node}':` : 'Previewing inline node:');
        r.print(formatTable(res.columns, res.rows));
      }
    });

  if (wanted('run-operation')) common(program.command('run-operation <macro>').description('call a macro'), false)
    .option('--args <yaml>', 'the macro\'s arguments as YAML or JSON')
    .action(async (macro: string, f: GlobalFlags & { args?: string }) => {
      const r = reporterOf(f);
      const api = await loadApi();
      // as in dbt, the macro's text and return value are not shown: only what it logs or prints
      // (the TypeScript API returns them)
      await api.runOperation({ ...options(f, r), macro, args: f.args });
    });

  if (wanted('clean')) common(program.command('clean').description('delete the clean-targets (target/ by default)'), false).action(async (f: GlobalFlags) => {
    const api = await loadApi();
    const removed = await api.clean(options(f, reporterOf(f)));
    io.out.write(removed.length ? `Removed ${removed.join(', ')}\n` : 'Nothing to clean\n');
  });

  if (wanted('deps'))
    common(program.command('deps').description('install the packages packages.yml declares (hub, git, tarball, local) and pin them in package-lock.yml'), false)
      .option('--upgrade', 'resolve the packages again, even when package-lock.yml matches packages.yml')
      .option('--lock', 'only resolve the packages and write package-lock.yml; install nothing')
      .option('--add-package <package@version>', 'add a package to packages.yml first, e.g. dbt-labs/dbt_utils@1.3.0')
      .addOption(new Option('--source <source>', 'where --add-package comes from').choices(['hub', 'git', 'tarball', 'local']).default('hub'))
      .action(async (f: GlobalFlags & { upgrade?: boolean; lock?: boolean; addPackage?: string; source?: 'hub' | 'git' | 'tarball' | 'local' }) => {
        const api = await loadApi();
        await api.deps({ ...options(f, reporterOf(f)), upgrade: f.upgrade, lock: f.lock, addPackage: f.addPackage, source: f.source });
      });

  if (wanted('demo')) program
    .command('demo')
    .description('generate sample Segment Profiles Sync data, build the example project on it, and summarise')
    .option('--people <n>', 'how many people to simulate', (v) => parseInt(v, 10))
    .option('--days <n>', 'how many days of history', (v) => parseInt(v, 10))
    .option('--no-color', 'no colour in the output')
    .action(async (f: { people?: number; days?: number; color?: boolean }) => {
      const { demo } = await import('./demo.js');
      exitCode = await demo({ people: f.people, days: f.days, color: f.color !== false });
    });

  if (wanted('generate')) generateCommand(program);
  if (wanted('docs')) docsCommand<GlobalFlags>(program, { common: (cmd) => common(cmd, false), reporter: reporterOf, options });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    io.err.write(formatError(err) + '\n');
    invocation.logFile?.write('error', formatError(err));
    return 2;
  } finally {
    invocation.logFile?.close();
    invocation = { argv: [] };
  }
}

interface RunFlags {
  threads?: number;
  resourceType?: string[];
  excludeResourceType?: string[];
  sample?: string;
  empty?: boolean;
  storeFailures?: boolean;
  fullRefresh?: boolean;
  failFast?: boolean;
  eventTimeStart?: string;
  eventTimeEnd?: string;
}

/** dbt's resource types, as `--resource-type` and `--exclude-resource-type` take them. */
const RESOURCE_TYPES = ['metric', 'semantic_model', 'saved_query', 'source', 'analysis', 'model', 'test', 'unit_test', 'exposure', 'snapshot', 'seed', 'default', 'all'];

function withResourceTypes(cmd: Command): Command {
  return cmd
    .option('--resource-type <type...>', `only nodes of these types (${RESOURCE_TYPES.join(', ')}; or DBT_RESOURCE_TYPES)`)
    .option('--exclude-resource-type <type...>', 'leave out nodes of these types (or DBT_EXCLUDE_RESOURCE_TYPES), e.g. unit_test');
}

/**
 * The resource types a command builds, as dbt works them out: those of `--resource-type`
 * (`all` and `default`: every type the command builds) among the command's, less those of
 * `--exclude-resource-type`.
 */
function resourceTypesOf(f: RunFlags, built: string[]): string[] {
  const list = (given: string[] | undefined, env: string, flag: string) => {
    const names = (given ?? envValue(env)?.split(/[\s,]+/) ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean);
    const bad = names.find((x) => !RESOURCE_TYPES.includes(x));
    if (bad) throw new StrataError('usage', `${flag} '${bad}' is not a resource type`, { hint: `use ${RESOURCE_TYPES.join(', ')}` });
    return names;
  };
  const include = list(f.resourceType, 'RESOURCE_TYPES', '--resource-type');
  const exclude = new Set(list(f.excludeResourceType, 'EXCLUDE_RESOURCE_TYPES', '--exclude-resource-type'));
  const wanted = include.length === 0 || include.includes('all') || include.includes('default') ? built : built.filter((t) => include.includes(t));
  return wanted.filter((t) => !exclude.has(t));
}

async function runCommand(f: GlobalFlags & RunFlags, which: string, resourceTypes: string[] = ['model']): Promise<number> {
  const r = reporterOf(f);
  const time = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
    if (Number.isNaN(d.getTime())) throw new StrataError('usage', `${flag} '${v}' is not a date or timestamp`, { hint: 'for example 2024-01-31 or 2024-01-31T12:00:00' });
    return d;
  };
  const sampleText = f.sample ?? (which === 'run' || which === 'build' ? envValue('SAMPLE') : undefined);
  const sample = sampleText === undefined ? undefined : (await import('../runner/sample.js')).parseSampleWindow(sampleText, new Date());
  const api = await loadApi();
  const res = await api.run({
    ...options(f, r),
    threads: f.threads,
    fullRefresh: f.fullRefresh ?? envFlag('FULL_REFRESH'),
    failFast: f.failFast ?? envFlag('FAIL_FAST'),
    eventTimeStart: time(f.eventTimeStart ?? envValue('EVENT_TIME_START'), '--event-time-start'),
    eventTimeEnd: time(f.eventTimeEnd ?? envValue('EVENT_TIME_END'), '--event-time-end'),
    which,
    resourceTypes,
    storeFailures: f.storeFailures ?? envFlag('STORE_FAILURES'),
    empty: f.empty ?? (which === 'run' || which === 'build' ? envFlag('EMPTY') : undefined),
    sample,
  });
  return res.results.some((x) => x.status === 'error' || x.status === 'fail') ? 1 : 0;
}

/** A value of a result row as JSON: big integers as numbers where exact (else text), times as ISO text. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return String(v);
  return v;
}

/** A plain text table for `show`. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'null' : v instanceof Date ? v.toISOString().replace('T', ' ').replace('.000Z', '') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(columns), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...cells.map(line)].join('\n');
}
