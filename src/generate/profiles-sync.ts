/**
 * `generateProfilesSync`: writes a realistic Segment Profiles Sync landing schema (the
 * four update tables the profiles_sync package reads, plus pages and tracks) and its
 * ground truth, for a number of people over a number of days. Deterministic for a seed;
 * streams: people are simulated in blocks (profiles-sync-person.ts) whose numeric rows go
 * to DuckDB in batches (staging-pipeline.ts) that SQL formats into the tables
 * (profiles-sync-staging.ts), so memory does not grow with size.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { StrataError } from '../errors.js';
import { quoteIdent } from './chunk-writer.js';
import type { PersonSettings } from './profiles-sync-person.js';
import { simulateBlocks } from './profiles-sync-simulation.js';
import { STAGING_TABLES, insertStatements } from './profiles-sync-staging.js';
import { LANDING_TABLES, TRUTH_TABLES, UPDATE_TABLES, createTableSql, type TableSpec } from './profiles-sync-tables.js';
import { StagingPipeline } from './staging-pipeline.js';

/** Where the generated tables go. */
export type GenerateOutput =
  | { kind: 'duckdb'; path: string; schema: string }
  | { kind: 'parquet'; dir: string };

/** Options of {@link generateProfilesSync}. */
export interface GenerateProfilesSyncOptions {
  /** Number of simulated people (each has one to four devices). */
  people: number;
  /** Length of the simulated period in days. */
  days: number;
  /** Seed of the pseudo-random generator: the same seed gives the same rows. */
  seed: number;
  /** Start of the period (default 2024-01-01T00:00:00Z). */
  start?: Date;
  output: GenerateOutput;
  /**
   * Schema for the ground-truth tables when writing to DuckDB (default `<schema>_truth`).
   * With Parquet output they go to `<dir>/truth/`.
   */
  truthSchema?: string;
  /** Write the event tables pages, tracks and identifies too (default true). */
  events?: boolean;
  /** Longest delay of a late-loaded row in hours (default 20; keep it below etl_overlap). */
  maxLateHours?: number;
  /**
   * DuckDB's memory limit while generating (default '512MB'). The process stays around
   * this plus a few hundred MB whatever the size: DuckDB evicts written blocks beyond it.
   */
  memoryLimit?: string;
  /**
   * Rows of a staging table loaded into the output tables at once (default two DuckDB
   * row groups, 245,760). Smaller batches hold less memory but cost more CPU: DuckDB
   * compresses an INSERT of less than a row group again at every checkpoint.
   */
  batchRows?: number;
  /**
   * Worker threads simulating people (1 = simulate in the calling thread; default 2 from
   * 20,000 people on a machine with at least 4 cores, else 1). The rows are the same, and
   * are written in the same order, with any number of workers.
   */
  workers?: number;
  /** Called every 100,000 rows with the number of rows written so far. */
  onProgress?: (rowsWritten: number) => void;
}

/** What {@link generateProfilesSync} wrote. */
export interface GenerateSummary {
  people: number;
  /** Profiles (segment ids) created. */
  profiles: number;
  /** Merges (excluding Segment's recursive re-mapping rows). */
  merges: number;
  /** Rows of the four update tables (id_graph_updates, external_id_mapping_updates, profile_traits_updates, identifies). */
  updateRows: number;
  /** Rows written per table, landing and truth. */
  tables: Record<string, number>;
  /** Where the landing tables are (schema, or directory of Parquet files). */
  location: string;
  /** Where the truth tables are. */
  truthLocation: string;
  elapsedMs: number;
}

const DEFAULT_START = Date.UTC(2024, 0, 1);
/** The event tables, written only with `events`. */
const EVENT_TABLES = ['pages', 'tracks', 'identifies'];

/**
 * The DuckDB settings the generator writes its tables with (exported for the benchmark's
 * baseline, which writes the same tables with the same settings).
 */
export function loadSettings(memoryLimit: string): string[] {
  return [
    // Row order of the landing tables does not matter; letting DuckDB write in parallel does.
    'set preserve_insertion_order = false',
    // Bounded memory whatever the size: DuckDB evicts written blocks beyond this.
    `set memory_limit = '${memoryLimit}'`,
    // Text columns are compressed with FSST only: DuckDB's dictionary analysis of every
    // string costs about 15 % of the generator's CPU, for files about 14 % smaller
    // (measured at 2 M update rows; reading them back costs the same).
    `set disabled_compression_methods = 'dictionary,dict_fsst'`,
  ];
}

/** Generates the Profiles Sync landing schema and its ground truth (see the module doc). */
export async function generateProfilesSync(options: GenerateProfilesSyncOptions): Promise<GenerateSummary> {
  validate(options);
  const started = performance.now();
  const parquet = options.output.kind === 'parquet';
  const dbPath = options.output.kind === 'duckdb' ? options.output.path : join(options.output.dir, `.generate-${process.pid}.duckdb`);
  const schema = options.output.kind === 'duckdb' ? options.output.schema : 'landing';
  const truthSchema = options.truthSchema ?? `${schema}_truth`;
  if (parquet) mkdirSync(join((options.output as { dir: string }).dir, 'truth'), { recursive: true });

  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  let pipeline: StagingPipeline | undefined;
  try {
    for (const sql of loadSettings(options.memoryLimit ?? '512MB')) await connection.run(sql);
    const events = options.events ?? true;
    for (const s of [schema, truthSchema]) {
      await connection.run(`create schema if not exists ${quoteIdent(s)}`);
    }
    // Replace a previous sample completely (the event tables too when they are not written).
    const written = (spec: TableSpec): boolean => events || !EVENT_TABLES.includes(spec.name);
    for (const spec of LANDING_TABLES) {
      await connection.run(written(spec) ? createTableSql(schema, spec) : `drop table if exists ${quoteIdent(schema)}.${quoteIdent(spec.name)}`);
    }
    for (const spec of TRUTH_TABLES) await connection.run(createTableSql(truthSchema, spec));

    const settings: PersonSettings = {
      seed: options.seed >>> 0,
      startMs: (options.start ?? new Date(DEFAULT_START)).getTime(),
      spanMs: options.days * 24 * 3_600_000,
      events,
      maxLateHours: options.maxLateHours ?? 20,
    };
    const summary: GenerateSummary = {
      people: options.people, profiles: 0, merges: 0, updateRows: 0, tables: {},
      location: parquet ? (options.output as { dir: string }).dir : `${dbPath}:${schema}`,
      truthLocation: parquet ? join((options.output as { dir: string }).dir, 'truth') : `${dbPath}:${truthSchema}`,
      elapsedMs: 0,
    };
    pipeline = await StagingPipeline.open(instance, connection, {
      specs: STAGING_TABLES,
      loadStatements: (catalog, staging) => insertStatements(staging, schema, truthSchema, events, catalog),
      batchRows: options.batchRows,
    });
    let stagedRows = 0;
    let nextReport = 100_000;
    // Worker threads pay off only with cores to spare: on 2 shared cores they cost CPU (see BENCHMARKS.md).
    const workers = options.workers ?? (options.people >= 20_000 && availableParallelism() >= 4 ? 2 : 1);
    for await (const block of simulateBlocks(settings, options.people, workers)) {
      summary.profiles += block.profiles;
      summary.merges += block.merges;
      await pipeline.append(block.columns, block.rows);
      for (const n of block.rows) stagedRows += n;
      while (stagedRows >= nextReport) {
        options.onProgress?.(nextReport);
        nextReport += 100_000;
      }
    }
    await pipeline.finish();
    pipeline = undefined;
    await connection.run(sharedDeviceTruthSql(truthSchema));
    const writtenTables = [
      ...LANDING_TABLES.filter(written).map((t) => [schema, t.name] as const),
      ...TRUTH_TABLES.map((t) => [truthSchema, t.name] as const),
    ];
    for (const [s, name] of writtenTables) {
      const reader = await connection.runAndReadAll(`select count(*) from ${quoteIdent(s)}.${quoteIdent(name)}`);
      summary.tables[name] = Number(reader.getRows()[0]![0]);
    }
    summary.updateRows = UPDATE_TABLES.reduce((n, spec) => n + (summary.tables[spec.name] ?? 0), 0);
    if (parquet) await exportParquet(connection, (options.output as { dir: string }).dir, schema, truthSchema, events);
    // Written to the database file before the time is taken (closing would do it otherwise).
    else await connection.run('checkpoint');
    summary.elapsedMs = performance.now() - started;
    return summary;
  } finally {
    await pipeline?.abandon();
    connection.closeSync();
    instance.closeSync();
    if (parquet) {
      rmSync(dbPath, { force: true });
      rmSync(`${dbPath}.wal`, { force: true });
    }
  }
}

/**
 * Adds each shared device to truth_external_id_mapping: an identifier belongs to the profile
 * it was last observed on, here the latest of the visits people made to it (written apart,
 * each person's simulation seeing only its own visit).
 */
function sharedDeviceTruthSql(truthSchema: string): string {
  const t = (name: string): string => `${quoteIdent(truthSchema)}.${quoteIdent(name)}`;
  return `insert into ${t('truth_external_id_mapping')} by name
    select external_id_hash, external_id_type, external_id_value,
           arg_max(canonical_segment_id, observed_at) as canonical_segment_id
    from ${t('truth_shared_devices')}
    group by external_id_hash, external_id_type, external_id_value`;
}

async function exportParquet(connection: DuckDBConnection, dir: string, schema: string, truthSchema: string, events: boolean): Promise<void> {
  for (const spec of LANDING_TABLES) {
    if (!events && EVENT_TABLES.includes(spec.name)) continue;
    await connection.run(`copy ${quoteIdent(schema)}.${quoteIdent(spec.name)} to '${sqlString(join(dir, `${spec.name}.parquet`))}' (format parquet)`);
  }
  for (const spec of TRUTH_TABLES) {
    await connection.run(`copy ${quoteIdent(truthSchema)}.${quoteIdent(spec.name)} to '${sqlString(join(dir, 'truth', `${spec.name}.parquet`))}' (format parquet)`);
  }
}

function sqlString(s: string): string {
  return s.replace(/'/g, "''");
}

function validate(o: GenerateProfilesSyncOptions): void {
  const bad = (what: string, hint: string): never => {
    throw new StrataError('generate-invalid-option', `generate profiles-sync: ${what}`, { hint });
  };
  if (!Number.isInteger(o.people) || o.people < 1) bad(`people must be a positive integer, got ${o.people}`, 'Pass --people 1000 for example.');
  if (!(o.days > 0)) bad(`days must be positive, got ${o.days}`, 'Pass --days 30 for example.');
  if (!Number.isInteger(o.seed)) bad(`seed must be an integer, got ${o.seed}`, 'Any integer works; the same seed gives the same data.');
  if (o.start !== undefined && Number.isNaN(o.start.getTime())) bad('start is not a valid date', 'Use an ISO date such as 2024-01-01.');
  if (o.maxLateHours !== undefined && !(o.maxLateHours >= 1)) bad('maxLateHours must be at least 1', 'Keep it below the package var etl_overlap.');
  if (o.batchRows !== undefined && !(Number.isInteger(o.batchRows) && o.batchRows >= 1)) bad(`batchRows must be a positive integer, got ${o.batchRows}`, 'Leave it out for the default (245,760).');
  if (o.workers !== undefined && !(Number.isInteger(o.workers) && o.workers >= 1)) bad(`workers must be a positive integer, got ${o.workers}`, 'Pass 1 to simulate in the calling thread, 2 for two worker threads.');
  if (o.memoryLimit !== undefined && !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(o.memoryLimit)) {
    bad(`memoryLimit ${JSON.stringify(o.memoryLimit)} is not a size`, "Use a size such as '512MB' or '2GB'.");
  }
  for (const name of [o.output.kind === 'duckdb' ? o.output.schema : undefined, o.truthSchema]) {
    if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      bad(`schema name ${JSON.stringify(name)} is not a plain identifier`, 'Use letters, digits and underscores.');
    }
  }
}
