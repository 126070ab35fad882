/**
 * dbt-core from the harness virtual environment (`.venv-dbt`, made by test/harness/dbt/setup.sh
 * from PyPI), for the tests that compare Strata with it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DBT = join(import.meta.dirname, '..', '..', '.venv-dbt', 'bin', 'dbt');

/** The `skip` of a test that runs dbt: when the harness is missing, unless STRATA_REQUIRE_DBT=1 (then the test fails). */
export const SKIP_WITHOUT_DBT = !existsSync(DBT) && process.env.STRATA_REQUIRE_DBT !== '1' ? 'dbt harness not installed' : false;

/** Run dbt on the project in `dir` (its own profiles.yml); fails the test when the harness is missing. */
export function runDbt(dir: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(DBT), `${DBT} is required (STRATA_REQUIRE_DBT=1)`);
  const r = spawnSync(DBT, [...args, '--project-dir', dir, '--profiles-dir', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run dbt and expect it to succeed; its output. */
export function dbtOk(dir: string, ...args: string[]): string {
  const r = runDbt(dir, args);
  assert.equal(r.status, 0, `dbt ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
