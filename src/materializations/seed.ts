/**
 * Seeds: load a CSV file into a table with the column types dbt infers (`seed-types.ts`),
 * through the engine's own CSV reader (DuckDB's `read_csv`) or bulk path (PostgreSQL's
 * `COPY … FROM STDIN`), never row by row. When some value is in a form only dbt's reader
 * takes (`$5`, `null` in a number column…), the engine reads a rewritten copy of the file.
 * With `--full-refresh`, or when the table is new, the table is built under a temporary
 * name and swapped in; otherwise its rows are replaced inside one transaction, so the
 * table keeps its grants and the views on it. A malformed file fails with its file, line
 * and column, and the existing table is left as it was.
 */
import type { Adapter, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import type { MaterializationNode, MaterializationResult } from './context.js';
import { applyRelationConfigOn } from './relation-config.js';
import { runHooksOn, type Hook } from './statement-log.js';
import { ensureSchema } from './ensure-schema.js';
import { fieldColumns } from './seed-csv.js';
import { planSeed, rewriteSeed, type SeedColumn, type SeedEngine, type SeedPlan } from './seed-types.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SeedContext {
  adapter: Adapter;
  node: { uniqueId: string; name: string; relation: Relation; config: Record<string, unknown>; docs?: MaterializationNode['docs'] };
  /** Absolute path of the CSV file. */
  csvPath: string;
  /** How to name the file in messages (relative to the project). */
  displayPath: string;
  fullRefresh: boolean;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  /** Already rendered hook SQL, run inside the transaction that writes the table: `pre` first, `post` before its commit. */
  hooks?: { pre: Hook[]; post: Hook[] };
}


function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The file an engine reads: the seed's own, or its rewrite (`seed-types.ts`) in a temporary file that `done` removes. */
interface SeedSource {
  path: string;
  delimiter: string;
  /** The seed file's line of a line of `path`. */
  line(n: number): number;
  done(): void;
}

function seedSource(ctx: SeedContext, plan: SeedPlan, delimiter: string, engine: SeedEngine, offsets?: Map<string, string>): SeedSource {
  if (!plan.rewrite && (engine === 'duckdb' || delimiter.length === 1)) return { path: ctx.csvPath, delimiter, line: (n) => n, done: () => undefined };
  const { csv, lines } = rewriteSeed(plan, delimiter, engine, offsets);
  const path = join(tmpdir(), `strata-seed-${process.pid}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.csv`);
  writeFileSync(path, csv);
  return { path, delimiter: ',', line: (n) => lines[n - 1] ?? n, done: () => rmSync(path, { force: true }) };
}

/** A SELECT reading the file with DuckDB's CSV reader, each column in its type. */
function csvSelect(source: SeedSource, columns: SeedColumn[]): string {
  const types = columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ');
  return `select * from read_csv(${literal(source.path)}, header=true, delim=${literal(source.delimiter)}, quote='"', escape='"', auto_detect=false, columns={${types}})`;
}

/** Turn the engine's CSV conversion error into one that names the file, line and column. */
function csvError(e: unknown, ctx: SeedContext, header: string[], delimiter: string, source: SeedSource): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line:\s*(\d+)/.exec(msg);
  if (!line) return e;
  const n = source.line(Number(line[1]));
  const col = /converting column "([^"]+)"/.exec(msg)?.[1];
  const idx = col ? header.findIndex((h) => h.toLowerCase() === col.toLowerCase()) : -1;
  const text = readFileSync(ctx.csvPath, 'utf8');
  const column = idx >= 0 ? fieldColumns(text.split(/\r?\n/)[n - 1] ?? '', delimiter)[idx] : undefined;
  const what = /Could not convert string "([^"]*)" to '([^']+)'/.exec(msg);
  const message = what ? `${ctx.displayPath}: value "${what[1]}" in column '${col}' does not fit type ${what[2]}` : `${ctx.displayPath}: ${msg.split('\n').filter(Boolean).slice(-1)[0] ?? msg}`;
  return new StrataError('seed-value', message, {
    position: { file: ctx.displayPath, line: n, column },
    source: text,
    hint: col ? `fix the value, or set column_types: {${col}: varchar} for this seed` : undefined,
  });
}

export async function loadSeed(ctx: SeedContext): Promise<MaterializationResult> {
  const c = ctx.node.config;
  const delimiter = typeof c.delimiter === 'string' && c.delimiter !== '' ? c.delimiter : ',';
  const columnTypes = (c.column_types && typeof c.column_types === 'object' ? c.column_types : {}) as Record<string, string>;
  const engine: SeedEngine = ctx.adapter.type === 'duckdb' ? 'duckdb' : 'postgres';
  const plan = planSeed(ctx.csvPath, ctx.displayPath, delimiter, columnTypes, engine);
  for (const k of Object.keys(columnTypes)) {
    if (!plan.header.some((h) => h.toLowerCase() === k.toLowerCase())) {
      throw new StrataError('config-invalid', `seed ${ctx.node.name}: column_types names '${k}', which is not a column of ${ctx.displayPath}`, { hint: `columns: ${plan.header.join(', ')}` });
    }
  }
  const d = ctx.adapter.dialect;
  if (engine !== 'duckdb') return copySeed(ctx, plan, delimiter);
  const source = seedSource(ctx, plan, delimiter, engine);
  const select = csvSelect(source, plan.columns);
  const target = ctx.node.relation.withType('table');
  const executed: string[] = [];
  const run = async (s: Session, sql: string) => {
    executed.push(sql);
    try {
      return await s.execute(sql, { fetch: false, signal: ctx.signal });
    } catch (e) {
      throw csvError(e, ctx, plan.header, delimiter, source);
    }
  };
  return ctx.adapter.withSession<MaterializationResult>(async (s) => {
    await ensureSchema(s, target);
    const existing = await s.getRelation(target.database, target.schema, target.identifier);
    const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    if (ctx.fullRefresh || !existing || existing.type !== 'table') {
      const staged = target.withIdentifier(d.tempIdentifier(target.identifier, id), 'table');
      await run(s, d.createTableAs(staged, select));
      await s.begin();
      try {
        await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
        for (const q of d.swapStatements(staged, target, existing, d.tempIdentifier(target.identifier, `${id}_old`))) await run(s, q);
        await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
        await applyRelationConfigOn(ctx, s, target, false, executed);
        await s.commit();
      } catch (e) {
        await s.rollback();
        await s.dropRelation(staged).catch(() => undefined);
        throw e;
      }
      return { status: 'success', message: `INSERT ${plan.rows}`, rowsAffected: plan.rows, executedSql: executed };
    }
    // Keep the table: replace its rows in one transaction.
    const cols = await s.getColumns(existing);
    const have = new Set(cols.map((x) => x.name.toLowerCase()));
    const missing = plan.header.filter((h) => !have.has(h.toLowerCase()));
    const extra = cols.filter((x) => !plan.header.some((h) => h.toLowerCase() === x.name.toLowerCase()));
    if (missing.length || extra.length) {
      throw new StrataError('seed-columns-changed', `seed ${ctx.node.name}: the columns of ${ctx.displayPath} changed (${[...missing.map((m) => `+${m}`), ...extra.map((x) => `-${x.name}`)].join(', ')})`, {
        position: { file: ctx.displayPath, line: 1, column: 1 },
        hint: 'run `strata seed --full-refresh` to rebuild the table with the new columns',
      });
    }
    const names = plan.header;
    await s.begin();
    try {
      await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
      await run(s, d.truncate(target));
      await run(s, `insert into ${target.render()} (${names.map((n) => d.quote(n)).join(', ')})\nselect ${names.map((n) => d.quote(n)).join(', ')} from (${select}) as seed_rows`);
      await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
      await applyRelationConfigOn(ctx, s, target, true, executed);
      await s.commit();
    } catch (e) {
      await s.rollback();
      throw e;
    }
    return { status: 'success', message: `INSERT ${plan.rows}`, rowsAffected: plan.rows, executedSql: executed };
  }).finally(() => source.done());
}

/** A COPY conversion error (`CONTEXT: COPY t, line 3, column id: "x"`) as one naming the file, line and column. */
function copyError(e: unknown, ctx: SeedContext, header: string[], delimiter: string, source: SeedSource): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const at = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(msg);
  if (!at) return e;
  const n = source.line(Number(at[1]));
  const col = at[2];
  const idx = col ? header.findIndex((h) => h === col || h.toLowerCase() === col.toLowerCase()) : -1;
  const text = readFileSync(ctx.csvPath, 'utf8');
  const column = idx >= 0 ? fieldColumns(text.split(/\r?\n/)[n - 1] ?? '', delimiter)[idx] : undefined;
  const first = msg.split('\n')[0] ?? msg;
  return new StrataError('seed-value', `${ctx.displayPath}: ${first}${col ? ` (column '${col}')` : ''}`, {
    position: { file: ctx.displayPath, line: n, column },
    source: text,
    hint: col ? `fix the value, or set column_types: {${col}: text} for this seed` : undefined,
    cause: e,
  });
}

/**
 * Load a seed on an engine without a CSV reader of its own (PostgreSQL): the table is
 * created with the inferred types (or `column_types`), and the rows go in through the
 * session's bulk path (`COPY … FROM STDIN`), never row by row. A new table or a full
 * refresh is created under a temporary name, filled and swapped in, all in one
 * transaction; an existing table has its rows replaced in one transaction.
 */
async function copySeed(ctx: SeedContext, plan: SeedPlan, delimiter: string): Promise<MaterializationResult> {
  const header = plan.header;
  const d = ctx.adapter.dialect;
  const target = ctx.node.relation.withType('table');
  const executed: string[] = [];
  // Timestamps with a UTC offset are the session's local time, as dbt-postgres inserts them.
  let offsets: Map<string, string> | undefined;
  if (plan.rewrite && plan.offsets.length) {
    const sql = `select v, to_char(cast(cast(v as timestamptz) as timestamp), 'YYYY-MM-DD HH24:MI:SS.US') from unnest(array[${plan.offsets.map(literal).join(', ')}]::text[]) as v`;
    executed.push(sql);
    const r = await ctx.adapter.withSession((s) => s.execute(sql, { signal: ctx.signal }));
    offsets = new Map(r.rows.map((row) => [String(row[0]), String(row[1])]));
  }
  const source = seedSource(ctx, plan, delimiter, 'postgres', offsets);
  return ctx.adapter.withSession<MaterializationResult>(async (s) => {
    if (!s.copyCsv) throw new StrataError('not-implemented', `loading seeds is not implemented for ${ctx.adapter.type}`);
    const copy = async (into: Relation) => {
      executed.push(`COPY ${into.render()} (${header.map((h) => d.quote(h)).join(', ')}) FROM STDIN -- ${ctx.displayPath}`);
      try {
        return await s.copyCsv!(into, source.path, { columns: header, delimiter: source.delimiter, signal: ctx.signal });
      } catch (e) {
        throw copyError(e, ctx, header, delimiter, source);
      }
    };
    const run = async (sql: string) => {
      executed.push(sql);
      return s.execute(sql, { fetch: false, signal: ctx.signal });
    };
    await ensureSchema(s, target);
    const existing = await s.getRelation(target.database, target.schema, target.identifier);
    let loaded = plan.rows;
    if (ctx.fullRefresh || !existing || existing.type !== 'table') {
      const columns = plan.columns;
      const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
      const staged = target.withIdentifier(d.tempIdentifier(target.identifier, id), 'table');
      await s.begin();
      try {
        await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
        await run(`CREATE TABLE ${staged.render()} (${columns.map((c) => `${d.quote(c.name)} ${c.type}`).join(', ')})`);
        loaded = await copy(staged);
        for (const q of d.swapStatements(staged, target, existing, d.tempIdentifier(target.identifier, `${id}_old`))) await run(q);
        await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
        await applyRelationConfigOn(ctx, s, target, false, executed);
        await s.commit();
      } catch (e) {
        await s.rollback();
        throw e;
      }
    } else {
      const cols = await s.getColumns(existing);
      const have = new Set(cols.map((x) => x.name.toLowerCase()));
      const missing = header.filter((h) => !have.has(h.toLowerCase()));
      const extra = cols.filter((x) => !header.some((h) => h.toLowerCase() === x.name.toLowerCase()));
      if (missing.length || extra.length) {
        throw new StrataError('seed-columns-changed', `seed ${ctx.node.name}: the columns of ${ctx.displayPath} changed (${[...missing.map((m) => `+${m}`), ...extra.map((x) => `-${x.name}`)].join(', ')})`, {
          position: { file: ctx.displayPath, line: 1, column: 1 },
          hint: 'run `strata seed --full-refresh` to rebuild the table with the new columns',
        });
      }
      await s.begin();
      try {
        await runHooksOn(s, ctx.hooks?.pre, executed, ctx.signal);
        await run(d.truncate(target));
        loaded = await copy(target);
        await runHooksOn(s, ctx.hooks?.post, executed, ctx.signal);
        await applyRelationConfigOn(ctx, s, target, true, executed);
        await s.commit();
      } catch (e) {
        await s.rollback();
        throw e;
      }
    }
    ctx.adapter.cache.set(target.incorporate({ path: { database: target.database ?? ctx.adapter.database } }));
    return { status: 'success', message: `INSERT ${loaded}`, rowsAffected: loaded, executedSql: executed };
  }).finally(() => source.done());
}
