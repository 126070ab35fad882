/** The PostgreSQL engine's public parts. */
export { postgresEngine } from './postgres-engine.js';
export { PostgresDialect, POSTGRES_TEMP_SCHEMA, SWAP_LOCK_CLASS } from './postgres-dialect.js';
export { PostgresDriver, openPostgresDriver, toSqlError, lineAt, serverMessage, RUN_LOCK_CLASS } from './postgres-driver.js';
export { PostgresIntrospector } from './postgres-introspector.js';
export { readPostgresProfile, clientConfig, type PostgresProfile } from './postgres-profile.js';
export { postgresTypes, typeName, OID, bigintValue, dateValue, timestampValue, intervalValue } from './postgres-values.js';
