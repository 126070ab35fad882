/**
 * dbt's `--quiet` (and DBT_QUIET), `--debug`, `--log-level`, and `--output json` of `show` and `compile`: what scripts
 * that read Strata's output rely on. Quiet leaves errors and what the command is for (rows,
 * compiled SQL, `print()` in Jinja), and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('--quiet prints only errors and what the command is for; --output json prints what dbt prints', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, strata, output }) => {
    assert.equal(await strata('run', '-s', 'orders', '-q'), 0, output());
    assert.equal(output(), '', 'a quiet run that succeeds prints nothing');
    assert.equal(await strata('-q', 'run', '-s', 'orders'), 0, output());
    assert.equal(output(), '', 'global flags may come before the command, as in dbt');
    assert.equal(await strata('--debug', 'run', '-s', 'orders'), 0, output());
    assert.match(output(), /\d\d:\d\d:\d\d {2}SQL ran in \d+\.\d ms:\n(?:.*\n)*?.*"orders"/, '--debug shows each statement');
    assert.match(output(), /OK created/);
    assert.equal(await strata('run', '-s', 'orders', '--log-level', 'warn'), 0, output());
    assert.equal(output(), '', 'nothing at warn or above');

    // raw.prices does not exist: priced fails, and its error is all a quiet run prints
    assert.equal(await strata('run', '--quiet'), 1);
    assert.doesNotMatch(output(), /START|OK created|Finished running|Done\./);
    assert.match(output(), /ERROR creating sql \w+ model main\.priced/);
    assert.match(output(), /Database error in model priced/);

    assert.equal(await strata('show', '-s', 'orders', '--output', 'json', '-q', '--limit', '2'), 0, output());
    const shown = JSON.parse(output()) as { node: string; show: Record<string, unknown>[] };
    assert.equal(shown.node, 'orders');
    assert.deepEqual(Object.keys(shown.show[0]!), ['id', 'amount', 'factor']);
    assert.equal(shown.show.length, 2);
    assert.equal(await strata('show', '-s', 'orders', '--limit', '1'), 0, output());
    assert.match(output(), /Previewing node 'orders':\n\| id/);

    assert.equal(await strata('compile', '-s', 'orders', '--output', 'json', '-q'), 0, output());
    const compiled = JSON.parse(output()) as { node: string; compiled: string };
    assert.equal(compiled.node, 'orders');
    assert.match(compiled.compiled, /^select id, amount, 1 as factor from/);

    mkdirSync(join(dir, 'macros'), { recursive: true });
    writeFileSync(join(dir, 'macros', 'hello.sql'), "{% macro hello() %}{{ print('hello from print') }}{{ log('logged at info', info=True) }}{% endmacro %}\n");
    assert.equal(await strata('run-operation', 'hello'), 0, output());
    assert.match(output(), /^hello from print$/m, 'print() writes the text as it is');
    assert.match(output(), /\d\d:\d\d:\d\d {2}logged at info/);
    process.env.DBT_QUIET = 'true';
    try {
      assert.equal(await strata('run-operation', 'hello'), 0, output());
    } finally {
      delete process.env.DBT_QUIET;
    }
    assert.equal(output(), 'hello from print\n', 'DBT_QUIET keeps print() and drops log()');
    assert.equal(await strata('run-operation', 'hello', '--no-print', '-q'), 0, output());
    assert.equal(output(), '', '--no-print drops print()');
  }));
