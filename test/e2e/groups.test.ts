/**
 * Groups and model access (test/fixtures/run/groups): the manifest's groups and group_map, each
 * node's group and access, `group:`/`access:` selection, and each mistake dbt reports at parse
 * time (a ref to a private model from outside its group, to a protected model of a package that
 * restricts access, a group that is not defined or has no owner, an access dbt does not know) as
 * an error at its file and line, exit code 2, with nothing built. The last case compares the
 * manifest and `ls` with dbt-core's (when the harness is installed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SKIP_WITHOUT_DBT, dbtOk, runDbt } from '../helpers/dbt.js';
import { queryDuckDb } from '../helpers/duckdb.js';
import { withFixtureProject, type FixtureProject } from '../helpers/fixture-project.js';


interface Node {
  unique_id: string;
  name: string;
  resource_type: string;
  group: string | null;
  access?: string;
  config: { group?: string | null; access?: string };
}
interface Manifest {
  nodes: Record<string, Node>;
  groups: Record<string, Record<string, unknown>>;
  group_map: Record<string, string[]>;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;
/** A generic test's id without its hash (Strata's and dbt's hashes differ). */
const stable = (id: string) => (id.startsWith('test.') ? id.split('.').slice(0, 3).join('.') : id);
const SELECTIONS = ['group:finance', 'group:marketing', 'group:fin*', 'access:private', 'access:protected', 'access:public', '+group:marketing', 'group:finance,resource_type:model'];

/** Change a file of the project (the text must be there; `from` empty: write a new file), run `fn`, then put the file back. */
async function withEdit(dir: string, file: string, from: string, to: string, fn: () => Promise<void>): Promise<void> {
  const path = join(dir, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (from !== '' && !before?.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(path, from === '' ? to : before!.replace(from, to));
  try {
    await fn();
  } finally {
    if (before === undefined) rmSync(path);
    else writeFileSync(path, before);
  }
}

/** `build` fails at parse time: exit code 2, the error at `where` saying `what`, and no model built. */
async function failsAt(p: FixtureProject, where: RegExp, what: RegExp, hint?: RegExp): Promise<void> {
  assert.equal(await p.strata('build'), 2, p.output());
  assert.match(p.output(), where);
  assert.match(p.output(), what);
  if (hint) assert.match(p.output(), hint);
  assert.deepEqual(await queryDuckDb(p.db, "select table_name from information_schema.tables where table_schema = 'main'"), [], 'nothing is built');
}

test('groups are in the manifest; each node has its group and each model its access; group: and access: select them', () =>
  withFixtureProject('groups', 'GROUPS_DB', async ({ dir, db, strata, output }) => {
    assert.equal(await strata('build'), 0, output());
    assert.match(output(), /PASS=14 WARN=0 ERROR=0/, 'nine models, a seed and four tests: private and public models are built as any other');
    assert.doesNotMatch(output(), /WARNING/);
    assert.deepEqual(await queryDuckDb(db, 'select account_id, account, total, total_invoiced from main.campaigns order by 1'), [
      [1, 'ACME', 30.5, 100],
      [2, 'GLOBEX', 40, 70],
    ]);

    const m = manifestOf(dir);
    assert.deepEqual(m.groups['group.groups.finance'], {
      name: 'finance',
      resource_type: 'group',
      package_name: 'groups',
      path: 'finance/_finance.yml',
      original_file_path: 'models/finance/_finance.yml',
      unique_id: 'group.groups.finance',
      owner: { email: 'finance@example.com', name: 'Finance team' },
      description: 'Payments, revenue and the ledger.',
      config: { meta: { tier: 1 }, materialized: 'table' },
    });
    assert.deepEqual(m.groups['group.groups.marketing']!.owner, { email: ['marketing@example.com', 'ads@example.com'], name: null, slack: '#marketing' }, 'email and name first (null when not given), then the other keys');
    assert.deepEqual(m.groups['group.groups.marketing']!.config, { meta: {}, materialized: 'table', group: 'marketing' }, "as dbt: the models tree's config for the group's folder");
    assert.equal(m.groups['group.groups.marketing']!.description, null);
    assert.deepEqual(Object.keys(m.groups).sort(), ['group.groups.finance', 'group.groups.marketing']);

    const of = (id: string) => {
      const n = Object.values(m.nodes).find((x) => stable(x.unique_id) === id)!;
      assert.ok(n, id);
      return [n.group, n.access ?? null, n.config.group, n.config.access ?? null];
    };
    assert.deepEqual(of('model.groups.payments'), ['finance', 'private', 'finance', 'private'], 'YAML access: and config: {group}');
    assert.deepEqual(of('model.groups.revenue'), ['finance', 'public', 'finance', 'public'], 'YAML group: and config: {access}');
    assert.deepEqual(of('model.groups.ledger'), ['finance', 'private', 'finance', 'private'], "config(access='private')");
    assert.deepEqual(of('model.groups.dim_accounts.v1'), ['finance', 'private', 'finance', 'private'], "the version's config over the model's");
    assert.deepEqual(of('model.groups.dim_accounts.v2'), ['finance', 'public', 'finance', 'public']);
    assert.deepEqual(of('model.groups.campaigns'), ['marketing', 'protected', 'marketing', 'protected'], "dbt_project.yml's +group; protected by default");
    assert.deepEqual(of('model.groups.customers'), [null, 'protected', null, 'protected']);
    assert.deepEqual(of('model.billing.invoice_totals'), [null, 'public', null, 'public']);
    assert.deepEqual(of('seed.groups.fx_rates'), ['finance', null, 'finance', null]);
    assert.deepEqual(of('test.groups.assert_payments_positive'), ['finance', null, 'finance', null], "a singular test's config(group=…)");
    assert.deepEqual(of('test.groups.unique_payments_id'), ['finance', null, null, null], 'a generic test is in the group of what it tests (its config keeps its own)');
    assert.deepEqual(of('test.groups.relationships_campaigns_account_id__account_id__ref_revenue_'), ['marketing', null, null, null]);
    assert.deepEqual(Object.fromEntries(Object.entries(m.group_map).map(([g, ids]) => [g, ids.map(stable).sort()])), {
      finance: [
        'model.groups.dim_accounts.v1',
        'model.groups.dim_accounts.v2',
        'model.groups.ledger',
        'model.groups.payments',
        'model.groups.revenue',
        'seed.groups.fx_rates',
        'test.groups.assert_payments_positive',
        'test.groups.not_null_payments_id',
        'test.groups.unique_payments_id',
      ],
      marketing: ['model.groups.campaigns', 'test.groups.relationships_campaigns_account_id__account_id__ref_revenue_'],
    });

    const ls = async (sel: string, ...more: string[]): Promise<string[]> => {
      assert.equal(await strata('-q', 'ls', '-s', sel, ...more), 0, output());
      return output().trim().split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(await ls('group:finance', '--resource-type', 'model', '--resource-type', 'seed', '--output', 'name'), ['dim_accounts.v1', 'dim_accounts.v2', 'fx_rates', 'ledger', 'payments', 'revenue']);
    assert.deepEqual(await ls('group:finance', '--resource-type', 'test', '--output', 'name'), ['assert_payments_positive', 'not_null_payments_id', 'relationships_campaigns_account_id__account_id__ref_revenue_', 'unique_payments_id'], "the group's tests, and those of its models (eager)");
    assert.deepEqual(await ls('group:mark*', '--output', 'name'), ['campaigns', 'relationships_campaigns_account_id__account_id__ref_revenue_']);
    assert.deepEqual(await ls('access:private', '--resource-type', 'model', '--output', 'name'), ['dim_accounts.v1', 'ledger', 'payments']);
    assert.deepEqual(await ls('access:public', '--resource-type', 'model', '--output', 'name'), ['dim_accounts.v2', 'invoice_totals', 'revenue']);
    assert.deepEqual(await ls('access:protected', '--resource-type', 'model', '--output', 'name'), ['campaigns', 'customers', 'invoices']);
    assert.deepEqual(await ls('group:none'), [], 'a node in no group is in no group named none');

    // templates see the groups in `graph`, as dbt's do
    assert.equal(await strata('-q', 'show', '--inline', "select '{{ graph.groups.values() | map(attribute='name') | sort | join(',') }}' as names"), 0, output());
    assert.match(output(), /finance,marketing/);
  }));

test('a ref to a private model from outside its group, or to a protected model of a package that restricts access, is an error at the ref', () =>
  withFixtureProject('groups', 'GROUPS_DB', async (p) => {
    const { dir } = p;
    // a model of another group
    await withEdit(dir, 'models/marketing/attribution.sql', '', "select 1 as id\nunion all\nselect id from {{ ref('payments') }}\n", () =>
      failsAt(p, /models\/marketing\/attribution\.sql:3:19/, /model 'attribution' refers to model 'payments', which is private to the 'finance' group/, /'attribution' is in group 'marketing'/),
    );
    // a model in no group
    await withEdit(dir, 'models/customers.sql', "ref('revenue')", "ref('ledger')", () =>
      failsAt(p, /models\/customers\.sql:1:34/, /model 'customers' refers to model 'ledger', which is private to the 'finance' group/, /'customers' is in no group/),
    );
    // a private version
    await withEdit(dir, 'models/marketing/campaigns.sql', "ref('dim_accounts')", "ref('dim_accounts', v=1)", () =>
      failsAt(p, /models\/marketing\/campaigns\.sql:3:9/, /refers to model 'dim_accounts\.v1', which is private to the 'finance' group/),
    );
    // an exposure (it has no group)
    await withEdit(dir, 'models/exposures.yml', "- ref('campaigns')", "- ref('campaigns')\n      - ref('payments')", () =>
      failsAt(p, /models\/exposures\.yml:9:9/, /exposure 'revenue_dashboard' refers to model 'payments', which is private to the 'finance' group/, /an exposure is in no group/),
    );
    // a generic test is in the group of what it tests
    await withEdit(dir, 'models/marketing/_marketing.yml', "to: ref('revenue')", "to: ref('payments')", () =>
      failsAt(p, /models\/marketing\/_marketing\.yml:16:21/, /test 'relationships_campaigns_account_id__account_id__ref_payments_' refers to model 'payments', which is private/, /the test is in the group of 'campaigns'/),
    );
    // a singular test without the group
    await withEdit(dir, 'tests/assert_payments_positive.sql', "{{ config(group='finance') }}", '', () =>
      failsAt(p, /tests\/assert_payments_positive\.sql:3:18/, /test 'assert_payments_positive' refers to model 'payments', which is private/),
    );
    // a private model in no group: nothing may refer to it (its own tests neither)
    await withEdit(dir, 'models/lonely.sql', '', "{{ config(access='private') }}\nselect 1 as x\n", async () => {
      assert.equal(await p.strata('parse'), 0, p.output());
      await withEdit(dir, 'models/lonely.yml', '', 'version: 2\nmodels:\n  - name: lonely\n    columns:\n      - name: x\n        data_tests: [unique]\n', () =>
        failsAt(p, /models\/lonely\.yml:6/, /test 'unique_lonely_x' refers to model 'lonely', which is private, and in no group/, /give 'lonely' a group/),
      );
    });
    // a protected model of a package with restrict-access: true
    await withEdit(dir, 'models/marketing/campaigns.sql', "ref('billing', 'invoice_totals')", "ref('billing', 'invoices')", () =>
      failsAt(p, /models\/marketing\/campaigns\.sql:4:14/, /model 'campaigns' refers to model 'invoices', which is protected to the 'billing' package/, /restrict-access: true/),
    );
    // without restrict-access, a package's protected models are for everyone
    await withEdit(dir, 'billing/dbt_project.yml', 'restrict-access: true', 'restrict-access: false', () =>
      withEdit(dir, 'models/marketing/campaigns.sql', "ref('billing', 'invoice_totals')", "ref('billing', 'invoices')", async () => {
        assert.equal(await p.strata('parse'), 0, p.output());
      }),
    );
    assert.equal(await p.strata('parse'), 0, p.output());
  }));

test('a group that is not defined or has no owner, a group defined twice and an access dbt does not know are errors at their line', () =>
  withFixtureProject('groups', 'GROUPS_DB', async (p) => {
    const { dir } = p;
    const finance = 'models/finance/_finance.yml';
    const marketing = 'models/marketing/_marketing.yml';
    // a group that is not defined: in config(), in YAML, in dbt_project.yml
    await withEdit(dir, 'tests/assert_payments_positive.sql', "group='finance'", "group='fiance'", () =>
      failsAt(p, /tests\/assert_payments_positive\.sql:1:11/, /test 'assert_payments_positive' is in group 'fiance', which is not defined/, /did you mean 'finance'\?/),
    );
    await withEdit(dir, finance, 'name: ledger\n    config:\n      group: finance', 'name: ledger\n    config:\n      group: treasury', () =>
      failsAt(p, /models\/finance\/_finance\.yml:27:7/, /model 'ledger' is in group 'treasury', which is not defined/, /the groups are finance, marketing/),
    );
    await withEdit(dir, 'dbt_project.yml', '+group: marketing', '+group: marketting', () =>
      failsAt(p, /dbt_project\.yml:14:7/, /model 'campaigns' is in group 'marketting', which is not defined/),
    );
    // a group's owner
    await withEdit(dir, marketing, "    owner:\n      email: [marketing@example.com, ads@example.com]\n      slack: '#marketing'\n", '', () =>
      failsAt(p, /models\/marketing\/_marketing\.yml:4:5/, /group 'marketing' needs an owner with a name or an email/),
    );
    await withEdit(dir, marketing, '      email: [marketing@example.com, ads@example.com]\n', '', () =>
      failsAt(p, /models\/marketing\/_marketing\.yml:5:5/, /group 'marketing' needs an owner with a name or an email/),
    );
    await withEdit(dir, marketing, "      slack: '#marketing'\n", "      slack: '#marketing'\n    meta: {channel: ads}\n", () =>
      failsAt(p, /models\/marketing\/_marketing\.yml:8:5/, /group 'marketing' has an unknown key `meta`/, /config: \{meta/),
    );
    // a group defined twice in a package
    await withEdit(dir, marketing, '  - name: marketing', '  - name: finance', () =>
      failsAt(p, /models\/marketing\/_marketing\.yml:4:5/, /group 'finance' is defined twice in package 'groups': models\/finance\/_finance\.yml:4 and models\/marketing\/_marketing\.yml:4/),
    );
    // an access dbt does not know: YAML, YAML config, config(), dbt_project.yml
    await withEdit(dir, finance, 'access: private', 'access: secret', () =>
      failsAt(p, /models\/finance\/_finance\.yml:15:5/, /model 'payments' has an invalid value "secret" for access: it is private, protected or public/),
    );
    await withEdit(dir, finance, 'access: public\n    versions', 'access: open\n    versions', () =>
      failsAt(p, /models\/finance\/_finance\.yml:32:7/, /model 'dim_accounts' has an invalid value "open" for access/),
    );
    await withEdit(dir, 'models/finance/ledger.sql', "access='private'", "access='hidden'", () =>
      failsAt(p, /models\/finance\/ledger\.sql:1:11/, /model 'ledger' has an invalid value "hidden" for access/),
    );
    await withEdit(dir, 'dbt_project.yml', '+group: marketing', '+group: marketing\n      +access: everyone', () =>
      failsAt(p, /dbt_project\.yml:15:7/, /"everyone" is not a valid access: it is private, protected or public/),
    );
    // a top-level key and the same key under config:
    await withEdit(dir, finance, '  - name: revenue\n    group: finance\n    config:\n', '  - name: revenue\n    group: finance\n    config:\n      group: finance\n', () =>
      failsAt(p, /models\/finance\/_finance\.yml:22:5/, /model 'revenue' has `group` both as a top-level key and under `config:`/),
    );
    // a public model cannot be ephemeral
    await withEdit(dir, 'models/finance/revenue.sql', 'select account_id', "{{ config(materialized='ephemeral') }}\nselect account_id", () =>
      failsAt(p, /models\/finance\/_finance\.yml:24:7/, /model 'revenue' is ephemeral, so it cannot be public/),
    );
    // a version's own access: has no effect, as in dbt 1.10: a warning says so
    await withEdit(dir, finance, '      - v: 2\n', '      - v: 2\n        access: private\n', async () => {
      assert.equal(await p.strata('parse'), 0, p.output());
      assert.match(p.output(), /models\/finance\/_finance\.yml:37: the access of version 2 of model 'dim_accounts' is set with config: \{access: private\}; a version's own `access:` has no effect/);
      assert.equal((manifestOf(dir).nodes['model.groups.dim_accounts.v2'] as Node).access, 'public');
    });
  }));

test('dbt-core records groups and access and selects by them as Strata does', { skip: SKIP_WITHOUT_DBT, timeout: 240_000 }, () =>
  withFixtureProject('groups', 'GROUPS_DB', async ({ dir, strata, output }) => {
    const dbt = (...args: string[]) => dbtOk(dir, ...args);
    dbt('deps');
    dbt('parse');
    const theirs = manifestOf(dir);
    assert.equal(await strata('parse'), 0, output());
    const ours = manifestOf(dir);
    assert.deepEqual(ours.groups, theirs.groups);
    const map = (m: Manifest) => Object.fromEntries(Object.entries(m.group_map).map(([g, ids]) => [g, ids.map(stable).sort()]));
    assert.deepEqual(map(ours), map(theirs));
    const fields = (m: Manifest) =>
      Object.fromEntries(Object.values(m.nodes).map((n) => [stable(n.unique_id), [n.group, n.access ?? null, n.config.group ?? null, n.config.access ?? null]]));
    assert.deepEqual(fields(ours), fields(theirs));
    for (const sel of SELECTIONS) {
      assert.equal(await strata('-q', 'ls', '-s', sel), 0, output());
      assert.deepEqual(output().trim().split('\n').filter(Boolean).sort(), dbt('-q', 'ls', '-s', sel).trim().split('\n').filter(Boolean).sort(), `ls -s ${sel}`);
    }
    // the refs dbt refuses, Strata refuses
    const refuses = async (file: string, from: string, to: string, theirs: string) => {
      await withEdit(dir, file, from, to, async () => {
        const r = runDbt(dir, ['parse', '--no-partial-parse']);
        assert.notEqual(r.status, 0, r.stdout);
        assert.ok((r.stdout + r.stderr).includes(theirs), r.stdout + r.stderr);
        assert.equal(await strata('parse'), 2, output());
        assert.match(output(), /ref-not-allowed|refers to model/);
      });
    };
    await refuses('models/customers.sql', "ref('revenue')", "ref('ledger')", "which is not allowed because the referenced node is private to the 'finance' group");
    await refuses('models/marketing/_marketing.yml', "to: ref('revenue')", "to: ref('payments')", "which is not allowed because the referenced node is private to the 'finance' group");
    await refuses('models/marketing/campaigns.sql', "ref('billing', 'invoice_totals')", "ref('billing', 'invoices')", "which is not allowed because the referenced node is protected to the 'billing' package");
  }));
