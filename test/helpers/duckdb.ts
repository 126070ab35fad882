/**
 * Opening a DuckDB file from a test: the file is opened, used and closed again (DuckDB
 * allows one process at a time), so the CLI under test can open it next.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Run `fn` with a connection to the DuckDB file at `path`, then close it. */
export async function withDuckDb<T>(path: string, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The rows of `sql` (as JavaScript values) from the DuckDB file at `path`. */
export async function queryDuckDb(path: string, sql: string): Promise<unknown[][]> {
  return withDuckDb(path, async (c) => (await c.runAndReadAll(sql)).getRowsJS() as unknown[][]);
}
