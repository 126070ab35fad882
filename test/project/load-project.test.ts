import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProject, configFor, resolveVar, redactTarget } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';
import { regexRender } from './helpers.js';

const JAFFLE = resolve(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');
const REPO = resolve(import.meta.dirname, '..', '..');

test('the jaffle fixture loads with its package, profile, selectors, hooks and properties', async () => {
  const env = { HOME: '/nonexistent', DBT_ENV_SECRET_PG_PASSWORD: 'pg-secret' };
  const p = await loadProject({ projectDir: JAFFLE, strataRoot: REPO, render: regexRender(env), env, vars: { start_date: '2018-01-05' } });
  assert.deepEqual(p.packages.map((x) => x.name), ['jaffle', 'util_pkg']);
  assert.equal(p.root.isRoot, true);
  assert.deepEqual(p.root.dependencies, ['util_pkg']);
  assert.equal(p.targetPath, join(JAFFLE, 'target'));
  assert.deepEqual(p.warnings, []);

  const kinds = (name: string) => p.packages.find((x) => x.name === name)!.files.map((f) => `${f.kind}:${f.path}`);
  const root = kinds('jaffle');
  for (const f of [
    'model:models/staging/stg_orders.sql',
    'model:models/marts/finance/order_payments_daily.sql',
    'seed:seeds/raw_orders.csv',
    'snapshot:snapshots/customers_snapshot.sql',
    'singular_test:tests/assert_order_amounts_match_payments.sql',
    'analysis:analyses/customer_order_counts.sql',
    'macro:macros/generate_schema_name.sql',
    'docs:models/docs.md',
    'properties:models/staging/_sources.yml',
    'properties:seeds/_seeds.yml',
  ]) {
    assert.ok(root.includes(f), f);
  }
  assert.ok(kinds('util_pkg').includes('generic_test:tests/generic/is_positive.sql'));
  assert.ok(!root.some((f) => f.includes('local_pkgs')), 'package files belong to the package');
  const file = p.root.files.find((f) => f.path === 'models/staging/stg_orders.sql')!;
  assert.match(file.hash, /^[0-9a-f]{64}$/);
  assert.equal(file.absPath, join(JAFFLE, file.path));

  // Profile: target from env_var default; no secrets in the duckdb target.
  assert.equal(p.profile?.targetName, 'dev');
  assert.equal(p.profile?.type, 'duckdb');
  assert.equal(p.profile?.threads, 4);
  const pg = await loadProject({ projectDir: JAFFLE, strataRoot: REPO, render: regexRender(env), env, target: 'pg' });
  assert.deepEqual(pg.profile?.secretFields, ['password']);
  assert.ok(!JSON.stringify(redactTarget(pg.profile!)).includes('pg-secret'));

  // Hooks: packages first, then the root; raw, not rendered.
  assert.deepEqual(p.onRunStart.map((h) => `${h.packageName}#${h.index}`), ['util_pkg#0', 'jaffle#0', 'jaffle#1']);
  assert.equal(p.onRunStart[2]!.sql, '{{ create_raw_payments() }}');
  assert.equal(p.onRunEnd[0]!.position.file, 'dbt_project.yml');
  assert.deepEqual(p.dispatch, [{ macro_namespace: 'util_pkg', search_order: ['jaffle', 'util_pkg'] }]);

  // Vars: --vars over project vars; root-scoped vars for the package over its own.
  assert.equal(resolveVar(p.vars, 'jaffle', 'start_date'), '2018-01-05');
  assert.equal(resolveVar(p.vars, 'util_pkg', 'surrogate_key_separator'), '-');
  assert.equal(resolveVar(p.vars, 'jaffle', 'surrogate_key_separator'), undefined);
  assert.equal(resolveVar(p.vars, 'util_pkg', 'calendar_start'), '2018-01-01');

  // Config trees.
  const daily = configFor(p, 'models', ['jaffle', 'marts', 'finance', 'order_payments_daily']);
  assert.equal(daily['materialized'], 'table');
  assert.deepEqual(daily['tags'], ['marts', 'finance', 'nightly']);
  assert.deepEqual(daily['meta'], { owner: 'finance-team' });
  assert.deepEqual(daily['persist_docs'], { relation: true });
  const cal = configFor(p, 'models', ['util_pkg', 'util_calendar']);
  assert.equal(cal['materialized'], 'table');
  assert.equal(cal['schema'], 'util');
  assert.deepEqual(cal['tags'], ['util']);
  assert.deepEqual(configFor(p, 'seeds', ['jaffle', 'raw_orders'])['column_types'], { order_date: 'date' });
  assert.equal(configFor(p, 'tests', ['jaffle', 'x'])['severity'], 'error');
  assert.equal(configFor(p, 'snapshots', ['jaffle', 'customers_snapshot'])['target_schema'], 'snapshots');

  // Properties, docs, selectors.
  const sources = p.root.properties.flatMap((f) => f.sources);
  assert.equal(sources[0]!.name, 'jaffle_raw');
  assert.deepEqual(sources[0]!.freshness, { warn_after: { count: 12, period: 'hour' }, error_after: { count: 24, period: 'hour' } });
  assert.equal(sources[0]!.tables[0]!.loaded_at_field, undefined);
  assert.equal(sources[0]!.loaded_at_field, '_loaded_at');
  const models = p.root.properties.flatMap((f) => f.models);
  assert.deepEqual(models.map((m) => m.name).sort(), ['customers', 'order_payments_daily', 'orders', 'stg_customers', 'stg_orders', 'stg_payments']);
  const customers = models.find((m) => m.name === 'customers')!;
  assert.equal(customers.description, '{{ doc("customers") }}');
  assert.equal(customers.columns[2]!.data_type, 'decimal(18,2)');
  assert.equal(p.root.properties.flatMap((f) => f.exposures)[0]!.depends_on.length, 2);
  assert.deepEqual(p.root.docs.map((d) => d.name), ['__overview__', 'order_status', 'customers']);
  assert.deepEqual(p.selectors.map((s) => s.name), ['nightly', 'staging_only', 'finance']);
});

test('no profile at all: embedded DuckDB notice; packages from strata/<name>', async () => {
  const base = mkdtempSync(join(tmpdir(), 'strata-load-'));
  try {
    const proj = join(base, 'proj');
    const shipped = join(base, 'strata', 'packages', 'web_events');
    mkdirSync(join(proj, 'models'), { recursive: true });
    mkdirSync(join(shipped, 'models'), { recursive: true });
    writeFileSync(join(proj, 'dbt_project.yml'), 'name: proj\n');
    writeFileSync(join(proj, 'packages.yml'), 'packages:\n  - package: strata/web_events\n    version: 1.0.0\n');
    writeFileSync(join(proj, 'models', 'a.sql'), 'select 1 as id');
    writeFileSync(join(shipped, 'dbt_project.yml'), 'name: web_events\nvars: {lookback_days: 3}\n');
    writeFileSync(join(shipped, 'models', 'sessions.sql'), 'select 1 as id');
    const p = await loadProject({ projectDir: proj, strataRoot: join(base, 'strata'), env: { HOME: base } });
    assert.equal(p.profile, null);
    assert.equal(p.defaultDuckdbPath, join(proj, 'target', 'proj.duckdb'));
    assert.equal(p.notices.length, 1);
    assert.deepEqual(p.packages.map((x) => x.name), ['proj', 'web_events']);
    assert.equal(p.packages[1]!.files[0]!.path, 'models/sessions.sql');
    assert.equal(resolveVar(p.vars, 'web_events', 'lookback_days'), 3);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a model described twice and a missing model give an error and a warning', async () => {
  const base = mkdtempSync(join(tmpdir(), 'strata-load-'));
  try {
    mkdirSync(join(base, 'models'), { recursive: true });
    writeFileSync(join(base, 'dbt_project.yml'), 'name: p\n');
    writeFileSync(join(base, 'models', 'a.sql'), 'select 1');
    writeFileSync(join(base, 'models', 'py_model.py'), 'def model(dbt, session):\n    return None\n');
    writeFileSync(join(base, 'models', 'one.yml'), 'models:\n  - name: a\n  - name: ghost\n');
    const p = await loadProject({ projectDir: base, strataRoot: base, env: { HOME: base } });
    assert.deepEqual(p.warnings.map((w) => w.code), ['python-model-unsupported', 'property-unknown-node']);
    p.warnings.shift();
    assert.equal(p.warnings.length, 1);
    assert.equal(p.warnings[0]!.code, 'property-unknown-node');
    assert.deepEqual(p.warnings[0]!.position, { file: 'models/one.yml', line: 3, column: 5 });
    writeFileSync(join(base, 'models', 'two.yml'), '\nmodels:\n  - name: a\n');
    await assert.rejects(loadProject({ projectDir: base, strataRoot: base, env: { HOME: base } }), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'duplicate-property');
      assert.match(e.message, /models\/one\.yml:2/);
      assert.equal(e.position?.file, 'models/two.yml');
      assert.equal(e.position?.line, 3);
      return true;
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
