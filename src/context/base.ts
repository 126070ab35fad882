/**
 * The node-independent half of dbt's Jinja context: functions and values that are the
 * same for every node of one invocation (target, env_var, modules, fromjson, return, …).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { MacroReturn, makeSet, toJS } from '../jinja/index.js';
import { StrataError } from '../errors.js';
import { bindArgs, splitArgs } from './args.js';
import { datetimeModule, PyDatetime, reModule } from './modules.js';
import { PYTZ_UTC, pytzModule } from './py-datetime.js';

/** The `yaml` library, loaded when a template first calls fromyaml/toyaml (it slows every command's start-up). */
const yamlLib = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/** Callbacks through which the context reaches the outside world. */
export interface BaseContextOptions {
  /** The target as templates see it (`target.name`, `target.schema`, …), secrets removed. */
  target: Record<string, unknown>;
  /** Environment variables (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Receives every env var read, with the value returned (for the parse cache). */
  onEnvVar?: (name: string, value: string | undefined) => void;
  /** `log(msg, info=True)` (`info`), and `print(msg)` (`print`: raw output, shown even under --quiet). */
  log?: (message: string, info: boolean, print?: boolean) => void;
  invocationId: string;
  runStartedAt: Date;
  flags: Record<string, unknown>;
}

/** The dbt version whose behaviour Strata follows; templates see it as `dbt_version`. */
export const DBT_VERSION = '1.10.0';

/** An invocation-wide context object (null prototype), the root of every node context. */
export function createBaseContext(o: BaseContextOptions): Record<string, unknown> {
  const env = o.env ?? process.env;
  const log = o.log ?? ((m: string) => process.stdout.write(m + '\n'));
  const ctx: Record<string, unknown> = Object.create(null);
  Object.assign(ctx, {
    target: o.target,
    invocation_id: o.invocationId,
    dbt_version: DBT_VERSION,
    // as dbt's: datetime.now(tz=pytz.utc)
    run_started_at: new PyDatetime(o.runStartedAt, PYTZ_UTC),
    flags: o.flags,
    modules: Object.freeze({ datetime: datetimeModule, re: reModule, pytz: pytzModule }),
    env_var(...args: unknown[]) {
      const a = bindArgs('env_var', args, ['var', 'default'], {});
      const name = String(a.var);
      const value = env[name];
      o.onEnvVar?.(name, value);
      if (value !== undefined) return value;
      if (a.default !== undefined) return a.default === null ? null : String(a.default);
      throw new StrataError('env-var-missing', `Env var required but not provided: '${name}'`, {
        hint: `set ${name} in the environment, or give env_var('${name}', 'a default')`,
      });
    },
    return(value: unknown) {
      throw new MacroReturn(value);
    },
    log(...args: unknown[]) {
      const a = bindArgs('log', args, ['msg', 'info'], { info: false });
      log(String(a.msg), Boolean(a.info));
      return '';
    },
    print(...args: unknown[]) {
      const { positional } = splitArgs(args);
      log(positional.map(String).join(' '), true, true);
      return '';
    },
    exceptions: Object.freeze({
      raise_compiler_error(msg: unknown) {
        throw new StrataError('compiler-error', String(msg));
      },
      raise_not_implemented(msg: unknown) {
        throw new StrataError('not-implemented', String(msg));
      },
      raise_fail_fast_error(msg: unknown) {
        throw new StrataError('fail-fast', String(msg));
      },
      raise_database_error(msg: unknown) {
        throw new StrataError('sql-error', String(msg));
      },
      warn(msg: unknown) {
        log(`Warning: ${String(msg)}`, true);
        return '';
      },
    }),
    fromjson(...args: unknown[]) {
      const a = bindArgs('fromjson', args, ['string', 'default'], { default: null });
      try {
        return JSON.parse(String(a.string));
      } catch {
        return a.default;
      }
    },
    tojson(...args: unknown[]) {
      const a = bindArgs('tojson', args, ['value', 'default', 'sort_keys'], { default: null, sort_keys: false });
      try {
        return pyJson(toJS(a.value), Boolean(a.sort_keys));
      } catch {
        return a.default;
      }
    },
    fromyaml(...args: unknown[]) {
      const a = bindArgs('fromyaml', args, ['value', 'default'], { default: null });
      try {
        return yamlLib().parse(String(a.value)) ?? null;
      } catch {
        return a.default;
      }
    },
    toyaml(...args: unknown[]) {
      const a = bindArgs('toyaml', args, ['value', 'default', 'sort_keys'], { default: null, sort_keys: false });
      try {
        return yamlLib().stringify(toJS(a.value), { sortMapEntries: Boolean(a.sort_keys), indentSeq: false });
      } catch {
        return a.default;
      }
    },
    zip(...args: unknown[]) {
      const lists = splitArgs(args).positional.map((x) => (Array.isArray(x) ? x : [...(x as Iterable<unknown>)]));
      const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
      return Array.from({ length: n }, (_v, i) => lists.map((l) => l[i]));
    },
    set(...args: unknown[]) {
      const a = bindArgs('set', args, ['value', 'default'], { default: null });
      try {
        return makeSet([...new Set(a.value as Iterable<unknown>)]);
      } catch {
        return a.default;
      }
    },
    local_md5(value: unknown) {
      return createHash('md5').update(String(value)).digest('hex');
    },
    as_bool: asBool,
    as_number: asNumber,
    as_native: (v: unknown) => v,
    as_text: (v: unknown) => (v == null ? '' : String(v)),
  });
  return ctx;
}

export function asBool(v: unknown): boolean {
  if (typeof v === 'string') return ['true', '1', 'yes', 'on'].includes(v.trim().toLowerCase());
  return Boolean(v);
}

export function asNumber(v: unknown): number {
  const n = Number(v);
  if (Number.isNaN(n)) throw new StrataError('compiler-error', `could not convert '${String(v)}' to a number`);
  return n;
}

/** JSON as Python's json.dumps writes it by default (", " and ": " separators). */
export function pyJson(v: unknown, sortKeys = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyJson(x, sortKeys)).join(', ')}]`;
  if (typeof v === 'object') {
    let keys = Object.keys(v as object);
    if (sortKeys) keys = keys.sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${pyJson((v as Record<string, unknown>)[k], sortKeys)}`).join(', ')}}`;
  }
  return JSON.stringify(String(v));
}
