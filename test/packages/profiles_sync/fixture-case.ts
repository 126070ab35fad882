/**
 * Reads a profiles_sync fixture (see fixtures/README.md) and loads it into DuckDB batch by
 * batch; writes the throw-away project that builds it. Shared by the Strata fixture test.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

export const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

/** Every model of the package, which the runners compare between builds. */
export const PACKAGE_MODELS = ['id_graph', 'external_id_mapping', 'profile_traits', 'profile_trait_values', 'profile_merges',
  'identity_merges_daily', 'identity_profiles_many_identifiers', 'identity_shared_identifiers',
  'identity_identifier_segments', 'identity_identifier_profiles'];

/** A fixture's settings from case.json. */
export interface CaseSettings {
  batches: number;
  etlOverlap: number;
  traitsSource: string;
  addColumns: Record<string, Record<string, number>>;
  expectFailingTest?: string;
  absentColumns: Record<string, string[]>;
}

/** One landing table of a fixture: typed columns and rows with their batch. */
export interface FixtureTable {
  name: string;
  columns: [name: string, type: string][];
  rows: { batch: number; values: Record<string, string> }[];
  added: Record<string, number>;
}

/** The fixture folders that have inputs. */
export function listCases(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES_DIR, d.name, 'input')))
    .map((d) => d.name)
    .sort();
}

/** Parses simple CSV (no quoted fields, as the fixtures are written). */
export function parseCsv(text: string): string[][] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => l.split(','));
}

export function readCase(name: string): { settings: CaseSettings; tables: FixtureTable[] } {
  const dir = join(FIXTURES_DIR, name);
  const raw = existsSync(join(dir, 'case.json')) ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Record<string, unknown> : {};
  const settings: CaseSettings = {
    batches: Number(raw['batches'] ?? 1),
    etlOverlap: Number(raw['etl_overlap'] ?? 28),
    traitsSource: String(raw['traits_source'] ?? 'profile_traits_updates'),
    addColumns: (raw['add_columns'] ?? {}) as Record<string, Record<string, number>>,
    expectFailingTest: raw['expect_failing_test'] as string | undefined,
    absentColumns: (raw['absent_columns'] ?? {}) as Record<string, string[]>,
  };
  const standard = JSON.parse(readFileSync(join(FIXTURES_DIR, 'columns.json'), 'utf8')) as Record<string, Record<string, string>>;
  const tables: FixtureTable[] = [];
  for (const [table, cols] of Object.entries(standard)) {
    const t: FixtureTable = { name: table, columns: Object.entries(cols), rows: [], added: settings.addColumns[table] ?? {} };
    const csv = join(dir, 'input', `${table}.csv`);
    if (existsSync(csv)) {
      const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8'));
      const names = header!.map((h) => h.split(':')[0]!);
      header!.forEach((h, i) => {
        const [n, type] = h.split(':');
        if (n !== '_batch' && !t.columns.some(([c]) => c === n)) t.columns.push([n!, type ?? 'varchar']);
        void i;
      });
      for (const r of rows) {
        const values: Record<string, string> = {};
        names.forEach((n, i) => (values[n] = r[i] ?? ''));
        t.rows.push({ batch: Number(values['_batch'] || 1), values });
      }
    }
    tables.push(t);
  }
  return { settings, tables };
}

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Creates the landing schema and tables (columns added later are left out). */
export async function createTables(c: DuckDBConnection, schema: string, tables: FixtureTable[]): Promise<void> {
  await c.run(`create schema if not exists ${q(schema)}`);
  for (const t of tables) {
    const cols = t.columns.filter(([n]) => (t.added[n] ?? 1) <= 1).map(([n, type]) => `${q(n)} ${type}`).join(', ');
    await c.run(`create table ${q(schema)}.${q(t.name)} (${cols})`);
  }
}

/** Loads the rows of `batch` (adding the columns that appear at that batch first). */
export async function loadBatch(c: DuckDBConnection, schema: string, tables: FixtureTable[], batch: number): Promise<void> {
  for (const t of tables) {
    for (const [col, b] of Object.entries(t.added)) {
      if (b === batch && batch > 1) await c.run(`alter table ${q(schema)}.${q(t.name)} add column ${q(col)} ${t.columns.find(([n]) => n === col)![1]}`);
    }
    const present = t.columns.filter(([n]) => (t.added[n] ?? 1) <= batch);
    for (const row of t.rows.filter((r) => r.batch === batch)) {
      const values = present.map(([n, type]) => (row.values[n] ? `cast(${lit(row.values[n]!)} as ${type})` : 'null'));
      await c.run(`insert into ${q(schema)}.${q(t.name)} (${present.map(([n]) => q(n)).join(', ')}) values (${values.join(', ')})`);
    }
  }
}

/** Writes dbt_project.yml, packages.yml and profiles.yml of the project building a fixture. */
export function writeProject(dir: string, db: string, materialized: string, settings: Pick<CaseSettings, 'etlOverlap' | 'traitsSource'>, schemaName = 'landing'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), [
    'name: profiles_sync_check', "version: '1.0.0'", 'config-version: 2', 'profile: profiles_sync_check',
    'vars:', '  profiles_sync:', `    schema_name: ${schemaName}`, `    etl_overlap: ${settings.etlOverlap}`, `    traits_source: ${settings.traitsSource}`,
    'models:', '  profiles_sync:', '    profile_materializations:', `      +materialized: ${materialized}`,
    '    identity_health:', '      incremental:', `        +materialized: ${materialized}`, '',
  ].join('\n'));
  writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - package: strata/profiles_sync\n');
  writeFileSync(join(dir, 'profiles.yml'), [
    'profiles_sync_check:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', `      path: ${db}`, '      schema: main', '      threads: 2', '',
  ].join('\n'));
}

/** The expected CSVs of a fixture: model → [header, sorted rows]. */
export function readExpected(name: string): Map<string, { header: string[]; rows: string[][] }> {
  const dir = join(FIXTURES_DIR, name, 'expected');
  const out = new Map<string, { header: string[]; rows: string[][] }>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, f), 'utf8'));
    out.set(f.replace(/\.csv$/, ''), { header: header!, rows: rows.map((r) => header!.map((_, i) => r[i] ?? '')).sort(compareRows) });
  }
  return out;
}

/** Orders rows of text like Python orders tuples. */
export function compareRows(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return a.length - b.length;
}

/** A model's rows as sorted text ('' for NULL), for the given columns. */
export async function readModel(c: DuckDBConnection, model: string, columns: string[]): Promise<string[][]> {
  const select = columns.map((col) => `coalesce(cast(${q(col)} as varchar), '')`).join(', ');
  const reader = await c.runAndReadAll(`select ${select} from main.${q(model)}`);
  return reader.getRows().map((r) => r.map((v) => String(v))).sort(compareRows);
}

/** A model's column names, sorted. */
export async function modelColumns(c: DuckDBConnection, model: string): Promise<string[]> {
  const reader = await c.runAndReadAll(`select column_name from information_schema.columns where table_schema = 'main' and table_name = ${lit(model)} order by column_name`);
  return reader.getRows().map((r) => String(r[0]));
}

/** Every model in `models`, as its columns then its rows sorted, for comparing whole builds. */
export async function snapshotModels(c: DuckDBConnection, models: readonly string[]): Promise<Record<string, string[][]>> {
  const out: Record<string, string[][]> = {};
  for (const m of models) {
    const cols = await modelColumns(c, m);
    out[m] = [cols, ...(await readModel(c, m, cols))];
  }
  return out;
}
