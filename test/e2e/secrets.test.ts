/**
 * Secrets never appear in output or artifacts: a DBT_ENV_SECRET_* value read by the
 * profile and logged by a model is printed as *****, and no file under target/ holds it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

test('a DBT_ENV_SECRET_ value is never printed nor written to target/', async () => {
  const secret = 'hunter2-very-secret';
  const dir = mkdtempSync(join(tmpdir(), 'strata-secret-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'dbt_project.yml'), "name: s\nversion: '1'\nconfig-version: 2\nprofile: s\n");
  writeFileSync(join(dir, 'profiles.yml'), "s:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/s.duckdb\n      password: \"{{ env_var('DBT_ENV_SECRET_PW') }}\"\n");
  writeFileSync(join(dir, 'models', 'a.sql'), "{{ log('secret: ' ~ env_var('DBT_ENV_SECRET_PW'), info=True) }}select 1 as x\n");
  process.env.DBT_ENV_SECRET_PW = secret;
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  assert.equal(await main(['run', '--project-dir', dir, '--profiles-dir', dir], { out: sink, err: sink }), 0);
  assert.equal(await main(['debug', '--project-dir', dir, '--profiles-dir', dir], { out: sink, err: sink }), 0);
  const text = chunks.join('');
  assert.match(text, /secret: \*\*\*\*\*/);
  assert.ok(!text.includes(secret), 'not in the output');
  assert.match(text, /^git: OK \(git version /m);
  const written = [...files(join(dir, 'target')), ...files(join(dir, 'logs'))].filter((f) => !f.endsWith('.duckdb'));
  assert.ok(written.some((f) => f.endsWith('dbt.log')));
  for (const f of written) assert.ok(!readFileSync(f, 'utf8').includes(secret), `not in ${f}`);
});
