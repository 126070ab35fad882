/**
 * A run that selects profile_traits alone, after a trait column appeared in the source and
 * before profile_trait_values has run again: profile_traits gets the new column (NULL until
 * profile_trait_values has its values) instead of failing, and the next full run gives the
 * hand-computed result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withDuckDb } from '../../helpers/duckdb.js';
import { createTables, loadBatch, modelColumns, readCase, readExpected, readModel, writeProject } from './fixture-case.js';

type Main = (argv: string[]) => Promise<number>;
const cliUrl = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.js')).href;

test('profile_traits selected alone after a trait column appears', async () => {
  const { main } = (await import(cliUrl)) as { main: Main };
  const { settings, tables } = readCase('trait_column_appears');
  const work = mkdtempSync(join(tmpdir(), 'strata-ps-partial-'));
  try {
    const db = join(work, 'warehouse.duckdb');
    const project = join(work, 'project');
    const flags = ['--project-dir', project, '--profiles-dir', project];
    await withDuckDb(db, (c) => createTables(c, 'landing', tables));
    writeProject(project, db, 'incremental', settings);
    await withDuckDb(db, (c) => loadBatch(c, 'landing', tables, 1));
    assert.equal(await main(['build', ...flags]), 0, 'build after batch 1');
    await withDuckDb(db, (c) => loadBatch(c, 'landing', tables, 2));
    assert.equal(await main(['run', '--select', 'profile_traits', ...flags]), 0, 'profile_traits alone');
    assert.ok((await withDuckDb(db, (c) => modelColumns(c, 'profile_traits'))).includes('company'));
    assert.equal(await main(['build', ...flags]), 0, 'build after batch 2');
    await withDuckDb(db, async (c) => {
      for (const [model, { header, rows }] of readExpected('trait_column_appears')) {
        assert.deepEqual(await readModel(c, model, header), rows, model);
      }
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
