/**
 * ANSI-leaning SQL that most engines accept. An engine's dialect extends this class and
 * overrides only what differs (SQLMesh's engine-adapter idea).
 */
import type { Dialect, DialectCapabilities, MergeSpec, StoredRelationType, TypeNames } from './adapter.js';
import { Relation } from './relation.js';

/** The keyword of each kind of stored relation in DROP and ALTER. */
const KIND_SQL: Record<StoredRelationType, string> = { table: 'TABLE', view: 'VIEW', materialized_view: 'MATERIALIZED VIEW' };

/** The shared implementation of {@link Dialect}. */
export abstract class BaseDialect implements Dialect {
  abstract readonly capabilities: DialectCapabilities;
  abstract readonly types: TypeNames;
  /** The engine (`duckdb`, `postgres`): it names dbt's relation class of the relations made here. */
  abstract readonly adapterType: string;
  readonly maxIdentifierLength: number = 255;

  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  literal(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  timestampLiteral(value: Date): string {
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }

  schemaName(database: string | undefined, schema: string): string {
    return database ? `${this.quote(database)}.${this.quote(schema)}` : this.quote(schema);
  }

  /** A relation value using this dialect's quoting. */
  relation(database: string | undefined, schema: string, identifier: string, type?: Relation['type']): Relation {
    return new Relation({ database, schema, identifier, type }, (id) => this.quote(id), undefined, undefined, this.adapterType);
  }

  beginSql(): string {
    return 'BEGIN';
  }
  commitSql(): string {
    return 'COMMIT';
  }
  rollbackSql(): string {
    return 'ROLLBACK';
  }

  createSchema(database: string | undefined, schema: string): string {
    return `CREATE SCHEMA IF NOT EXISTS ${this.schemaName(database, schema)}`;
  }
  dropSchema(database: string | undefined, schema: string): string {
    return `DROP SCHEMA IF EXISTS ${this.schemaName(database, schema)} CASCADE`;
  }

  contractType(type: string): string {
    return type;
  }

  createTableAs(relation: Relation, sql: string): string {
    return `CREATE TABLE ${relation.render()} AS (\n${sql}\n)`;
  }
  createViewAs(relation: Relation, sql: string, replace: boolean): string {
    return `CREATE ${replace ? 'OR REPLACE ' : ''}VIEW ${relation.render()} AS (\n${sql}\n)`;
  }

  stagingRelation(target: Relation, suffix: string): Relation {
    return target.withIdentifier(this.tempIdentifier(target.identifier, suffix), 'table');
  }
  createStagingTable(staging: Relation, sql: string): string {
    return this.createTableAs(staging, sql);
  }

  /** `<base>__strata_tmp_<suffix>`, with the base shortened to fit the identifier limit. */
  tempIdentifier(base: string, suffix: string): string {
    const tail = `__strata_tmp_${suffix}`;
    return base.slice(0, Math.max(1, this.maxIdentifierLength - tail.length)) + tail;
  }

  dropRelation(relation: Relation, type: StoredRelationType): string {
    return `DROP ${KIND_SQL[type]} IF EXISTS ${relation.render()} CASCADE`;
  }
  renameRelation(from: Relation, toIdentifier: string): string {
    const kind = KIND_SQL[from.storedType];
    return `ALTER ${kind} ${from.render()} RENAME TO ${this.quote(toIdentifier)}`;
  }
  truncate(relation: Relation): string {
    return `TRUNCATE TABLE ${relation.render()}`;
  }
  addColumn(relation: Relation, column: string, type: string): string {
    return `ALTER TABLE ${relation.render()} ADD COLUMN ${this.quote(column)} ${type}`;
  }
  dropColumn(relation: Relation, column: string): string {
    return `ALTER TABLE ${relation.render()} DROP COLUMN ${this.quote(column)}`;
  }
  alterColumnType(relation: Relation, column: string, type: string): string {
    return `ALTER TABLE ${relation.render()} ALTER COLUMN ${this.quote(column)} TYPE ${type}`;
  }

  /**
   * With transactional DDL: move the old relation aside, rename the staged one in, drop
   * the old. A view in the way is dropped first (views hold no data).
   */
  swapStatements(staged: Relation, target: Relation, existing: Relation | undefined, backupIdentifier: string): string[] {
    const out: string[] = [];
    if (existing?.type === 'view' || existing?.type === 'materialized_view') {
      // a view holds no data of its own, and a materialized view's is derived: dropped first
      out.push(this.dropRelation(existing, existing.type));
      out.push(this.renameRelation(staged, target.identifier));
    } else if (existing) {
      const table = existing.withType('table');
      out.push(this.renameRelation(table, backupIdentifier));
      out.push(this.renameRelation(staged, target.identifier));
      out.push(this.dropRelation(table.withIdentifier(backupIdentifier), 'table'));
    } else {
      out.push(this.renameRelation(staged, target.identifier));
    }
    return out;
  }

  insertFrom(target: Relation, source: Relation, columns: string[], where: string[] = []): string {
    const cols = columns.map((c) => this.quote(c)).join(', ');
    const filter = where.length ? `\nWHERE ${where.map((w) => `(${w})`).join(' AND ')}` : '';
    return `INSERT INTO ${target.render()} (${cols})\nSELECT ${cols} FROM ${source.render()}${filter}`;
  }

  timeWindow(column: string, start: Date, end: Date): string {
    return `${column} >= ${this.timestampLiteral(start)} AND ${column} < ${this.timestampLiteral(end)}`;
  }

  deleteMatching(target: Relation, source: Relation, uniqueKey: string[], predicates: string[]): string {
    const conds: string[] = [];
    if (uniqueKey.length === 1) {
      const k = this.quote(uniqueKey[0]!);
      conds.push(`DBT_INTERNAL_DEST.${k} IN (SELECT DISTINCT ${k} FROM ${source.render()})`);
    } else {
      const match = uniqueKey.map((k) => `DBT_INTERNAL_SOURCE.${this.quote(k)} = DBT_INTERNAL_DEST.${this.quote(k)}`).join(' AND ');
      conds.push(`EXISTS (SELECT 1 FROM ${source.render()} AS DBT_INTERNAL_SOURCE WHERE ${match})`);
    }
    for (const p of predicates) conds.push(`(${p})`);
    return `DELETE FROM ${target.render()} AS DBT_INTERNAL_DEST\nWHERE ${conds.join('\n  AND ')}`;
  }

  deleteWindow(target: Relation, eventTime: string, start: Date, end: Date, predicates: string[]): string {
    const conds = [this.timeWindow(`DBT_INTERNAL_DEST.${this.quote(eventTime)}`, start, end), ...predicates.map((p) => `(${p})`)];
    return `DELETE FROM ${target.render()} AS DBT_INTERNAL_DEST\nWHERE ${conds.join('\n  AND ')}`;
  }

  merge(spec: MergeSpec): string {
    const q = (c: string) => this.quote(c);
    const on = [
      ...spec.predicates.map((p) => `(${p})`),
      ...spec.uniqueKey.map((k) => `DBT_INTERNAL_SOURCE.${q(k)} = DBT_INTERNAL_DEST.${q(k)}`),
    ].join(' AND ');
    const update = (spec.updateColumns ?? spec.columns).map((c) => `${q(c)} = DBT_INTERNAL_SOURCE.${q(c)}`).join(', ');
    const cols = spec.columns.map(q).join(', ');
    const vals = spec.columns.map((c) => `DBT_INTERNAL_SOURCE.${q(c)}`).join(', ');
    const lines = [
      `MERGE INTO ${spec.target.render()} AS DBT_INTERNAL_DEST`,
      `USING ${spec.source.render()} AS DBT_INTERNAL_SOURCE`,
      `ON ${on}`,
    ];
    if (update) lines.push(`WHEN MATCHED THEN UPDATE SET ${update}`);
    lines.push(`WHEN NOT MATCHED THEN INSERT (${cols}) VALUES (${vals})`);
    return lines.join('\n');
  }
}
