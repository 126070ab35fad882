/**
 * The half of the dbt context that needs the database, through the CLI on DuckDB:
 * adapter.get_columns_in_relation, run_query (columns, rows), statement blocks with
 * load_result, adapter.get_relation, run_started_at; and run-operation with --args.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';

async function cli(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

test('models query the warehouse while rendering; run-operation calls a macro with arguments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-ctx-'));
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'run', 'ctx'), dir, { recursive: true });
  mkdirSync(join(dir, 'target'), { recursive: true });
  const db = join(dir, 'target', 'ctx.duckdb');
  process.env.CTX_DB = db;
  const r = await cli(dir, 'run');
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(await queryDuckDb(db, 'select column_names, letters, row_count::int, top_id::int, base_is_table, run_year from main.introspected'), [
    ['id,letter', 'abc', 3, 3, true, String(new Date().getUTCFullYear())],
  ]);
  const op = await cli(dir, 'run-operation', 'count_rows', '--args', '{table_name: base}');
  assert.equal(op.code, 0, op.text);
  assert.match(op.text, /rows in base: 3/);
  const json = await cli(dir, 'run', '--select', 'base', '--log-format', 'json');
  assert.equal(json.code, 0);
  const events = json.text.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; status?: string });
  assert.ok(events.some((e) => e.event === 'node_finished' && e.status === 'success'), 'one JSON object per event');
});
