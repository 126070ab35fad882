/**
 * Errors from the engine. Every engine error is turned into a {@link SqlError}: a
 * StrataError with code `sql-error` (or `cancelled` when a statement was interrupted),
 * the engine's message, the SQL that failed, and the line in that SQL where the engine
 * reports one (DuckDB's `LINE n:`). The runner maps the line to the compiled file with
 * {@link SqlError.withFile}.
 */
import { StrataError } from '../errors.js';

/** An error the engine raised for a statement. */
export class SqlError extends StrataError {
  /** The statement that failed. */
  readonly sql: string;
  /** The 1-based line in {@link sql} the engine points to, if it does. */
  readonly sqlLine: number | undefined;
  /** The engine's own message, unchanged. */
  readonly engineMessage: string;

  constructor(code: 'sql-error' | 'cancelled', engineMessage: string, sql: string, sqlLine?: number, file?: string, source?: string) {
    super(code, code === 'cancelled' ? 'Query cancelled' : engineMessage, {
      position: file ? { file, line: sqlLine } : undefined,
      source,
    });
    this.name = 'SqlError';
    this.sql = sql;
    this.sqlLine = sqlLine;
    this.engineMessage = engineMessage;
  }

  /**
   * The same error told against another text: `sql` is the text the user wrote (a model's
   * compiled SQL) and `lineOffset` the number of lines that came before it in the failed
   * statement (for SQL wrapped in `CREATE TABLE … AS (`), so line n of the statement is
   * line n − offset of `sql`. With `file`, the error's position is set there.
   */
  relativeTo(sql: string, lineOffset = 0, file?: string): SqlError {
    const line = this.sqlLine !== undefined && this.sqlLine - lineOffset >= 1 ? this.sqlLine - lineOffset : undefined;
    return new SqlError(this.code as 'sql-error' | 'cancelled', this.engineMessage, sql, line, file, file ? sql : undefined);
  }

  /** The same error placed at its line in `file` (whose text is {@link sql}). */
  withFile(file: string, source: string = this.sql): SqlError {
    return new SqlError(this.code as 'sql-error' | 'cancelled', this.engineMessage, this.sql, this.sqlLine, file, source);
  }
}

/** The line number an engine message points to (`LINE 3:`), if any. */
export function sqlErrorLine(message: string): number | undefined {
  const m = /\bLINE (\d+):/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Whether an error is an interrupted statement. */
export function isCancelled(err: unknown): boolean {
  return err instanceof StrataError && err.code === 'cancelled';
}
