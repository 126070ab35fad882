/** The DuckDB engine's public parts. */
export { duckdbEngine } from './duckdb-engine.js';
export { DuckDBDialect, DUCKDB_TEMP_CATALOG } from './duckdb-dialect.js';
export { DuckDBDriver, readDuckDBProfile, type DuckDBProfile, type DuckDBAttachment } from './duckdb-driver.js';
export { DuckDBIntrospector } from './duckdb-introspector.js';
