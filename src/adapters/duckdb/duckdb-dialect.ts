/**
 * DuckDB's SQL: transactional DDL, `MERGE INTO` (DuckDB ≥ 1.4), and session-local
 * temporary tables in the `temp` catalog for staging incremental rows.
 *
 * Views: `CREATE OR REPLACE VIEW` is one statement and so atomic in DuckDB; the view
 * materialization still wraps it (with hooks, and the drop of a table in the way) in a
 * transaction.
 */
import type { DialectCapabilities, TypeNames } from '../adapter.js';
import { BaseDialect } from '../base-dialect.js';
import type { Relation } from '../relation.js';

/** The catalog DuckDB keeps temporary tables in. */
export const DUCKDB_TEMP_CATALOG = 'temp';

/** DuckDB's dialect. */
export class DuckDBDialect extends BaseDialect {
  readonly capabilities: DialectCapabilities = { transactionalDdl: true, merge: true, tempTables: true, foreignKeys: false, materializedViews: false, grants: false };
  readonly adapterType = 'duckdb';
  readonly types: TypeNames = {
    string: 'VARCHAR',
    timestamp: 'TIMESTAMP',
    int: 'INTEGER',
    bigint: 'BIGINT',
    float: 'DOUBLE',
    numeric: 'DECIMAL(28,6)',
    boolean: 'BOOLEAN',
  };

  override stagingRelation(target: Relation, suffix: string): Relation {
    return this.relation(DUCKDB_TEMP_CATALOG, 'main', this.tempIdentifier(target.identifier, suffix), 'table');
  }

  override createStagingTable(staging: Relation, sql: string): string {
    return `CREATE TEMPORARY TABLE ${this.quote(staging.identifier)} AS (\n${sql}\n)`;
  }
}
