/**
 * Property files (schema.yml) are rendered with the profile's `target`, as dbt-core renders
 * them: `{{ target.name }}` in a model's YAML config is the target's name, not empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeFiles } from '../helpers/files.js';

test("a property file's Jinja sees the target of the profile", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-yaml-target-'));
  writeFiles(dir, {
    'dbt_project.yml': 'name: yt\nversion: "1.0"\nconfig-version: 2\nprofile: yt\n',
    'profiles.yml': `yt:\n  target: ci\n  outputs:\n    ci:\n      type: duckdb\n      path: "${join(dir, 'yt.duckdb')}"\n      schema: analytics\n`,
    'models/m.sql': 'select 1 as id\n',
    'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      tags: ["{{ target.name }}", "{{ target.type }}-{{ target.schema }}"]\n',
  });
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['parse', '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  assert.equal(code, 0, chunks.join(''));
  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { tags: string[] }> };
  assert.deepEqual(manifest.nodes['model.yt.m']!.tags, ['ci', 'duckdb-analytics']);
});
