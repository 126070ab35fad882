/**
 * The DuckDB engine: its dialect, driver and introspector, registered under the profile
 * type `duckdb`.
 */
import type { AdapterOptions, Dialect, Driver, Engine, Introspector, TargetConfig } from '../adapter.js';
import { DuckDBDialect } from './duckdb-dialect.js';
import { DuckDBDriver, readDuckDBProfile } from './duckdb-driver.js';
import { DuckDBIntrospector } from './duckdb-introspector.js';

/** Creates DuckDB's collaborators. */
export const duckdbEngine: Engine = {
  type: 'duckdb',
  createDialect(): Dialect {
    return new DuckDBDialect();
  },
  createDriver(target: TargetConfig, opts: AdapterOptions, dialect: Dialect): Promise<Driver> {
    return DuckDBDriver.open(readDuckDBProfile(target, opts), dialect);
  },
  createIntrospector(dialect: Dialect): Introspector {
    return new DuckDBIntrospector(dialect as DuckDBDialect);
  },
};
