/**
 * Running a materialization's statements on one session while keeping the list of what
 * ran (for `target/run/`), with the run's abort signal.
 */
import type { QueryResult, Session } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';

/**
 * A hook as a build runs it: its SQL, or a function that renders it on the build's session when
 * its turn comes (as dbt renders hooks: what a hook's Jinja does, such as dropping a relation or
 * reading the table just built, happens there, inside the build's transaction).
 */
export type Hook = string | ((session: Session) => Promise<string>);

/** Whether a hook may run something (a hook yet to be rendered may). */
export const hasHook = (hook: Hook): boolean => typeof hook !== 'string' || hook.trim() !== '';

/** A hook's SQL, rendered on `session` if it is not yet. */
export async function hookSql(hook: Hook, session: Session): Promise<string> {
  return typeof hook === 'string' ? hook : hook(session);
}

/** Executes and records statements. */
export class StatementLog {
  readonly statements: string[] = [];

  /**
   * `sqlHeader` is the model's `sql_header` config (`set_sql_header`): SQL sent in front of each
   * statement that embeds the model's SQL, in the same request, as dbt sends it (PostgreSQL runs
   * such a request in one transaction, so a header's `set local` holds for the statement).
   */
  constructor(
    readonly session: Session,
    private readonly signal: AbortSignal | undefined,
    private readonly sqlHeader?: unknown,
  ) {}

  /** Run one statement (or several, for hooks) and record it. */
  async run(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    return this.session.execute(sql, { fetch: false, signal: this.signal });
  }

  /** Run one query, record it, and return its rows. */
  async query(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    return this.session.execute(sql, { fetch: true, signal: this.signal });
  }

  /**
   * Run a statement that embeds the model's SQL verbatim; an engine error is told against
   * the model's SQL (its line shifted back by the wrapper's lines), placed in `file` if given.
   */
  async runModel(statement: string, modelSql: string, file: string | undefined): Promise<QueryResult> {
    const header = typeof this.sqlHeader === 'string' ? this.sqlHeader.trim().replace(/;*$/, '') : '';
    if (header) statement = `${header};\n${statement}`;
    try {
      return await this.run(statement);
    } catch (err) {
      if (err instanceof SqlError) {
        const at = statement.indexOf(modelSql);
        const offset = at >= 0 ? statement.slice(0, at).split('\n').length - 1 : 0;
        throw err.relativeTo(modelSql, offset, file);
      }
      throw err;
    }
  }

  /** Run each hook in order. */
  async hooks(hooks: readonly Hook[]): Promise<void> {
    await runHooksOn(this.session, hooks, this.statements, this.signal);
  }

  /** Run `fn` inside a transaction: commit when it returns, roll back when it throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.session.begin();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await this.session.rollback();
      throw err;
    }
    await this.session.commit();
    return result;
  }
}

/**
 * A model's SQL ready to be wrapped in `CREATE … AS (…)`: trailing semicolons and blank
 * space removed (a trailing `;` would end the wrapper early).
 */
export function trimModelSql(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Run hooks on `session` in order, recording them in `executed` (for the builds that keep their own list). */
export async function runHooksOn(session: Session, hooks: readonly Hook[] | undefined, executed: string[], signal: AbortSignal | undefined): Promise<void> {
  for (const h of hooks ?? []) {
    const sql = await hookSql(h, session);
    if (!sql.trim()) continue;
    executed.push(sql);
    await session.execute(sql, { fetch: false, signal });
  }
}
