/**
 * PostgreSQL's SQL. Differences from the portable base:
 *
 * - identifiers longer than 63 bytes are cut by the server, so temporary names are
 *   shortened to fit;
 * - `CREATE OR REPLACE VIEW` cannot drop or retype columns, so replacing a view drops and
 *   re-creates it; sent as one string, the two statements run in one implicit
 *   transaction (the simple query protocol) or inside the caller's;
 * - staging tables are session-local `TEMPORARY` tables (schema `pg_temp`);
 * - `MERGE` exists from PostgreSQL 15 on: `capabilities.merge` is set from the server's
 *   version once the driver has connected (delete+insert otherwise);
 * - `ALTER COLUMN … TYPE` needs a `USING` cast for conversions without an implicit one.
 */
import type { DialectCapabilities, TypeNames } from '../adapter.js';
import { BaseDialect } from '../base-dialect.js';
import { StrataError } from '../../errors.js';
import type { Relation } from '../relation.js';

/** The first key of the advisory lock that serializes swaps ("Su"). */
export const SWAP_LOCK_CLASS = 0x5375;

/** The schema name that always means the session's own temporary schema. */
export const POSTGRES_TEMP_SCHEMA = 'pg_temp';

/** PostgreSQL's dialect. */
/** Result column types by the family dbt-postgres names them with (its driver's type casters). */
const CONTRACT_FAMILIES: Record<string, string> = {
  text: 'STRING', varchar: 'STRING', bpchar: 'STRING', name: 'STRING',
  int2: 'INTEGER', int4: 'INTEGER', int8: 'LONGINTEGER',
  float4: 'FLOAT', float8: 'FLOAT', numeric: 'DECIMAL', bool: 'BOOLEAN',
  date: 'DATE', time: 'TIME', timetz: 'TIME', timestamp: 'DATETIME', timestamptz: 'DATETIMETZ', interval: 'INTERVAL',
};

export class PostgresDialect extends BaseDialect {
  readonly capabilities: DialectCapabilities = { transactionalDdl: true, merge: true, tempTables: true, foreignKeys: true, materializedViews: true, grants: true };

  override contractType(type: string): string {
    return CONTRACT_FAMILIES[type] ?? type.toUpperCase();
  }
  readonly adapterType = 'postgres';
  readonly types: TypeNames = {
    string: 'text',
    timestamp: 'timestamp',
    int: 'integer',
    bigint: 'bigint',
    float: 'float',
    numeric: 'numeric(28,6)',
    boolean: 'boolean',
  };
  override readonly maxIdentifierLength: number = 63;

  /** The server's `server_version_num` (e.g. 150018), once known. */
  serverVersion: number | undefined;

  /** Record the server's version and enable what it supports (MERGE from 15 on). */
  setServerVersion(versionNum: number): void {
    this.serverVersion = versionNum;
    this.capabilities.merge = versionNum >= 150000;
  }

  /** Names are cut at 63 bytes, not characters: shorten by bytes so the suffix survives. */
  override tempIdentifier(base: string, suffix: string): string {
    const tail = `__strata_tmp_${suffix}`;
    let head = base;
    while (head.length > 1 && Buffer.byteLength(head + tail) > this.maxIdentifierLength) head = head.slice(0, -1);
    return head + tail;
  }

  /** A schema cannot be named with its database in PostgreSQL (`CREATE SCHEMA "db"."s"` is refused). */
  override schemaName(_database: string | undefined, schema: string): string {
    return this.quote(schema);
  }

  override timestampLiteral(value: Date): string {
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }

  /**
   * PostgreSQL cuts longer names to 63 bytes (with only a notice), so the relation built
   * would not be found under its name again: refuse it, as dbt-postgres does.
   */
  private checkName(relation: Relation): void {
    for (const part of [relation.schema, relation.identifier]) {
      if (part && Buffer.byteLength(part) > this.maxIdentifierLength) {
        throw new StrataError('identifier-too-long', `The name "${part}" is longer than PostgreSQL's limit of ${this.maxIdentifierLength} bytes`, {
          hint: 'Give the model a shorter name or alias (config(alias=…)), or a shorter schema.',
        });
      }
    }
  }

  override createTableAs(relation: Relation, sql: string): string {
    this.checkName(relation);
    return super.createTableAs(relation, sql);
  }

  override createViewAs(relation: Relation, sql: string, replace: boolean): string {
    this.checkName(relation);
    const create = `CREATE VIEW ${relation.render()} AS (\n${sql}\n)`;
    if (!replace) return create;
    return `${this.swapLock()};\n${this.saveDependentViews(relation)};\nDROP VIEW IF EXISTS ${relation.render()} CASCADE;\n${create};\n${this.restoreDependentViews()}`;
  }

  /**
   * Dropping or renaming away a relation drops the views built on it (`CASCADE`): these
   * statements keep the definitions of every view that depends on `relation`, directly or
   * through other views, in a session temporary table, deepest last. Run before the drop,
   * in the same transaction as {@link restoreDependentViews}.
   */
  saveDependentViews(relation: Relation): string {
    const name = this.literal(relation.include({ database: false }).render());
    return `CREATE TEMPORARY TABLE IF NOT EXISTS strata_dependent_views (depth int, ddl text);
DELETE FROM strata_dependent_views;
INSERT INTO strata_dependent_views (depth, ddl)
WITH RECURSIVE deps(oid, depth) AS (
  SELECT rw.ev_class, 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
  WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass(${name}) AND rw.ev_class <> d.refobjid
  UNION
  SELECT rw.ev_class, deps.depth + 1 FROM deps
  JOIN pg_catalog.pg_depend d ON d.refobjid = deps.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
  JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
  WHERE rw.ev_class <> deps.oid AND deps.depth < 32
)
SELECT max(deps.depth), format('CREATE VIEW %I.%I AS %s', n.nspname, c.relname, rtrim(pg_catalog.pg_get_viewdef(c.oid), ';'))
FROM deps JOIN pg_catalog.pg_class c ON c.oid = deps.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'v'
GROUP BY c.oid, n.nspname, c.relname`;
  }

  /**
   * Re-create the views kept by {@link saveDependentViews} that the drop removed, in
   * dependency order. A view that no longer fits the new relation (a column it reads is
   * gone) is left out with a warning, as dbt-postgres would lose it; the run rebuilds it
   * when it is selected.
   */
  restoreDependentViews(): string {
    return `DO $strata$
DECLARE r record;
BEGIN
  FOR r IN SELECT ddl FROM strata_dependent_views ORDER BY depth LOOP
    BEGIN
      EXECUTE r.ddl;
    EXCEPTION WHEN duplicate_table THEN NULL;
    WHEN others THEN RAISE WARNING 'strata: a view that depended on the replaced relation could not be re-created: %', SQLERRM;
    END;
  END LOOP;
  DELETE FROM strata_dependent_views;
END
$strata$`;
  }

  /** The base swap, with the views that depend on the old relation kept (see {@link saveDependentViews}). */
  override swapStatements(staged: Relation, target: Relation, existing: Relation | undefined, backupIdentifier: string): string[] {
    const base = super.swapStatements(staged, target, existing, backupIdentifier);
    if (!existing) return base;
    return [this.swapLock(), this.saveDependentViews(existing), ...base, this.restoreDependentViews()];
  }

  /**
   * A transaction-level advisory lock taken before a relation is dropped or renamed away
   * and held until commit, so two workers never swap at once: each one then sees the
   * other's re-created views (a view on two tables rebuilt in parallel would otherwise be
   * read by one while the other drops it).
   */
  swapLock(): string {
    return `SELECT pg_advisory_xact_lock(${SWAP_LOCK_CLASS}, 0)`;
  }

  /** The privileges the current role granted others on `relation`: rows of (grantee, privilege), dbt-postgres's query. */
  showGrantsSql(relation: Relation): string {
    return `select grantee, privilege_type from information_schema.role_table_grants where grantor = current_role and grantee != current_role and table_schema = ${this.literal(relation.schema)} and table_name = ${this.literal(relation.identifier)}`;
  }

  override stagingRelation(target: Relation, suffix: string): Relation {
    return this.relation(undefined, POSTGRES_TEMP_SCHEMA, this.tempIdentifier(target.identifier, suffix), 'table');
  }

  override createStagingTable(staging: Relation, sql: string): string {
    return `CREATE TEMPORARY TABLE ${this.quote(staging.identifier)} AS (\n${sql}\n)`;
  }

  override alterColumnType(relation: Relation, column: string, type: string): string {
    const c = this.quote(column);
    return `ALTER TABLE ${relation.render()} ALTER COLUMN ${c} TYPE ${type} USING ${c}::${type}`;
  }

  createIndex(relation: Relation, name: string, index: { columns: string[]; unique: boolean; type?: string }): string {
    return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${this.quote(name)} ON ${relation.render()}${index.type ? ` USING ${index.type}` : ''} (${index.columns.join(', ')})`;
  }
}
