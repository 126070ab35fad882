/**
 * Data tests: a test's SQL selects the failing rows; the test counts them with its
 * `fail_calc` and compares with `warn_if` / `error_if` under its `severity`. With
 * `store_failures`, the failing rows are kept in a table (swapped in atomically) whose name
 * the result carries; `store_failures_as: view` keeps them as a view instead.
 */
import type { Adapter, Session } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import { ensureSchema } from './ensure-schema.js';

export interface TestRunContext {
  adapter: Adapter;
  node: { uniqueId: string; name: string; config: Record<string, unknown> };
  /** The test's compiled SQL (its failing rows). */
  sql: string;
  /** Where stored failures go (the audit schema and the test's alias). */
  failuresRelation?: Relation;
  /** `--store-failures` on the command line. */
  storeFailures?: boolean;
  /** `--warn-error` (or its options naming test results): a test that would warn fails instead. */
  warnError?: boolean;
  signal?: AbortSignal;
}

export interface TestRunResult {
  status: 'pass' | 'warn' | 'fail';
  failures: number;
  message: string;
  executedSql: string[];
  /** The table holding the failing rows, when stored. */
  storedIn?: string;
}

const CONDITION = /^\s*(==|!=|<>|>=|<=|>|<|=)\s*-?\d+(\.\d+)?\s*$/;

/**
 * How the failing rows are kept, as dbt decides: `store_failures_as` (table, view, or ephemeral:
 * not kept) when set; otherwise a table when `store_failures` (or `--store-failures`) is on.
 */
function storedAs(ctx: TestRunContext): 'table' | 'view' | undefined {
  const c = ctx.node.config;
  const as = c.store_failures_as;
  if (as === 'table' || as === 'view') return as;
  if (as === 'ephemeral') return undefined;
  if (as !== undefined && as !== null) throw new StrataError('config-invalid', `test ${ctx.node.name}: store_failures_as must be 'table', 'view' or 'ephemeral' (got '${String(as)}')`);
  return c.store_failures === true || (c.store_failures === undefined && ctx.storeFailures) ? 'table' : undefined;
}

export async function runTest(ctx: TestRunContext): Promise<TestRunResult> {
  const c = ctx.node.config;
  const failCalc = String(c.fail_calc ?? 'count(*)');
  const warnIf = String(c.warn_if ?? '!= 0');
  const errorIf = String(c.error_if ?? '!= 0');
  for (const [k, v] of [['warn_if', warnIf], ['error_if', errorIf]] as const) {
    if (!CONDITION.test(v)) throw new StrataError('config-invalid', `test ${ctx.node.name}: ${k} must be a comparison with a number, such as '!= 0' or '>10' (got '${v}')`);
  }
  const severity = String(c.severity ?? 'ERROR').toUpperCase();
  if (severity !== 'ERROR' && severity !== 'WARN') throw new StrataError('config-invalid', `test ${ctx.node.name}: severity must be 'error' or 'warn' (got '${String(c.severity)}')`);
  const limit = c.limit === undefined || c.limit === null ? '' : `\nlimit ${Number(c.limit)}`;
  const body = ctx.sql.trim().replace(/;\s*$/, '');
  const executed: string[] = [];
  let storedIn: string | undefined;

  return ctx.adapter.withSession(async (s) => {
    const abort = () => s.interrupt();
    ctx.signal?.addEventListener('abort', abort);
    try {
      let source = `(\n${body}${limit}\n) dbt_internal_test`;
      const storeAs = storedAs(ctx);
      if (storeAs && ctx.failuresRelation) {
        storedIn = await keepFailures(s, storeAs, ctx.failuresRelation, `select * from (\n${body}${limit}\n) dbt_internal_test`, executed);
        source = `${storedIn} dbt_internal_test`;
      }
      const q = `select ${failCalc} as failures, (${failCalc}) ${warnIf} as should_warn, (${failCalc}) ${errorIf} as should_error\nfrom ${source}`;
      executed.push(q);
      const r = await s.execute(q, { fetch: true });
      const row = r.rows[0] ?? [0, false, false];
      const failures = Number(row[0] ?? 0);
      const shouldWarn = Boolean(row[1]);
      const shouldError = Boolean(row[2]);
      // dbt's rule: an error under severity error; else a warning, which --warn-error makes a failure
      let status: TestRunResult['status'] = 'pass';
      let condition = '';
      if (severity === 'ERROR' && shouldError) [status, condition] = ['fail', errorIf];
      else if (shouldWarn) [status, condition] = [ctx.warnError ? 'fail' : 'warn', warnIf];
      const message = status === 'pass' ? 'PASS' : `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? 'fail' : 'warn'} if ${condition}`;
      // as dbt: a test that passes reports no failures, even when its query counted some rows
      // (rows below its warn_if/error_if thresholds)
      return { status, failures: status === 'pass' ? 0 : failures, message, executedSql: executed, storedIn };
    } finally {
      ctx.signal?.removeEventListener('abort', abort);
    }
  });
}

/**
 * Keep the failing rows (the `failing` query) at `relation`: a table, built aside and swapped in,
 * or a view. Returns its name.
 */
async function keepFailures(s: Session, as: 'table' | 'view', relation: Relation, failing: string, executed: string[]): Promise<string> {
  const d = s.adapter.dialect;
  const target = relation.withType(as);
  const existing = await s.getRelation(target.database, target.schema, target.identifier);
  await ensureSchema(s, target);
  const run = async (q: string) => {
    executed.push(q);
    await s.execute(q, { fetch: false });
  };
  const inTransaction = async (statements: string[], undo?: () => Promise<void>) => {
    await s.begin();
    try {
      for (const q of statements) await run(q);
      await s.commit();
    } catch (e) {
      await s.rollback();
      await undo?.();
      throw e;
    }
  };
  if (as === 'view') {
    await inTransaction([...(existing && existing.type !== 'view' ? [d.dropRelation(existing, existing.storedType)] : []), d.createViewAs(target, failing, existing?.type === 'view')]);
  } else {
    const id = Date.now().toString(36);
    const staged = target.withIdentifier(`${target.identifier}__strata_tmp_${id}`);
    await run(d.createTableAs(staged, failing));
    await inTransaction(d.swapStatements(staged, target, existing, `${target.identifier}__strata_old_${id}`), () => s.dropRelation(staged));
  }
  return target.render();
}
