/**
 * `strata source freshness`: for each selected source table with a `freshness` config,
 * read the newest `loaded_at_field` (or run `loaded_at_query`), compare its age with
 * `warn_after` / `error_after`, print one line per table, and write `target/sources.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter } from '../adapters/index.js';
import { StrataError, formatError } from '../errors.js';
import type { SourceEntry } from '../parse/manifest.js';
import { STRATA_VERSION } from '../parse/manifest.js';
import type { ParsedProject } from '../parse/parser.js';
import type { Reporter } from '../report/reporter.js';
import { Compiler } from './compile.js';
import { databaseServices } from './database.js';

type Period = 'minute' | 'hour' | 'day';
interface Threshold {
  count: number;
  period: Period;
}

const PERIOD_MS: Record<Period, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface FreshnessResult {
  unique_id: string;
  max_loaded_at: string | null;
  snapshotted_at: string;
  max_loaded_at_time_ago_in_s: number | null;
  status: 'pass' | 'warn' | 'error' | 'runtime error';
  criteria: { warn_after: Threshold | Record<string, never>; error_after: Threshold | Record<string, never>; filter: string | null };
  adapter_response: Record<string, unknown>;
  timing: { name: string; started_at: string; completed_at: string }[];
  thread_id: string;
  execution_time: number;
  error?: string;
}

function threshold(v: unknown, where: string): Threshold | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const t = v as { count?: unknown; period?: unknown };
  if (t.count === undefined || t.count === null) return undefined;
  const period = String(t.period ?? '');
  if (!(period in PERIOD_MS)) throw new StrataError('config-invalid', `${where}: freshness period must be minute, hour or day (got '${period}')`);
  return { count: Number(t.count), period: period as Period };
}

/** Check the freshness of the selected sources. */
export async function checkFreshness(parsed: ParsedProject, selected: Set<string>, adapter: Adapter, reporter: Reporter, flags: Record<string, unknown>): Promise<FreshnessResult[]> {
  const started = performance.now();
  const hasThreshold = (f: Record<string, unknown>) => [f.warn_after, f.error_after].some((t) => !!t && typeof t === 'object' && (t as { count?: unknown }).count != null);
  const sources = [...selected].map((id) => parsed.manifest.sources[id]).filter((s): s is SourceEntry => !!s && !!s.freshness && hasThreshold(s.freshness) && (!!s.loaded_at_field || !!(s.freshness as Record<string, unknown>).loaded_at_query));
  const compiler = new Compiler(parsed, flags);
  const db = databaseServices(adapter);
  const results: FreshnessResult[] = [];
  let i = 0;
  for (const s of sources) {
    const index = ++i;
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const f = s.freshness as Record<string, unknown>;
    const warn = threshold(f.warn_after, `source ${s.source_name}.${s.name}`);
    const error = threshold(f.error_after, `source ${s.source_name}.${s.name}`);
    const filter = typeof f.filter === 'string' ? f.filter : null;
    const label = `freshness of ${s.source_name}.${s.name}`;
    reporter.start(index, sources.length, label, s.unique_id);
    try {
      const customQuery = typeof f.loaded_at_query === 'string' ? f.loaded_at_query : null;
      let sql: string;
      if (customQuery) {
        const pseudo = { unique_id: s.unique_id, name: s.name, package_name: s.package_name, resource_type: 'operation', original_file_path: s.original_file_path, config: {}, depends_on: { nodes: [], macros: [] } } as never;
        sql = await compiler.render(pseudo, { code: customQuery, codeName: `${s.original_file_path} (loaded_at_query)`, db });
      } else {
        sql = `select max(${s.loaded_at_field}) as max_loaded_at from ${s.relation_name}${filter ? ` where ${filter}` : ''}`;
      }
      const r = await adapter.withSession((x) => x.execute(`select cast((${sql.trim().replace(/;\s*$/, '')}) as timestamp) as max_loaded_at, cast(now() as timestamp) as snapshotted_at`));
      const maxLoaded = r.rows[0]?.[0] as Date | null;
      const now = (r.rows[0]?.[1] as Date | null) ?? new Date();
      const ageS = maxLoaded ? (now.getTime() - maxLoaded.getTime()) / 1000 : null;
      const over = (t?: Threshold) => t !== undefined && (ageS === null || ageS * 1000 > t.count * PERIOD_MS[t.period]);
      const status = over(error) ? 'error' : over(warn) ? 'warn' : 'pass';
      const res: FreshnessResult = {
        unique_id: s.unique_id,
        max_loaded_at: maxLoaded ? maxLoaded.toISOString() : null,
        snapshotted_at: now.toISOString(),
        max_loaded_at_time_ago_in_s: ageS,
        status,
        criteria: { warn_after: warn ?? {}, error_after: error ?? {}, filter },
        adapter_response: {},
        timing: [{ name: 'execute', started_at: startedAt, completed_at: new Date().toISOString() }],
        thread_id: 'Thread-1',
        execution_time: (performance.now() - t0) / 1000,
      };
      results.push(res);
      const age = ageS === null ? 'no rows' : `${formatAge(ageS)} old`;
      reporter.finish(index, sources.length, status === 'error' ? 'fail' : status === 'warn' ? 'warn' : 'pass', `${label} (${age})`, res.execution_time, s.unique_id, status === 'pass' ? undefined : status.toUpperCase());
    } catch (e) {
      const msg = formatError(e);
      results.push({
        unique_id: s.unique_id,
        max_loaded_at: null,
        snapshotted_at: new Date().toISOString(),
        max_loaded_at_time_ago_in_s: null,
        status: 'runtime error',
        criteria: { warn_after: warn ?? {}, error_after: error ?? {}, filter },
        adapter_response: {},
        timing: [],
        thread_id: 'Thread-1',
        execution_time: (performance.now() - t0) / 1000,
        error: msg,
      });
      reporter.finish(index, sources.length, 'error', label, (performance.now() - t0) / 1000, s.unique_id);
      reporter.failure(`Error checking ${label}\n  ${msg.split('\n').join('\n  ')}`);
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  const file = join(parsed.project.targetPath, 'sources.json');
  mkdirSync(parsed.project.targetPath, { recursive: true });
  writeFileSync(
    file,
    JSON.stringify(
      {
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json', dbt_version: STRATA_VERSION, generated_at: new Date().toISOString(), invocation_id: parsed.invocationId, env: {} },
        results,
        elapsed_time: elapsed,
      },
      null,
      2,
    ),
  );
  const counts: Record<string, number> = {};
  for (const r of results) {
    const k = r.status === 'error' ? 'fail' : r.status === 'runtime error' ? 'error' : r.status;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  reporter.summary(counts, elapsed, `${results.length} source freshness check${results.length === 1 ? '' : 's'}`);
  return results;
}

function formatAge(s: number): string {
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
