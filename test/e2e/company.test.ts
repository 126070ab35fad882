/**
 * A project shaped like a company's: seeds, layered staging / intermediate / marts models,
 * archives (snapshots) and several hundred data tests, built with `strata build`. Then a
 * bad row arrives in a seed: the tests that catch it fail, what is downstream of the
 * tested model is skipped, and everything else is built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

const DOMAINS = ['accounts', 'orders', 'payments', 'shipments', 'tickets', 'invoices'];
const STATUSES = ['new', 'active', 'closed'];

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** The project: per domain a seed, a staging view, an intermediate table and a mart, with tests on each. */
function company(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-company-'));
  write(dir, 'dbt_project.yml', `name: company\nversion: '1.0'\nconfig-version: 2\nprofile: company\nmodels:\n  company:\n    staging:\n      +materialized: view\n    intermediate:\n      +materialized: ephemeral\n    marts:\n      +materialized: table\n      +schema: marts\nseeds:\n  company:\n    +schema: raw\n`);
  write(dir, 'profiles.yml', `company:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/company.duckdb\n      threads: 4\n`);
  let staging = 'version: 2\nmodels:\n';
  let marts = 'version: 2\nmodels:\n';
  for (const [d, domain] of DOMAINS.entries()) {
    const rows = Array.from({ length: 40 }, (_v, i) => `${i + 1},${domain}_${i + 1},${STATUSES[i % 3]},${(i * 7) % 100},2024-0${(i % 9) + 1}-1${i % 10}`);
    write(dir, `seeds/raw_${domain}.csv`, `id,name,status,amount,created_at\n${rows.join('\n')}\n`);
    write(dir, `models/staging/stg_${domain}.sql`, `select id, name, status, amount, cast(created_at as date) as created_on\nfrom {{ ref('raw_${domain}') }}\n`);
    write(dir, `models/intermediate/int_${domain}_enriched.sql`, `select s.*, s.amount * 1.2 as amount_with_tax${d > 0 ? `, p.id is not null as has_parent` : ''}\nfrom {{ ref('stg_${domain}') }} s\n${d > 0 ? `left join {{ ref('stg_${DOMAINS[d - 1]}') }} p using (id)\n` : ''}`);
    write(dir, `models/marts/fct_${domain}.sql`, `select id, name, status, amount_with_tax, created_on from {{ ref('int_${domain}_enriched') }}\n`);
    write(dir, `models/marts/${domain}_by_status.sql`, `select status, count(*) as n, sum(amount_with_tax) as total from {{ ref('fct_${domain}') }} group by status\n`);
    write(dir, `snapshots/${domain}_history.sql`, `{% snapshot ${domain}_history %}\n{{ config(target_schema='archive', unique_key='id', strategy='check', check_cols=['status', 'amount']) }}\nselect * from {{ ref('stg_${domain}') }}\n{% endsnapshot %}\n`);
    const cols = ['id', 'name', 'status', 'amount', 'created_on'];
    staging += `  - name: stg_${domain}\n    columns:\n${cols.map((c) => `      - name: ${c}\n        tests:\n          - not_null\n${c === 'id' || c === 'name' ? '          - unique\n' : ''}${c === 'status' ? `          - accepted_values:\n              values: [${STATUSES.join(', ')}]\n` : ''}`).join('')}`;
    marts += `  - name: fct_${domain}\n    columns:\n${['id', 'name', 'status', 'amount_with_tax', 'created_on'].map((c) => `      - name: ${c}\n        tests:\n          - not_null\n${c === 'id' ? `          - unique\n          - relationships:\n              to: ref('stg_${domain}')\n              field: id\n` : ''}${c === 'status' ? `          - accepted_values:\n              values: [${STATUSES.join(', ')}]\n` : ''}`).join('')}`;
    marts += `  - name: ${domain}_by_status\n    columns:\n      - name: status\n        tests: [unique, not_null]\n      - name: n\n        tests: [not_null]\n`;
  }
  // Many more column tests, as real projects have: one not_null per (model, derived column).
  for (const domain of DOMAINS) {
    let extra = `version: 2\nmodels:\n  - name: ${domain}_wide\n    columns:\n`;
    const n = 40;
    write(dir, `models/marts/${domain}_wide.sql`, `select id, ${Array.from({ length: n }, (_v, i) => `amount + ${i} as c${i}`).join(', ')}\nfrom {{ ref('stg_${domain}') }}\n`);
    for (let i = 0; i < n; i++) extra += `      - name: c${i}\n        tests: [not_null]\n`;
    write(dir, `models/marts/_${domain}_wide.yml`, extra);
  }
  write(dir, 'models/staging/_staging.yml', staging);
  write(dir, 'models/marts/_marts.yml', marts);
  return dir;
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
  return { code, text: chunks.join('') };
}

test('a company-shaped project builds with hundreds of tests; a bad seed row fails its tests and skips what is downstream', { timeout: 180_000 }, async () => {
  const dir = company();
  const first = await cli(dir, 'build');
  assert.equal(first.code, 0, first.text.slice(-3000));
  let results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results as { unique_id: string; status: string }[];
  const count = (kind: string) => results.filter((r) => r.unique_id.startsWith(`${kind}.`)).length;
  assert.equal(count('seed'), DOMAINS.length);
  assert.equal(count('snapshot'), DOMAINS.length);
  assert.ok(count('test') >= 350, `${count('test')} tests`);
  assert.ok(results.every((r) => r.status === 'success' || r.status === 'pass'));

  // A status the tests do not accept arrives in one seed.
  const csv = join(dir, 'seeds', 'raw_orders.csv');
  writeFileSync(csv, readFileSync(csv, 'utf8') + '41,orders_41,lost,5,2024-01-01\n');
  const second = await cli(dir, 'build');
  assert.equal(second.code, 1);
  results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results;
  const status = (id: string) => results.find((r) => r.unique_id === id)?.status;
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.unique_id);
  assert.ok(failed.some((id) => id.startsWith('test.company.accepted_values_stg_orders_status')), failed.join(', '));
  assert.equal(status('model.company.fct_orders'), 'skipped', 'downstream of the failing test');
  assert.equal(status('model.company.orders_by_status'), 'skipped');
  assert.equal(status('model.company.fct_accounts'), 'success', 'other domains still build');
  assert.equal(status('model.company.orders_wide'), 'skipped');
  assert.match(second.text, /Failure in test accepted_values_stg_orders_status/);
});
