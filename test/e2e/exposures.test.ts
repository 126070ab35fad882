/**
 * Exposures (the jaffle fixture's weekly_revenue dashboard): an entry of manifest.json with what
 * it depends on, a node of the graph that `+exposure:…` selects upstream from, and a line of
 * `ls`. The last case compares the manifest entry and `ls` with dbt-core's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { SKIP_WITHOUT_DBT, dbtOk } from '../helpers/dbt.js';

const ROOT = join(import.meta.dirname, '..', '..');
const JAFFLE = join(ROOT, 'test', 'fixtures', 'projects', 'jaffle');

interface Exposure {
  unique_id: string;
  fqn: string[];
  type: string;
  label: string | null;
  maturity: string | null;
  url: string | null;
  owner: Record<string, unknown>;
  description: string;
  tags: string[];
  depends_on: { nodes: string[] };
  refs: unknown[];
  sources: unknown[];
}

async function withJaffle(fn: (dir: string, strata: (...args: string[]) => Promise<[number, string]>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-exposures-'));
  try {
    cpSync(JAFFLE, dir, { recursive: true });
    await fn(dir, async (...args) => {
      const out: string[] = [];
      const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
      const code = await main([...args, '--project-dir', dir, '--profiles-dir', dir, '--no-color'], { out: sink, err: sink });
      return [code, out.join('')];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean).sort();
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { exposures: Record<string, Exposure>; child_map: Record<string, string[]>; parent_map: Record<string, string[]> };

test('an exposure is in the manifest and the graph: +exposure:… builds what it reads', () =>
  withJaffle(async (dir, strata) => {
    let [code, out] = await strata('parse');
    assert.equal(code, 0, out);
    const m = manifestOf(dir);
    const e = m.exposures['exposure.jaffle.weekly_revenue']!;
    assert.ok(e, 'the exposure is in manifest.json');
    assert.deepEqual([e.fqn, e.type, e.label, e.maturity, e.url, e.owner], [['jaffle', 'marts', 'weekly_revenue'], 'dashboard', 'Weekly revenue', 'high', 'https://bi.example.com/dashboards/weekly-revenue', { name: 'Finance team', email: 'finance@example.com' }]);
    assert.deepEqual(e.depends_on.nodes.sort(), ['model.jaffle.order_payments_daily', 'model.jaffle.orders']);
    assert.deepEqual(m.parent_map['exposure.jaffle.weekly_revenue']!.sort(), ['model.jaffle.order_payments_daily', 'model.jaffle.orders']);
    assert.ok(m.child_map['model.jaffle.orders']!.includes('exposure.jaffle.weekly_revenue'));

    [code, out] = await strata('-q', 'ls', '--resource-type', 'exposure');
    assert.equal(code, 0, out);
    assert.deepEqual(lines(out), ['exposure:jaffle.weekly_revenue']);
    [code, out] = await strata('-q', 'ls', '-s', '+exposure:weekly_revenue', '--resource-type', 'model', '--output', 'name');
    assert.equal(code, 0, out);
    assert.ok(lines(out).includes('orders') && lines(out).includes('order_payments_daily') && lines(out).includes('stg_orders'), out);
    assert.ok(!lines(out).includes('customers'), 'customers is not upstream of the dashboard');

    [code, out] = await strata('seed');
    assert.equal(code, 0, out);
    [code, out] = await strata('run', '-s', '+exposure:weekly_revenue');
    assert.equal(code, 0, out);
    assert.match(out, /sql \w+ model \w+\.orders /);
    assert.doesNotMatch(out, /exposure/, 'nothing is built for the exposure itself');

    // a dependency that names nothing is an error at the exposure
    const file = join(dir, 'models', 'marts', '_exposures.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("ref('orders')", "ref('ordres')"));
    [code, out] = await strata('parse');
    assert.equal(code, 2);
    assert.match(out, /_exposures\.yml:11/);
    assert.match(out, /exposure 'weekly_revenue' depends on 'ordres', which was not found/);
    assert.match(out, /did you mean ref\('orders'\)/);
  }));

test('dbt-core records and lists the exposure as Strata does', { skip: SKIP_WITHOUT_DBT, timeout: 240_000 }, () =>
  withJaffle(async (dir, strata) => {
    const dbt = (...args: string[]) => dbtOk(dir, ...args);
    dbt('deps');
    dbt('parse');
    const theirs = manifestOf(dir).exposures['exposure.jaffle.weekly_revenue']!;
    const [code, out] = await strata('parse');
    assert.equal(code, 0, out);
    const ours = manifestOf(dir).exposures['exposure.jaffle.weekly_revenue']!;
    const keys = ['unique_id', 'fqn', 'type', 'label', 'maturity', 'url', 'owner', 'description', 'tags', 'refs', 'sources'] as const;
    for (const k of keys) assert.deepEqual(ours[k], theirs[k], k);
    assert.deepEqual(ours.depends_on.nodes.sort(), theirs.depends_on.nodes.sort());
    for (const sel of ['+exposure:weekly_revenue', 'exposure:*', 'orders+']) {
      for (const output of ['selector', 'name', 'path']) {
        const [c, mine] = await strata('-q', 'ls', '-s', sel, '--output', output);
        assert.equal(c, 0, mine);
        assert.deepEqual(lines(mine), lines(dbt('-q', 'ls', '-s', sel, '--output', output)), `ls -s ${sel} --output ${output}`);
      }
    }
  }));
