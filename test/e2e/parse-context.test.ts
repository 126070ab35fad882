/**
 * `model` while a node is parsed is dbt's node as it stands then: its names and paths, the
 * target's schema, and empty dependencies, tags, meta, description and columns (filled in after
 * the parse). A package reading `model.depends_on` or `model.columns` in a config() call parses.
 * The expected text is what dbt-core 1.10 with dbt-duckdb writes for the same project.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles } from '../helpers/files.js';

test("model's attributes while parsing are dbt's", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-parse-model-'));
  writeFiles(dir, {
    'dbt_project.yml': "name: repro\nversion: '1.0'\nconfig-version: 2\nprofile: repro\n",
    'profiles.yml': `repro:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(dir, 'w.duckdb')}\n`,
    'models/base.sql': 'select 1 as id\n',
    'models/sub/m.sql': `{{ config(meta={'seen': ([model.depends_on, model.refs, model.sources, model.schema, model.alias, model.path, model.tags, model.meta, model.description, model.columns, model.checksum.name, model.original_file_path, model.fqn, model.language == 'sql'] | string) if not execute else 'run'}) }}
select * from {{ ref('base') }}
`,
    'models/sub/schema.yml': 'version: 2\nmodels:\n  - name: m\n    description: the m\n',
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  assert.equal(await main(['parse', '--project-dir', dir, '--profiles-dir', dir], { out: sink, err: sink }), 0, chunks.join(''));
  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { config: { meta: { seen: string } } }> };
  assert.equal(
    manifest.nodes['model.repro.m']!.config.meta.seen,
    "[{'macros': [], 'nodes': []}, [], [], 'main', 'm', 'sub/m.sql', [], {}, '', {}, 'sha256', 'models/sub/m.sql', ['repro', 'sub', 'm'], True]",
  );
});
