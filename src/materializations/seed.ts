/**
 * Seeds: load a CSV file into a table with the engine's own CSV reader (DuckDB's
 * `read_csv`) or bulk path (PostgreSQL's `COPY … FROM STDIN`, column types guessed by
 * `seed-types.ts`), never row by row.
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
import { runHooksOn } from './statement-log.js';
import { ensureSchema } from './ensure-schema.js';
import { checkCsv, fieldColumns } from './seed-csv.js';
import { inferSeedTypes } from './seed-types.js';
import { readFileSync } from 'node:fs';

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
  hooks?: { pre: string[]; post: string[] };
}


function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SELECT reading the file with the engine's CSV reader. */
function csvSelect(adapter: Adapter, path: string, delimiter: string, columnTypes: Record<string, string>): string {
  if (adapter.type !== 'duckdb') {
    throw new StrataError('not-implemented', `loading seeds is not implemented for ${adapter.type} yet`);
  }
  const types = Object.entries(columnTypes);
  const typeArg = types.length ? `, types={${types.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}` : '';
  // The types dbt-duckdb gives seeds: INTEGER for whole numbers (BIGINT when one does not fit),
  // DOUBLE, BOOLEAN, DATE, TIMESTAMP, else VARCHAR (no TIME: dbt reads a time of day as text).
  const candidates = `auto_type_candidates=['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'VARCHAR']`;
  return `select * from read_csv(${literal(path)}, header=true, delim=${literal(delimiter)}, quote='"', escape='"', auto_detect=true, sample_size=-1, normalize_names=false, ${candidates}${typeArg})`;
}

/** Turn the engine's CSV conversion error into one that names the file, line and column. */
function csvError(e: unknown, ctx: SeedContext, header: string[], delimiter: string): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line:\s*(\d+)/.exec(msg);
  if (!line) return e;
  const n = Number(line[1]);
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
  const shape = checkCsv(ctx.csvPath, ctx.displayPath, delimiter);
  for (const k of Object.keys(columnTypes)) {
    if (!shape.header.some((h) => h.toLowerCase() === k.toLowerCase())) {
      throw new StrataError('config-invalid', `seed ${ctx.node.name}: column_types names '${k}', which is not a column of ${ctx.displayPath}`, { hint: `columns: ${shape.header.join(', ')}` });
    }
  }
  const d = ctx.adapter.dialect;
  if (ctx.adapter.type !== 'duckdb') return copySeed(ctx, shape.header, shape.rows, delimiter, columnTypes);
  const select = csvSelect(ctx.adapter, ctx.csvPath, delimiter, columnTypes);
  const target = ctx.node.relation.withType('table');
  const executed: string[] = [];
  const run = async (s: Session, sql: string) => {
    executed.push(sql);
    try {
      return await s.execute(sql, { fetch: false, signal: ctx.signal });
    } catch (e) {
      throw csvError(e, ctx, shape.header, delimiter);
    }
  };
  return ctx.adapter.withSession(async (s) => {
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
      return { status: 'success', message: `INSERT ${shape.rows}`, rowsAffected: shape.rows, executedSql: executed };
    }
    // Keep the table: replace its rows in one transaction.
    const cols = await s.getColumns(existing);
    const have = new Set(cols.map((x) => x.name.toLowerCase()));
    const missing = shape.header.filter((h) => !have.has(h.toLowerCase()));
    const extra = cols.filter((x) => !shape.header.some((h) => h.toLowerCase() === x.name.toLowerCase()));
    if (missing.length || extra.length) {
      throw new StrataError('seed-columns-changed', `seed ${ctx.node.name}: the columns of ${ctx.displayPath} changed (${[...missing.map((m) => `+${m}`), ...extra.map((x) => `-${x.name}`)].join(', ')})`, {
        position: { file: ctx.displayPath, line: 1, column: 1 },
        hint: 'run `strata seed --full-refresh` to rebuild the table with the new columns',
      });
    }
    const names = shape.header;
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
    return { status: 'success', message: `INSERT ${shape.rows}`, rowsAffected: shape.rows, executedSql: executed };
  });
}

/** A COPY conversion error (`CONTEXT: COPY t, line 3, column id: "x"`) as one naming the file, line and column. */
function copyError(e: unknown, ctx: SeedContext, header: string[], delimiter: string): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const at = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(msg);
  if (!at) return e;
  const n = Number(at[1]);
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
 * Load a seed on an engine without a CSV reader of its own (PostgreSQL): the column types
 * are guessed from the file (or given by `column_types`), and the rows go in through the
 * session's bulk path (`COPY … FROM STDIN`), never row by row. A new table or a full
 * refresh is created under a temporary name, filled and swapped in, all in one
 * transaction; an existing table has its rows replaced in one transaction.
 */
async function copySeed(ctx: SeedContext, header: string[], rows: number, delimiter: string, columnTypes: Record<string, string>): Promise<MaterializationResult> {
  if (delimiter.length !== 1) {
    throw new StrataError('config-invalid', `seed ${ctx.node.name}: the delimiter must be one character on ${ctx.adapter.type} (got '${delimiter}')`);
  }
  const d = ctx.adapter.dialect;
  const target = ctx.node.relation.withType('table');
  const executed: string[] = [];
  return ctx.adapter.withSession(async (s) => {
    if (!s.copyCsv) throw new StrataError('not-implemented', `loading seeds is not implemented for ${ctx.adapter.type}`);
    const copy = async (into: Relation) => {
      executed.push(`COPY ${into.render()} (${header.map((h) => d.quote(h)).join(', ')}) FROM STDIN -- ${ctx.displayPath}`);
      try {
        return await s.copyCsv!(into, ctx.csvPath, { columns: header, delimiter, signal: ctx.signal });
      } catch (e) {
        throw copyError(e, ctx, header, delimiter);
      }
    };
    const run = async (sql: string) => {
      executed.push(sql);
      return s.execute(sql, { fetch: false, signal: ctx.signal });
    };
    await ensureSchema(s, target);
    const existing = await s.getRelation(target.database, target.schema, target.identifier);
    let loaded = rows;
    if (ctx.fullRefresh || !existing || existing.type !== 'table') {
      const columns = inferSeedTypes(ctx.csvPath, delimiter, header, columnTypes);
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
  });
}
