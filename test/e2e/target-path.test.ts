/** `--target-path` (and DBT_TARGET_PATH): artifacts go to another folder; the parse cache and the fingerprint follow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('--target-path moves the artifacts, and a second parse finds them current there', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, strata, output }) => {
    assert.equal(await strata('parse', '--target-path', 'elsewhere'), 0, output());
    assert.ok(existsSync(join(dir, 'elsewhere', 'manifest.json')));
    assert.ok(!existsSync(join(dir, 'target', 'manifest.json')));
    assert.equal(await strata('parse', '--target-path', 'elsewhere'), 0, output());
    assert.match(output(), /Nothing changed since the last parse/);

    process.env.DBT_TARGET_PATH = 'from-env';
    try {
      assert.equal(await strata('run', '-s', 'orders'), 0, output());
    } finally {
      delete process.env.DBT_TARGET_PATH;
    }
    assert.ok(existsSync(join(dir, 'from-env', 'run_results.json')));
    assert.ok(existsSync(join(dir, 'from-env', 'compiled', 'retry', 'models', 'orders.sql')));
    assert.equal(await strata('retry', '--target-path', 'from-env'), 0, output());
    assert.match(output(), /Nothing to retry: the last run/);
  }));
