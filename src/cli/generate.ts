/** `strata generate <source>`: realistic synthetic raw data for a package's sources. */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { StrataError } from '../errors.js';

export function generateCommand(program: Command): void {
  program
    .command('generate <source>')
    .description('write synthetic raw data (sources: profiles-sync)')
    .option('--people <n>', 'how many people to simulate', (v) => parseInt(v, 10), 1000)
    .option('--days <n>', 'how many days of history', (v) => parseInt(v, 10), 30)
    .option('--seed <n>', 'random seed (same seed, same data)', (v) => parseInt(v, 10), 1)
    .option('--duckdb <path>', 'write into this DuckDB file', 'target/generated.duckdb')
    .option('--schema <name>', 'the schema to write the raw tables into', 'profiles_sync_raw')
    .option('--parquet <dir>', 'write Parquet files into this folder instead')
    .action(async (source: string, f: { people: number; days: number; seed: number; duckdb: string; schema: string; parquet?: string }) => {
      if (source !== 'profiles-sync') {
        throw new StrataError('usage', `unknown source '${source}' for generate`, { hint: 'available: profiles-sync' });
      }
      const { generateProfilesSync } = await import('../generate/profiles-sync.js');
      const t0 = performance.now();
      const output = f.parquet ? { kind: 'parquet' as const, dir: resolve(f.parquet) } : { kind: 'duckdb' as const, path: resolve(f.duckdb), schema: f.schema };
      const summary = await generateProfilesSync({ people: f.people, days: f.days, seed: f.seed, output });
      process.stdout.write(`Generated Profiles Sync data in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${JSON.stringify(summary)}\n`);
    });
}
