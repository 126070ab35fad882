/**
 * The generic {@link Adapter}: a pool of {@link Connection}s from an engine's
 * {@link Driver}, each lent out as a {@link Session} whose catalog operations run the
 * engine's {@link Introspector} and {@link Dialect} SQL. Engines do not subclass it; they
 * supply the three collaborators through an {@link Engine}.
 */
import { StrataError } from '../errors.js';
import type {
  Adapter,
  AdapterOptions,
  CatalogTable,
  ColumnInfo,
  Connection,
  CopyCsvOptions,
  Dialect,
  Driver,
  Engine,
  ExecuteOptions,
  Introspector,
  QueryResult,
  RelationParts,
  RelationType,
  SchemaRef,
  Session,
  StatementListener,
  StoredRelationType,
  TargetConfig,
} from './adapter.js';
import { Pool } from './pool.js';
import { Relation } from './relation.js';
import { RelationCache } from './relation-cache.js';

/** Whether a relation type is one the engine stores under a name (and drops and renames by kind). */
const isStored = (t: RelationType | undefined): t is StoredRelationType => t === 'table' || t === 'view' || t === 'materialized_view';

/** Opens the engine's driver and wraps it in a {@link PooledAdapter}. */
export async function openPooledAdapter(engine: Engine, target: TargetConfig, opts: AdapterOptions): Promise<PooledAdapter> {
  const dialect = engine.createDialect();
  const driver = await engine.createDriver(target, opts, dialect);
  const threads = Number.isInteger(target.threads) && target.threads > 0 ? target.threads : 1;
  return new PooledAdapter(engine.type, dialect, driver, engine.createIntrospector(dialect), threads);
}

/** An adapter made of an engine's driver, dialect and introspector. */
export class PooledAdapter implements Adapter {
  private readonly pool: Pool<Connection>;
  private readonly busy = new Set<Connection>();
  private closing: Promise<void> | undefined;
  private idleWaiter: (() => void) | undefined;
  readonly cache = new RelationCache();
  onStatement?: StatementListener;

  constructor(
    readonly type: string,
    readonly dialect: Dialect,
    private readonly driver: Driver,
    readonly introspector: Introspector,
    readonly threads: number,
  ) {
    this.pool = new Pool(threads, () => driver.connect());
  }

  get database(): string {
    return this.driver.database;
  }
  get schema(): string {
    return this.driver.schema;
  }

  async acquire(): Promise<Session> {
    if (this.closing) throw new StrataError('adapter-closed', 'The database connection is closed');
    const conn = await this.pool.take();
    this.busy.add(conn);
    return new PooledSession(this, conn, () => this.giveBack(conn));
  }

  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const s = await this.acquire();
    try {
      return await fn(s);
    } finally {
      s.release();
    }
  }

  relation(parts: Partial<RelationParts> & { identifier: string }): Relation {
    return new Relation(
      { database: parts.database ?? this.database, schema: parts.schema ?? this.schema, identifier: parts.identifier, type: parts.type },
      (id) => this.dialect.quote(id),
      undefined,
      undefined,
      this.type,
    );
  }

  cancelAll(): void {
    for (const c of this.busy) c.interrupt();
  }

  /**
   * Interrupt what runs, wait (up to `graceMs`) for the lent sessions to come back — their
   * transactions roll back — then close every connection and the database. Closing a
   * connection while a statement still runs on it can hang the engine, so one that never
   * comes back is left open (the process is exiting anyway).
   */
  close(graceMs = 5000): Promise<void> {
    this.closing ??= (async () => {
      this.cancelAll();
      if (this.busy.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          this.idleWaiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const stuck = this.busy.size > 0;
      for (const c of this.pool.drain()) if (!this.busy.has(c)) await c.close().catch(() => undefined);
      if (!stuck) await this.driver.close();
    })();
    return this.closing;
  }

  private giveBack(conn: Connection): void {
    this.busy.delete(conn);
    if (!this.closing) this.pool.give(conn);
    else if (this.busy.size === 0) this.idleWaiter?.();
  }
}

/** One lent connection. */
class PooledSession implements Session {
  private open = false;
  private released = false;
  readonly copyCsv?: (relation: Relation, path: string, options: CopyCsvOptions) => Promise<number>;

  constructor(
    readonly adapter: PooledAdapter,
    private readonly conn: Connection,
    private readonly onRelease: () => void,
  ) {
    const copy = conn.copyCsv?.bind(conn);
    if (copy) {
      this.copyCsv = (relation, path, options) => {
        if (this.released) throw new Error('session used after release');
        return copy(relation, path, options);
      };
    }
  }

  get inTransaction(): boolean {
    return this.open;
  }

  private get dialect(): Dialect {
    return this.adapter.dialect;
  }

  execute(sql: string, opts: ExecuteOptions = {}): Promise<QueryResult> {
    if (this.released) throw new Error('session used after release');
    return this.run(sql, opts);
  }

  /** Run on the connection, telling the adapter's statement listener (if any) how it went. */
  private async run(sql: string, opts: ExecuteOptions): Promise<QueryResult> {
    const listener = this.adapter.onStatement;
    if (!listener) return this.conn.execute(sql, opts);
    const t0 = performance.now();
    try {
      const r = await this.conn.execute(sql, opts);
      listener({ sql, ms: performance.now() - t0 });
      return r;
    } catch (err) {
      listener({ sql, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  async begin(): Promise<void> {
    if (this.open) throw new StrataError('transaction-error', 'A transaction is already open on this connection');
    const sql = this.dialect.beginSql();
    if (sql) await this.run(sql, { fetch: false });
    this.open = true;
  }

  async commit(): Promise<void> {
    if (!this.open) throw new StrataError('transaction-error', 'No transaction is open on this connection');
    this.open = false;
    const sql = this.dialect.commitSql();
    if (sql) await this.run(sql, { fetch: false });
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const sql = this.dialect.rollbackSql();
    if (!sql) return;
    try {
      await this.run(sql, { fetch: false });
    } catch {
      // The engine may already have aborted the transaction; nothing else to undo.
    }
  }

  getRelation(database: string | undefined, schema: string, identifier: string): Promise<Relation | undefined> {
    return this.adapter.introspector.getRelation(this, database ?? this.adapter.database, schema, identifier);
  }

  getColumns(relation: Relation): Promise<ColumnInfo[]> {
    return this.adapter.introspector.getColumns(this, relation);
  }

  listRelations(database: string | undefined, schema: string, prefix?: string): Promise<Relation[]> {
    return this.adapter.introspector.listRelations(this, database ?? this.adapter.database, schema, prefix);
  }

  async createSchema(database: string | undefined, schema: string): Promise<void> {
    const db = database ?? this.adapter.database;
    await this.execute(this.dialect.createSchema(db, schema), { fetch: false });
    this.adapter.cache.markSchema(db, schema);
  }

  async dropSchema(database: string | undefined, schema: string): Promise<void> {
    const db = database ?? this.adapter.database;
    this.adapter.cache.invalidate(db, schema);
    await this.execute(this.dialect.dropSchema(db, schema), { fetch: false });
  }

  async dropRelation(relation: Relation): Promise<void> {
    let type = relation.type;
    if (!isStored(type)) {
      type = (await this.getRelation(relation.database, relation.schema, relation.identifier))?.type;
      if (!isStored(type)) return;
    }
    await this.execute(this.dialect.dropRelation(relation, type), { fetch: false });
    this.adapter.cache.remove(relation.database ?? this.adapter.database, relation.schema, relation.identifier);
  }

  async renameRelation(from: Relation, toIdentifier: string): Promise<void> {
    let rel = from;
    if (!isStored(rel.type)) {
      const found = await this.getRelation(from.database, from.schema, from.identifier);
      if (found) rel = from.withType(found.type);
    }
    await this.execute(this.dialect.renameRelation(rel, toIdentifier), { fetch: false });
    const db = from.database ?? this.adapter.database;
    this.adapter.cache.remove(db, from.schema, from.identifier);
    if (isStored(rel.type)) this.adapter.cache.set(rel.withIdentifier(toIdentifier).incorporate({ path: { database: db } }));
    else this.adapter.cache.invalidate(db, from.schema);
  }

  async truncate(relation: Relation): Promise<void> {
    await this.execute(this.dialect.truncate(relation), { fetch: false });
  }

  catalog(schemas: SchemaRef[]): Promise<CatalogTable[]> {
    return this.adapter.introspector.catalog(this, schemas);
  }

  interrupt(): void {
    this.conn.interrupt();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.open && this.dialect.rollbackSql()) {
      this.open = false;
      this.conn
        .execute(this.dialect.rollbackSql(), { fetch: false })
        .catch(() => undefined)
        .finally(this.onRelease);
      return;
    }
    this.onRelease();
  }
}
