/**
 * `--defer` (test/fixtures/run/defer; dbt-core builds the same steps in differential.test.ts):
 * which relation a ref names in compile and show, the environment variables dbt reads, and
 * the mistakes a user can make with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';

test('--defer: refs to nodes missing from the target read the state manifest\'s relations; clear errors without a state', () =>
  withFixtureProject('defer', 'DEFER_DB', async ({ dir, strata, output }) => {
    assert.equal(await strata('build', '--target', 'prod'), 0, output());
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    const state = join(dir, 'prod-state');
    const compiled = () => readFileSync(join(dir, 'target', 'compiled', 'defer', 'models', 'by_country.sql'), 'utf8');

    // without --defer, dev has no enriched: the run fails on it
    assert.equal(await strata('run', '--target', 'dev', '-s', 'by_country'), 1);
    assert.match(output(), /enriched/);

    assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country', '--defer', '--state', state), 0, output());
    assert.match(compiled(), /from "[^"]+"\."prod"\."enriched"/);
    // manifest.json records where each node defers to, as dbt's does
    const manifest = () => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { schema: string; defer_relation?: { schema: string; alias: string; relation_name: string; resource_type: string } | null }> };
    const enriched = manifest().nodes['model.defer.enriched']!;
    assert.equal(enriched.schema, 'dev');
    assert.deepEqual(
      { schema: enriched.defer_relation?.schema, alias: enriched.defer_relation?.alias, resource_type: enriched.defer_relation?.resource_type },
      { schema: 'prod', alias: 'enriched', resource_type: 'model' },
    );
    assert.match(enriched.defer_relation!.relation_name, /"prod"\."enriched"$/);
    assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country'), 0, output());
    assert.match(compiled(), /from "[^"]+"\."dev"\."enriched"/);
    assert.equal(manifest().nodes['model.defer.enriched']!.defer_relation, undefined, 'not without --defer');

    // dbt's environment variables, and --no-defer over them
    process.env.DBT_DEFER = 'true';
    process.env.DBT_STATE = state;
    try {
      assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country'), 0, output());
      assert.match(compiled(), /"prod"\."enriched"/);
      assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country', '--no-defer'), 0, output());
      assert.match(compiled(), /"dev"\."enriched"/);
      process.env.DBT_DEFER = 'maybe';
      assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country'), 2);
      assert.match(output(), /DBT_DEFER='maybe' is not a boolean/);
    } finally {
      delete process.env.DBT_DEFER;
      delete process.env.DBT_STATE;
    }

    // show reads prod's rows through the deferred ref
    assert.equal(await strata('show', '--target', 'dev', '-s', 'by_country', '--defer', '--defer-state', state, '--limit', '-1'), 0, output());
    assert.match(output(), /\| France +\| prod +\| dev +\| 2 +\| 35 +\|/);

    // once dev has built enriched, a ref reads dev's; --favor-state reads prod's for unselected nodes
    assert.equal(await strata('run', '--target', 'dev', '-s', 'orders', 'enriched', '--defer', '--state', state), 0, output());
    assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country', '--defer', '--state', state), 0, output());
    assert.match(compiled(), /"dev"\."enriched"/);
    assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country', '--defer', '--favor-state', '--state', state), 0, output());
    assert.match(compiled(), /"prod"\."enriched"/);
    // … but a selected node is read where this run builds it
    assert.equal(await strata('compile', '--target', 'dev', '-s', 'by_country', 'enriched', '--defer', '--favor-state', '--state', state), 0, output());
    assert.match(compiled(), /"dev"\."enriched"/);

    // mistakes: no state to defer to, or a folder without a manifest
    assert.equal(await strata('run', '--target', 'dev', '-s', 'by_country', '--defer'), 2);
    assert.match(output(), /--defer needs the manifest of the environment to defer to/);
    assert.match(output(), /--state/);
    assert.equal(await strata('run', '--target', 'dev', '-s', 'by_country', '--defer', '--defer-state', join(dir, 'models')), 2);
    assert.match(output(), /--defer: no manifest.json in/);
  }));

test('clone: the relations missing from the target become views of the state\'s; existing ones stay unless --full-refresh', () =>
  withFixtureProject('defer', 'DEFER_DB', async ({ dir, db, strata, output }) => {
    assert.equal(await strata('clone', '--target', 'dev'), 2);
    assert.match(output(), /clone needs the manifest of the environment to clone from/);

    assert.equal(await strata('build', '--target', 'prod'), 0, output());
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    assert.equal(await strata('run', '--target', 'dev', '-s', 'orders'), 0, output());
    const kinds = async () => Object.fromEntries((await queryDuckDb(db, "select table_name, table_type from information_schema.tables where table_schema = 'dev' order by 1")).map((r) => [r[0], r[1]]));

    assert.equal(await strata('clone', '--target', 'dev', '--state', join(dir, 'prod-state')), 0, output());
    assert.match(output(), /OK created clone of model dev\.orders \.+ \[No-op in/);
    assert.match(output(), /OK created clone of model dev\.enriched \.+ \[CREATE VIEW in/);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] };
    assert.match(results.results.find((r) => r.unique_id === 'model.defer.orders')!.message, /No-op: "[^"]+"\."dev"\."orders" already exists/);
    const after = await kinds();
    assert.equal(after.orders, 'BASE TABLE');
    for (const name of ['countries', 'enriched', 'by_country', 'by_country_favored', 'favored_copy', 'big_orders']) assert.equal(after[name], 'VIEW', name);
    assert.deepEqual(await queryDuckDb(db, 'select distinct built_in from dev.by_country'), [['prod']]);

    assert.equal(await strata('clone', '--target', 'dev', '--state', join(dir, 'prod-state'), '-s', 'orders', '--full-refresh'), 0, output());
    assert.equal((await kinds()).orders, 'VIEW');
    assert.deepEqual(await queryDuckDb(db, 'select distinct built_in from dev.orders'), [['prod']]);
  }));
