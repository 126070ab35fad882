/**
 * A fixture project of test/fixtures/run/ copied to a temporary folder, with its landing tables
 * (the fixture's raw.sql) loaded into a fresh DuckDB file that its profile reads from `dbVar`,
 * and a `strata` runner that keeps the last command's output.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { queryDuckDb } from './duckdb.js';
import { main } from '../../src/cli/main.js';

export interface FixtureProject {
  dir: string;
  db: string;
  /** Run a CLI command on the project; `output()` is what it printed. */
  strata(...args: string[]): Promise<number>;
  output(): string;
}

export async function withFixtureProject(name: string, dbVar: string, fn: (p: FixtureProject) => Promise<void>): Promise<void> {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'run', name);
  const dir = mkdtempSync(join(tmpdir(), `strata-${name}-`));
  try {
    cpSync(fixture, dir, { recursive: true });
    const db = join(dir, 'warehouse.duckdb');
    process.env[dbVar] = db;
    await queryDuckDb(db, readFileSync(join(fixture, 'raw.sql'), 'utf8'));
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    await fn({
      dir,
      db,
      strata: (...args) => {
        out.length = 0;
        return main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
      },
      output: () => out.join(''),
    });
  } finally {
    delete process.env[dbVar];
    rmSync(dir, { recursive: true, force: true });
  }
}
