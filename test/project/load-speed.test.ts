import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/project/index.js';

/** Write a project of `models` model files in folders of 100, with one YAML file per 10 models. */
export function generateProject(dir: string, models: number): void {
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: big\nconfig-version: 2\nmodels:\n  big:\n    +materialized: view\n');
  for (let f = 0; f < models / 100; f++) mkdirSync(join(dir, 'models', `f${f}`), { recursive: true });
  for (let i = 0; i < models; i++) {
    const folder = join(dir, 'models', `f${Math.floor(i / 100)}`);
    const dep = i === 0 ? "select 1 as id, 'a' as name" : `select id, name from {{ ref('m${i - 1}') }}`;
    writeFileSync(join(folder, `m${i}.sql`), `{{ config(tags=['t${i % 7}']) }}\n${dep}\n`);
    if (i % 10 === 9) {
      const entries = [];
      for (let j = i - 9; j <= i; j++) {
        entries.push(`  - name: m${j}\n    description: Model ${j}\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n      - name: name\n        description: "{{ doc('name') }}"`);
      }
      writeFileSync(join(folder, `schema_${i}.yml`), `version: 2\nmodels:\n${entries.join('\n')}\n`);
    }
  }
}

test('loading a project of 2,000 files takes well under 2 s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-speed-'));
  try {
    generateProject(dir, 1800);
    const t = performance.now();
    const p = await loadProject({ projectDir: dir, strataRoot: dir, env: { HOME: dir } });
    const ms = performance.now() - t;
    assert.equal(p.root.files.length, 1980);
    assert.equal(p.root.properties.reduce((n, f) => n + f.models.length, 0), 1800);
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
