/**
 * The config names dbt knows, for every resource type. In a dbt_project.yml config tree a
 * key without `+` that is one of these is a config; any other key mapping to an object is
 * a subfolder (or a package, or a node name).
 */

/** Configs that apply to most resource types. */
export const GENERAL_CONFIG_KEYS = [
  'enabled',
  'tags',
  'meta',
  'docs',
  'database',
  'schema',
  'alias',
  'pre_hook',
  'post_hook',
  'pre-hook',
  'post-hook',
  'persist_docs',
  'full_refresh',
  'grants',
  'quoting',
  'column_types',
  'group',
  'access',
  'event_time',
  'sql_header',
  'contract',
  'packages',
  'labels',
] as const;

/** Model configs (including incremental ones and adapter-specific ones we accept). */
export const MODEL_CONFIG_KEYS = [
  'materialized',
  'unique_key',
  'incremental_strategy',
  'incremental_predicates',
  'on_schema_change',
  'on_configuration_change',
  'batch_size',
  'lookback',
  'begin',
  'concurrent_batches',
  'merge_update_columns',
  'merge_exclude_columns',
  'indexes',
  'unlogged',
  'partition_by',
  'cluster_by',
  'file_format',
  'location',
  'format',
  'options',
  'plugin',
  'constraints',
  'deprecation_date',
  'version',
  'latest_version',
] as const;

/** Seed configs. */
export const SEED_CONFIG_KEYS = ['delimiter', 'quote_columns'] as const;

/** Snapshot configs. */
export const SNAPSHOT_CONFIG_KEYS = [
  'strategy',
  'updated_at',
  'check_cols',
  'target_schema',
  'target_database',
  'snapshot_meta_column_names',
  'dbt_valid_to_current',
  'hard_deletes',
  'invalidate_hard_deletes',
] as const;

/** Data test configs. */
export const TEST_CONFIG_KEYS = [
  'severity',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
] as const;

/** Source configs. */
export const SOURCE_CONFIG_KEYS = ['freshness', 'loaded_at_field', 'loaded_at_query', 'external'] as const;

/** Every config key Strata knows (a union of the lists above). */
export const KNOWN_CONFIG_KEYS: readonly string[] = [
  ...GENERAL_CONFIG_KEYS,
  ...MODEL_CONFIG_KEYS,
  ...SEED_CONFIG_KEYS,
  ...SNAPSHOT_CONFIG_KEYS,
  ...TEST_CONFIG_KEYS,
  ...SOURCE_CONFIG_KEYS,
];

const KNOWN = new Set(KNOWN_CONFIG_KEYS);

/** Whether `key` (with or without a leading `+`) is a config name rather than a folder. */
export function isConfigKey(key: string): boolean {
  return key.startsWith('+') || KNOWN.has(key);
}

/** The values of a model's `access`, as dbt knows them. */
export const ACCESS_VALUES: readonly string[] = ['private', 'protected', 'public'];

/** A node's group, as its manifest entry has it: the config's group name, else null. */
export function groupOf(config: Record<string, unknown>): string | null {
  return typeof config.group === 'string' && config.group !== '' ? config.group : null;
}
