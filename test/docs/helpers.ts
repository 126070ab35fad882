/** Shared set-up for the docs tests: the shop fixture, built on a real DuckDB file. */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../src/cli/main.js';

export const SHOP = join(import.meta.dirname, '..', 'fixtures', 'run', 'shop');

/** A copy of the shop fixture with its raw table seeded and `strata run` done. Returns its folder. */
export async function builtShop(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-docs-'));
  cpSync(SHOP, dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'shop.duckdb');
  process.env.SHOP_DB = db;
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  try {
    await con.run(`create schema raw;
      create table raw.events as select * from (values
        (1, 'click', timestamp '2024-01-01 10:00:00', 5),
        (2, 'view',  timestamp '2024-01-01 11:00:00', 1),
        (3, 'click', timestamp '2024-01-02 09:00:00', 7),
        (4, 'buy',   timestamp '2024-01-03 09:00:00', 30)) t(id, kind, ts, amount);
      comment on table raw.events is 'Landed by the loader';`);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
  const code = await main(['run', '--project-dir', dir, '--profiles-dir', dir, '--no-color']);
  if (code !== 0) throw new Error(`strata run failed with exit code ${code}`);
  return dir;
}

/** Read the data the page gets from `target/strata-docs-data.js`. */
export function readSiteData<T>(text: string): T {
  const prefix = 'window.__STRATA_DOCS__ = ';
  if (!text.startsWith(prefix)) throw new Error('unexpected data script');
  return JSON.parse(text.slice(prefix.length).trim().replace(/;$/, '')) as T;
}
