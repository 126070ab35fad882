/**
 * The DuckDB engine: its dialect, driver and introspector, registered under the profile
 * type `duckdb`. The driver (and DuckDB's native library, ~0.3 s to load) is imported only
 * when a connection is opened, so commands that never touch the database start fast.
 */
import type { AdapterOptions, Dialect, Driver, Engine, Introspector, TargetConfig } from '../adapter.js';
import { DuckDBDialect } from './duckdb-dialect.js';
import { DuckDBIntrospector } from './duckdb-introspector.js';

/** Creates DuckDB's collaborators. */
export const duckdbEngine: Engine = {
  type: 'duckdb',
  createDialect(): Dialect {
    return new DuckDBDialect();
  },
  async createDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver> {
    const { DuckDBDriver, readDuckDBProfile } = await import('./duckdb-driver.js');
    return DuckDBDriver.open(readDuckDBProfile(target, opts), dialect);
  },
  createIntrospector(dialect: Dialect): Introspector {
    return new DuckDBIntrospector(dialect as DuckDBDialect);
  },
};
