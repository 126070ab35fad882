/**
 * `compile` writes run_results.json as dbt's does: a result per selected node with its compiled
 * SQL; a node whose Jinja fails is an error there, what is downstream of it is skipped, and the
 * others still compile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFixtureProject } from '../helpers/fixture-project.js';

interface Results {
  args: { which: string; vars: Record<string, unknown> };
  results: { unique_id: string; status: string; compiled: boolean; compiled_code: string | null; message: string }[];
}

test('compile records each node in run_results.json, and goes on past a node that does not compile, skipping what is downstream', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, strata, output }) => {
    const read = (): Results => JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as Results;
    assert.equal(await strata('compile', '--vars', '{factor: 3}'), 0, output());
    assert.match(output(), /Compiled 6 nodes into target\/compiled\//, 'three models and their three tests');
    let r = read();
    assert.equal(r.args.which, 'compile');
    assert.deepEqual(r.args.vars, { factor: 3 });
    assert.equal(r.results.length, 6);
    assert.ok(r.results.every((x) => x.status === 'success' && x.compiled && x.compiled_code));
    assert.deepEqual(r.results.filter((x) => x.unique_id.startsWith('model.')).map((x) => [x.unique_id, x.status, x.compiled]).sort(), [
      ['model.retry.orders', 'success', true],
      ['model.retry.priced', 'success', true],
      ['model.retry.totals', 'success', true],
    ]);
    assert.match(r.results.find((x) => x.unique_id === 'model.retry.orders')!.compiled_code!, /3 as factor/);

    // parses, and fails only when compiled for execution
    writeFileSync(join(dir, 'models', 'priced.sql'), "{% if execute %}{{ exceptions.raise_compiler_error('prices are not ready') }}{% endif %}\nselect id from {{ ref('orders') }}\n");
    assert.equal(await strata('compile'), 2, output());
    assert.match(output(), /priced\.sql/);
    r = read();
    const byId = new Map(r.results.map((x) => [x.unique_id, x]));
    assert.equal(byId.get('model.retry.priced')!.status, 'error');
    assert.match(byId.get('model.retry.priced')!.message, /prices are not ready/);
    assert.equal(byId.get('model.retry.orders')!.status, 'success', 'the other nodes still compile');
    assert.equal(byId.get('model.retry.totals')!.status, 'skipped', 'what is downstream is skipped, as in dbt');
    assert.match(byId.get('model.retry.totals')!.message, /Skipped because model\.retry\.priced did not compile/);
  }));
