/**
 * The PostgreSQL engine: its dialect, driver and introspector, registered under the
 * profile type `postgres` (dbt-postgres profiles are read unchanged).
 */
import type { AdapterOptions, Dialect, Driver, Engine, Introspector, TargetConfig } from '../adapter.js';
import { PostgresDialect } from './postgres-dialect.js';
import { openPostgresDriver } from './postgres-driver.js';
import { PostgresIntrospector } from './postgres-introspector.js';

/** Creates PostgreSQL's collaborators. */
export const postgresEngine: Engine = {
  type: 'postgres',
  createDialect(): Dialect {
    return new PostgresDialect();
  },
  createDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver> {
    return openPostgresDriver(target, opts, dialect);
  },
  createIntrospector(dialect: Dialect): Introspector {
    return new PostgresIntrospector(dialect as PostgresDialect);
  },
};
