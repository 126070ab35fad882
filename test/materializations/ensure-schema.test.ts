/**
 * Models of one run that land in a schema that does not exist yet, built at the same
 * moment: the schema is created once and every model builds (two concurrent
 * `CREATE SCHEMA IF NOT EXISTS` conflict on DuckDB).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { materialize } from '../../src/materializations/index.js';
import { modelContext, openDuckDB, rows, tempProject } from './helpers.js';

it('thirty-two models built at once into a new schema all succeed', async () => {
  const project = tempProject();
  const adapter = await openDuckDB(project.dir, 16);
  try {
    const names = Array.from({ length: 32 }, (_, i) => `m_${i}`);
    const results = await Promise.all(
      names.map((n, i) => materialize(i % 2 ? 'view' : 'table', modelContext(adapter, n, { schema: 'fresh_schema' }, () => `select ${i} as x`))),
    );
    assert.deepEqual(results.map((r) => r.status), names.map(() => 'success'));
    assert.deepEqual(await rows(adapter, "select count(*) from information_schema.tables where table_schema = 'fresh_schema'"), [[32]]);
  } finally {
    await adapter.close();
    project.cleanup();
  }
});
