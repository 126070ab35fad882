/**
 * dbt-duckdb's `external` materialization: the model's rows are written to a file (Parquet by
 * default, or CSV or JSON) with DuckDB's `COPY … TO`, and the model's relation is a view that
 * reads the file, so downstream models read it as any other relation.
 *
 * Config, as dbt-duckdb's: `location` (default `<external_root>/<name>.<format>`, the profile's
 * `external_root` defaulting to the project folder), `format`, `delimiter`, `options` (COPY
 * options, e.g. `partition_by`, `compression`), and `parquet_read_options`,
 * `csv_read_options`, `json_read_options` for the view. A relative location is taken from the
 * project folder (dbt-duckdb takes it from the current folder), and the view reads it by its
 * absolute path, so it works wherever queries run from.
 *
 * A local file is written beside its place and renamed over it inside the transaction that
 * replaces the view with the hooks; the old file is kept (as a second link) until the commit,
 * and put back if the build fails. So the location always holds the old file or the new one,
 * whole, even when the process is killed; a partitioned folder is moved aside and back, and a
 * kill between those two renames is repaired by the next build.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { MaterializationContext, MaterializationResult } from './context.js';
import { configError } from './node-config.js';
import { applyRelationConfig } from './relation-config.js';
import { StatementLog, trimModelSql } from './statement-log.js';
import { lookupTarget, recordBuilt } from './target.js';
import { buildId } from './temp-names.js';

const FORMATS = ['parquet', 'csv', 'json'];
const remote = (p: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * Remove what a killed build left beside `location`: its written-aside new version, and its
 * kept old one, which goes back into place if a killed folder swap left the location empty.
 */
function cleanLeftovers(location: string): void {
  const dir = dirname(location);
  const prefix = `.${basename(location)}.strata_`;
  for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix)).sort()) {
    const path = join(dir, name);
    if (name.startsWith(`${prefix}old_`) && !existsSync(location)) renameSync(path, location);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Build an external model. */
export async function buildExternal(ctx: MaterializationContext): Promise<MaterializationResult> {
  if (ctx.adapter.type !== 'duckdb') throw configError(ctx, `the external materialization writes files with DuckDB; ${ctx.adapter.type} has none`, "Use materialized='table'.");
  const c = ctx.node.config;
  const mapping = (key: string): Record<string, unknown> => {
    const v = c[key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw configError(ctx, `${key} must be a mapping`);
    return v as Record<string, unknown>;
  };
  const options: Record<string, string> = Object.fromEntries(Object.entries(mapping('options')).map(([k, v]) => [k, String(v)]));
  if (c.format !== undefined && c.format !== null) options.format = String(c.format);
  if (c.delimiter !== undefined && c.delimiter !== null) options.delimiter = String(c.delimiter);
  if (options.format !== undefined && !FORMATS.includes(options.format.toLowerCase())) throw configError(ctx, `Invalid format: ${options.format}. Allowed formats are: ${FORMATS.join(', ')}`);

  // a path (the location, or external_root) is the project's when relative; a URL is as written
  const place = (p: string) => (remote(p) ? p.replace(/\/+$/, '') : isAbsolute(p) ? p : resolve(ctx.projectDir ?? '.', p));
  const root = place(ctx.externalRoot ?? '.');
  const identifier = ctx.node.relation.identifier;
  const location = place(typeof c.location === 'string' && c.location ? c.location : options.partition_by ? `${root}/${identifier}` : `${root}/${identifier}.${options.format ?? 'parquet'}`);

  // the COPY options, as dbt-duckdb writes them
  const ext = extname(location).slice(1).toLowerCase();
  options.format ??= ext ? ext : options.delimiter !== undefined ? 'csv' : 'parquet';
  const format = FORMATS.includes(options.format.toLowerCase()) ? options.format.toLowerCase() : 'parquet';
  if (options.format.toLowerCase() === 'csv') options.header ??= '1';
  if (options.partition_by?.includes(',') && !options.partition_by.startsWith('(')) options.partition_by = `(${options.partition_by})`;
  const writeOptions = Object.entries(options)
    .map(([k, v]) => (['delimiter', 'quote', 'escape', 'null'].includes(k.toLowerCase()) && !v.startsWith("'") ? `${k} ${quoted(v)}` : `${k} ${v}`))
    .join(', ');
  const partitioned = Boolean(options.partition_by || options.per_thread_output);
  const readLocation = partitioned ? `${[location, '*', ...(options.partition_by ? options.partition_by.split(',').map(() => '*') : [])].join('/')}.${format}` : location;
  const readDefaults: Record<string, Record<string, unknown>> = { parquet: { union_by_name: false }, csv: { auto_detect: true }, json: { auto_detect: true } };
  const readOptions = { ...readDefaults[format], ...mapping(`${format}_read_options`) };
  const readArgs = Object.entries(readOptions).map(([k, v]) => `, ${k}=${typeof v === 'string' ? quoted(v) : String(v)}`).join('');

  const sql = trimModelSql(await ctx.render({ isIncremental: false }));
  const dialect = ctx.adapter.dialect;
  const target = ctx.node.relation.withType('view');
  return ctx.adapter.withSession(async (session) => {
    const log = new StatementLog(session, ctx.signal, ctx.node.config.sql_header);
    const existing = await lookupTarget(ctx, session, log.statements);
    const id = buildId();
    const staged = dialect.stagingRelation(target, id);
    // a local file is written aside, and swapped with the one in place (kept aside until the
    // build commits, and put back if it fails); a remote one is written where it goes
    const local = !remote(location);
    const aside = local ? join(dirname(location), `.${basename(location)}.strata_tmp_${id}`) : location;
    const old = join(dirname(location), `.${basename(location)}.strata_old_${id}`);
    let keptOld = false;
    let placed = false;
    let rows = 0;
    if (local) {
      mkdirSync(dirname(location), { recursive: true });
      cleanLeftovers(location);
    }
    try {
      await log.transaction(async () => {
        await log.hooks(ctx.hooks.pre);
        await log.runModel(dialect.createStagingTable(staged, sql), sql, ctx.node.compiledPath);
        rows = (await log.run(`COPY ${staged.render()} TO ${quoted(aside)} (${writeOptions})`)).rowsAffected ?? 0;
        if (local) {
          if (existsSync(location)) {
            // a file is replaced in one rename, its old version kept as a second link to put
            // back; a folder (partitioned output) cannot be renamed over, so it is moved aside first
            if (statSync(location).isDirectory()) renameSync(location, old);
            else linkSync(location, old);
            keptOld = true;
          }
          renameSync(aside, location);
          placed = true;
        }
        if (existing && existing.type !== 'view') await log.run(dialect.dropRelation(existing, existing.storedType));
        await log.run(dialect.createViewAs(target, `select * from read_${format}(${quoted(readLocation)}${readArgs})`, existing?.type === 'view'));
        await log.run(dialect.dropRelation(staged, 'table'));
        await log.hooks(ctx.hooks.post);
        await applyRelationConfig(ctx, log, target, false);
      });
    } catch (e) {
      if (keptOld) {
        if (placed && statSync(location).isDirectory()) rmSync(location, { recursive: true, force: true });
        renameSync(old, location);
      } else if (placed) rmSync(location, { recursive: true, force: true });
      if (local) rmSync(aside, { recursive: true, force: true });
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
    recordBuilt(ctx, 'view');
    return { status: 'success', message: `COPY ${rows}`, rowsAffected: rows, executedSql: log.statements };
  });
}
