/**
 * Model versions (test/fixtures/run/versions): each version is its own node and relation,
 * `ref('m')` is the latest version and `ref('m', v=…)` a given one, a version's columns and tests
 * come from the model's and its own, unit tests run per version, and selectors find versions as
 * dbt's do (`m`, `m.v2`, `m_v2`, `version:latest|prerelease|old|none`). The last case lists the
 * same selections with dbt-core (when the harness is installed) and compares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SKIP_WITHOUT_DBT, runDbt } from '../helpers/dbt.js';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject } from '../helpers/fixture-project.js';


interface Node {
  unique_id: string;
  name: string;
  version: string | number | null;
  latest_version: string | number | null;
  fqn: string[];
  alias: string;
  config: { materialized: string; tags: string[] };
  columns: Record<string, unknown>;
  description: string;
}

const SELECTIONS = ['dim_customers', 'dim_customers.v2', 'dim_customers_v1', 'version:latest', 'version:prerelease', 'version:old', 'version:none', '+customer_summary', 'tag:customers', 'orders.v1'];

test('each version of a model is its own node and relation; ref() finds the latest or the version asked for', () =>
  withFixtureProject('versions', 'VERSIONS_DB', async ({ dir, db, strata, output }) => {
    assert.equal(await strata('build'), 0, output());
    assert.match(output(), /PASS=20 WARN=1 ERROR=0/, 'the models, their tests per version and the unit test of versions 2 and 3');
    assert.match(output(), /unit_test dim_customers::full_name_is_the_name_v2/);
    assert.match(output(), /Model orders\.v1 has passed its deprecation date of 2024-06-30/);
    assert.match(output(), /Model legacy_orders_count refers to orders\.v1, which was deprecated on 2024-06-30; try the latest version: \{\{ ref\('versions', 'orders', v='2'\) \}\}/);

    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Node>; unit_tests: Record<string, { depends_on: { nodes: string[] } }> };
    const models = Object.values(manifest.nodes).filter((n) => n.unique_id.startsWith('model.'));
    // dbt's isoformat of an aware datetime: a date without a zone is read in the machine's zone
    const offset = -new Date(2024, 5, 30).getTimezoneOffset();
    const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    assert.equal((manifest.nodes['model.versions.orders.v1'] as unknown as { deprecation_date: string }).deprecation_date, `2024-06-30T00:00:00${zone}`);
    assert.deepEqual(models.map((n) => [n.unique_id, n.name, n.version, n.latest_version, n.fqn.join('.'), n.alias, n.config.materialized]).sort(), [
      ['model.versions.customer_summary', 'customer_summary', null, null, 'versions.customer_summary', 'customer_summary', 'table'],
      ['model.versions.dim_customers.v1', 'dim_customers', 1, 2, 'versions.dim_customers.v1', 'dim_customers_v1', 'table'],
      ['model.versions.dim_customers.v2', 'dim_customers', 2, 2, 'versions.dim_customers.v2', 'dim_customers_v2', 'table'],
      ['model.versions.dim_customers.v3', 'dim_customers', 3, 2, 'versions.dim_customers.v3', 'dim_customers_v3', 'view'],
      ['model.versions.legacy_orders_count', 'legacy_orders_count', null, null, 'versions.legacy_orders_count', 'legacy_orders_count', 'table'],
      ['model.versions.orders.v1', 'orders', 1, 2, 'versions.orders.v1', 'orders_v1', 'table'],
      ['model.versions.orders.v2', 'orders', 2, 2, 'versions.orders.v2', 'orders_v2', 'table'],
    ]);
    const v2 = manifest.nodes['model.versions.dim_customers.v2']!;
    assert.deepEqual(Object.keys(v2.columns), ['id', 'country', 'full_name', 'created_at'], "the model's columns but the excluded one, then the version's own");
    assert.equal(v2.description, 'Customers with their full name and sign-up date.');
    assert.equal(manifest.nodes['model.versions.dim_customers.v1']!.description, 'One row per customer.');
    assert.deepEqual(Object.keys(manifest.nodes['model.versions.dim_customers.v3']!.columns), ['id', 'country_code']);
    assert.deepEqual(manifest.nodes['model.versions.dim_customers.v1']!.config.tags, ['customers'], "dbt_project.yml's config reaches every version");
    assert.deepEqual(Object.keys(manifest.unit_tests).sort(), ['unit_test.versions.dim_customers.full_name_is_the_name_v2', 'unit_test.versions.dim_customers.full_name_is_the_name_v3']);
    const tests = Object.keys(manifest.nodes).filter((id) => id.startsWith('test.')).map((id) => id.split('.')[2]).sort();
    assert.deepEqual(tests, [
      'accepted_values_dim_customers_v3_country_code__GB__US__DE',
      'not_null_dim_customers_v1_id',
      'not_null_dim_customers_v1_name',
      'not_null_dim_customers_v2_full_name',
      'not_null_dim_customers_v2_id',
      'not_null_dim_customers_v3_id',
      'relationships_orders_v1_customer_id__id__ref_dim_customers_v_1_',
      'unique_customer_summary_id',
      'unique_dim_customers_v1_id',
      'unique_dim_customers_v2_id',
      'unique_dim_customers_v3_id',
      'unique_orders_v1_customer_id_coalesce_cast_null_as_varchar_',
    ], 'v2 of orders has data_tests: [] and so none of the model-level test');

    const rows = await queryDuckDb(db, 'select id, full_name, v1_name, country_code, spent_cents, own_version from main.customer_summary order by id');
    assert.deepEqual(rows, [
      [1, 'Ada Lovelace', 'Ada Lovelace', 'GB', 3050n, ''],
      [2, 'Grace Hopper', 'Grace Hopper', 'US', 1225n, ''],
      [3, 'Emmy Noether', 'Emmy Noether', 'DE', 4000n, ''],
    ]);
    assert.deepEqual(await queryDuckDb(db, 'select n, total from main.legacy_orders_count'), [[4n, 82.75]]);
    assert.deepEqual(await queryDuckDb(db, "select table_name, table_type from information_schema.tables where table_name like 'dim_customers%' order by 1"), [
      ['dim_customers_v1', 'BASE TABLE'],
      ['dim_customers_v2', 'BASE TABLE'],
      ['dim_customers_v3', 'VIEW'],
    ]);

    const ls = async (sel: string, ...more: string[]): Promise<string[]> => {
      assert.equal(await strata('-q', 'ls', '-s', sel, ...more), 0, output());
      return output().trim().split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(await ls('dim_customers', '--resource-type', 'model'), ['versions.dim_customers.v1', 'versions.dim_customers.v2', 'versions.dim_customers.v3']);
    assert.deepEqual(await ls('dim_customers.v2', '--resource-type', 'model', '--resource-type', 'unit_test'), ['unit_test:versions.full_name_is_the_name_v2', 'versions.dim_customers.v2']);
    assert.deepEqual(await ls('dim_customers_v1', '--resource-type', 'model'), ['versions.dim_customers.v1']);
    assert.deepEqual(await ls('version:latest', '--resource-type', 'model', '--output', 'name'), ['dim_customers.v2', 'orders.v2']);
    assert.deepEqual(await ls('version:prerelease', '--resource-type', 'model'), ['versions.dim_customers.v3']);
    assert.deepEqual(await ls('version:old', '--resource-type', 'model'), ['versions.dim_customers.v1', 'versions.orders.v1']);
    assert.deepEqual(await ls('version:none', '--resource-type', 'model'), ['versions.customer_summary', 'versions.legacy_orders_count']);
    assert.equal(await strata('ls', '-s', 'version:newest'), 2);
    assert.match(output(), /'newest' is not a version selector/);
  }));

test('a ref to a version that does not exist, a latest_version not among the versions and a version without a file are reported where they are written', () =>
  withFixtureProject('versions', 'VERSIONS_DB', async ({ dir, strata, output }) => {
    const summary = join(dir, 'models', 'customer_summary.sql');
    const before = readFileSync(summary, 'utf8');
    writeFileSync(summary, before.replace("ref('dim_customers', v=1)", "ref('dim_customers', v=4)"));
    assert.equal(await strata('parse'), 2);
    assert.match(output(), /models\/customer_summary\.sql:10:9/);
    assert.match(output(), /depends on 'dim_customers' version 4, which was not found/);
    assert.match(output(), /its versions are 1, 2, 3/);
    writeFileSync(summary, before);

    const schema = join(dir, 'models', 'schema.yml');
    const yaml = readFileSync(schema, 'utf8');
    writeFileSync(schema, yaml.replace('latest_version: 2', 'latest_version: 5'));
    assert.equal(await strata('parse'), 2);
    assert.match(output(), /models\/schema\.yml:5/);
    assert.match(output(), /latest_version 5 of model 'dim_customers' is not one of its versions \(1, 2, 3\)/);

    writeFileSync(schema, yaml.replace('      - v: 3\n', '      - v: 4\n      - v: 3\n'));
    assert.equal(await strata('parse'), 0, output());
    assert.match(output(), /models\/schema\.yml:\d+: version 4 of model 'dim_customers' has no file dim_customers_v4\.sql/);
  }));

test('--warn-error makes a deprecation warning an error; --warn-error-options can keep one a warning', () =>
  withFixtureProject('versions', 'VERSIONS_DB', async ({ strata, output }) => {
    assert.equal(await strata('parse', '--warn-error'), 2);
    assert.match(output(), /Model orders\.v1 has passed its deprecation date of 2024-06-30/);
    assert.match(output(), /DeprecatedModel/);
    assert.equal(await strata('build', '--warn-error'), 2, 'nothing is built');
    assert.equal(await strata('parse', '--warn-error-options', '{"error": ["DeprecatedReference"]}'), 2);
    assert.match(output(), /Model legacy_orders_count refers to orders\.v1, which was deprecated on 2024-06-30/);
    assert.equal(await strata('parse', '--warn-error-options', '{"error": "all", "warn": ["DeprecatedModel", "DeprecatedReference"]}'), 0, output());
    assert.match(output(), /has passed its deprecation date/, 'still printed, as a warning');
    assert.equal(await strata('parse'), 0, 'a parse with nothing changed reports the warnings it saw');
    assert.equal(await strata('parse', '--warn-error'), 2);
  }));

test('dbt-core lists the same versions for the same selections', { skip: SKIP_WITHOUT_DBT }, () =>
  withFixtureProject('versions', 'VERSIONS_DB', async ({ dir, strata, output }) => {
    for (const sel of SELECTIONS) {
      for (const out of ['selector', 'name', 'path']) {
        const r = runDbt(dir, ['-q', 'ls', '-s', sel, '--output', out]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.equal(await strata('-q', 'ls', '-s', sel, '--output', out), 0, output());
        assert.deepEqual(output().trim().split('\n').filter(Boolean).sort(), r.stdout.trim().split('\n').filter(Boolean).sort(), `ls -s ${sel} --output ${out}`);
      }
    }
  }));
