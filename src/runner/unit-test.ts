/**
 * dbt-style unit tests: a model's SQL runs against rows given for its inputs (as YAML rows,
 * CSV or SQL) without building its parents, and its output is compared with the expected
 * rows, order-insensitively, on the expected columns. A failure shows the rows that are
 * missing (-) and unexpected (+).
 */
import type { Adapter } from '../adapters/index.js';
import { StrataError } from '../errors.js';
import type { ManifestNode } from '../parse/manifest.js';
import type { Compiler } from './compile.js';
import { injectCtes } from './compile.js';
import type { DatabaseServices } from '../context/node-context.js';

/** A unit test as the manifest lists it (`manifest.unit_tests`). */
export interface UnitTestEntry {
  unique_id: string;
  name: string;
  resource_type: 'unit_test';
  package_name: string;
  path: string;
  original_file_path: string;
  fqn: string[];
  model: string;
  /** The version of the model it tests, for a versioned model. */
  version?: string | number;
  given: { input: string; rows?: unknown; format?: string }[];
  expect: { rows?: unknown; format?: string };
  overrides: { macros?: Record<string, unknown>; vars?: Record<string, unknown>; env_vars?: Record<string, unknown> } | null;
  description: string;
  config: Record<string, unknown>;
  depends_on: { macros: string[]; nodes: string[] };
  checksum: { name: 'sha256'; checksum: string };
  created_at: number;
  /** Where it was declared (not part of dbt's shape). */
  line?: number;
}

export interface UnitTestResult {
  status: 'pass' | 'fail';
  message: string;
  executedSql: string[];
}

type Rows = { columns: string[]; rows: unknown[][] } | { sql: string };

/** Parse a small CSV text (header first) into string cells. */
export function parseCsvRows(text: string): { columns: string[]; rows: unknown[][] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.some((f) => f !== '') || record.length > 1) records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header = [], ...rest] = records;
  return { columns: header.map((h) => h.trim()), rows: rest.map((r) => r.map((v) => (v === '' ? null : v))) };
}

function toRows(spec: { rows?: unknown; format?: string } | undefined, what: string): Rows {
  const format = spec?.format ?? 'dict';
  const rows = spec?.rows;
  if (format === 'sql') {
    if (typeof rows !== 'string') throw new StrataError('unit-test-invalid', `${what}: format sql needs rows as a SQL string`);
    return { sql: rows };
  }
  if (format === 'csv') {
    if (typeof rows !== 'string') throw new StrataError('unit-test-invalid', `${what}: format csv needs rows as CSV text`);
    return parseCsvRows(rows);
  }
  if (rows === undefined || rows === null) return { columns: [], rows: [] };
  if (!Array.isArray(rows)) throw new StrataError('unit-test-invalid', `${what}: rows must be a list of mappings`);
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys((r ?? {}) as object)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: rows.map((r) => columns.map((c) => ((r ?? {}) as Record<string, unknown>)[c] ?? null)) };
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return `'${v.toISOString().replace('T', ' ').replace('Z', '')}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** A SELECT producing `rows`, cast to `types` where known, with `allColumns` (missing ones NULL). */
function rowsSelect(r: { columns: string[]; rows: unknown[][] }, types: Map<string, string>, allColumns: string[] | undefined, quote: (s: string) => string): string {
  const cols = allColumns && allColumns.length ? allColumns : r.columns;
  const cell = (col: string, v: unknown) => {
    const t = types.get(col.toLowerCase());
    return t ? `cast(${literal(v)} as ${t})` : literal(v);
  };
  const index = new Map(r.columns.map((c, i) => [c.toLowerCase(), i]));
  if (r.rows.length === 0) {
    return `select ${cols.map((c) => `${cell(c, null)} as ${quote(c)}`).join(', ')} where 1 = 0`;
  }
  return r.rows
    .map((row) => `select ${cols.map((c) => `${cell(c, index.has(c.toLowerCase()) ? row[index.get(c.toLowerCase())!] : null)} as ${quote(c)}`).join(', ')}`)
    .join('\nunion all\n');
}

export async function runUnitTest(ut: UnitTestEntry, model: ManifestNode, compiler: Compiler, adapter: Adapter, db: DatabaseServices): Promise<UnitTestResult> {
  const quote = (s: string) => adapter.dialect.quote(s);
  const executed: string[] = [];
  const m = compiler.parsed.manifest;
  const ctes: string[] = [];
  const refOverrides = new Map<string, string>();
  for (const [i, g] of ut.given.entries()) {
    const input = String(g.input ?? '');
    const name = `__strata_given_${i}`;
    const r = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/.exec(input);
    const s = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(input);
    if (!r && !s) throw new StrataError('unit-test-invalid', `unit test ${ut.name}: input must be ref('…') or source('…', '…') (got '${input}')`);
    const key = r ? `ref:${r[2] ?? r[1]}` : `source:${s![1]}.${s![2]}`;
    // The input relation's columns and types, when it exists in the warehouse.
    let target: { database: string | null; schema: string; identifier: string } | undefined;
    if (r) {
      const node = Object.values(m.nodes).find((n) => n.name === (r[2] ?? r[1]) && n.resource_type !== 'test');
      if (node) target = { database: node.database, schema: node.schema, identifier: node.alias };
    } else {
      const src = Object.values(m.sources).find((e) => e.source_name === s![1] && e.name === s![2]);
      if (src) target = { database: src.database, schema: src.schema, identifier: src.identifier };
    }
    const types = new Map<string, string>();
    let all: string[] | undefined;
    if (target) {
      const rel = await db.getRelation(target.database, target.schema, target.identifier);
      if (rel) {
        const cols = await db.getColumns(rel);
        for (const c of cols) types.set(c.name.toLowerCase(), c.dataType);
        all = cols.map((c) => c.name);
      }
    }
    const rows = toRows(g, `unit test ${ut.name}, input ${input}`);
    const body = 'sql' in rows ? rows.sql : rowsSelect(rows, types, all, quote);
    ctes.push(`${name} as (\n${body}\n)`);
    refOverrides.set(key, name);
  }
  const macros = ut.overrides?.macros ?? {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(macros)) extra[k] = () => v;
  const sql = await compiler.render(model, {
    isIncremental: macros.is_incremental === true,
    db,
    extra,
    refOverrides,
    varOverrides: ut.overrides?.vars ?? undefined,
  });
  const modelSql = injectCtes(sql.trim().replace(/;\s*$/, ''), ctes);
  return adapter.withSession(async (session) => {
    const probe = `select * from (\n${modelSql}\n) as strata_unit_actual limit 0`;
    executed.push(probe);
    const shape = await session.execute(probe, { fetch: true });
    const types = new Map(shape.columns.map((c) => [c.name.toLowerCase(), c.type]));
    const expect = toRows(ut.expect, `unit test ${ut.name}, expect`);
    let expectedSql: string;
    let cols: string[];
    if ('sql' in expect) {
      expectedSql = expect.sql;
      const e = await session.execute(`select * from (\n${expect.sql}\n) as strata_unit_expected limit 0`, { fetch: true });
      cols = e.columns.map((c) => c.name);
    } else {
      cols = expect.columns;
      const unknown = cols.filter((c) => !types.has(c.toLowerCase()));
      if (unknown.length) {
        throw new StrataError('unit-test-invalid', `unit test ${ut.name}: expected column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not in the output of ${model.name}`, {
          hint: `the model returns: ${shape.columns.map((c) => c.name).join(', ')}`,
        });
      }
      expectedSql = rowsSelect(expect, types, undefined, quote);
    }
    if (cols.length === 0) cols = shape.columns.map((c) => c.name);
    const list = cols.map(quote).join(', ');
    const diff = `with strata_actual as (select ${list} from (\n${modelSql}\n) as a),
strata_expected as (select ${list} from (\n${expectedSql}\n) as e)
select '-' as strata_diff, * from (select * from strata_expected except all select * from strata_actual) as missing
union all
select '+' as strata_diff, * from (select * from strata_actual except all select * from strata_expected) as unexpected`;
    executed.push(diff);
    const r = await session.execute(diff, { fetch: true });
    if (r.rows.length === 0) return { status: 'pass', message: 'PASS', executedSql: executed };
    const missing = r.rows.filter((x) => x[0] === '-').length;
    const unexpected = r.rows.length - missing;
    const table = formatDiff(['', ...cols], r.rows);
    return {
      status: 'fail',
      message: `unit test ${ut.name} of ${model.name}: ${missing} expected row${missing === 1 ? '' : 's'} missing (-), ${unexpected} unexpected row${unexpected === 1 ? '' : 's'} (+)\n${table}`,
      executedSql: executed,
    };
  });
}

function formatDiff(columns: string[], rows: unknown[][]): string {
  const show = (v: unknown) => (v === null || v === undefined ? 'null' : v instanceof Date ? v.toISOString().replace('T', ' ').replace('.000Z', '') : String(v));
  const cells = rows.map((r) => r.map(show));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}
