/**
 * The PostgreSQL engine: its dialect, driver and introspector, registered under the
 * profile type `postgres` (dbt-postgres profiles are read unchanged). The driver and the
 * `pg` client are imported only when a connection is opened.
 */
import type { AdapterOptions, Dialect, Driver, Engine, Introspector, TargetConfig } from '../adapter.js';
import { PostgresDialect } from './postgres-dialect.js';
import { PostgresIntrospector } from './postgres-introspector.js';

/** Creates PostgreSQL's collaborators. */
export const postgresEngine: Engine = {
  type: 'postgres',
  createDialect(): Dialect {
    return new PostgresDialect();
  },
  async createDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver> {
    const { openPostgresDriver } = await import('./postgres-driver.js');
    return openPostgresDriver(target, opts, dialect);
  },
  createIntrospector(dialect: Dialect): Introspector {
    return new PostgresIntrospector(dialect as PostgresDialect);
  },
};
