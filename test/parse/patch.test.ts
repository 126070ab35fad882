/**
 * `strata parse` after an edit of a model's SQL: when the model asks for the same refs,
 * sources, config and macros as before, its manifest entry is patched in place (see
 * src/parse/patch.ts); otherwise the full parse runs. Either way the manifest must equal,
 * apart from time stamps, ids and the whitespace after entries, what a parse from scratch writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { FINGERPRINT_FILE } from '../../src/parse/fingerprint.js';
import { PATCH_FILE } from '../../src/parse/patch.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');

type How = 'current' | 'patched' | 'parsed';

async function parse(dir: string, ...args: string[]): Promise<{ code: number; text: string; how: How }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['parse', '--project-dir', dir, '--profiles-dir', dir, '--no-color', ...args], { out: sink, err: sink });
  const text = chunks.join('');
  const how: How = text.includes('Nothing changed since the last parse') ? 'current' : text.includes('patched target') ? 'patched' : 'parsed';
  return { code, text, how };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-patch-'));
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  return dir;
}

/** The manifest with what differs between any two parses (ids, times) taken out. */
function stable(dir: string): unknown {
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
  delete m.metadata;
  for (const section of ['nodes', 'sources', 'macros', 'exposures', 'unit_tests']) {
    for (const e of Object.values(m[section] ?? {})) {
      delete e.created_at;
      delete e.root_path; // a seed's absolute folder: the fresh parse runs in a copy
    }
  }
  return m;
}

/** What a parse from scratch of the same files writes. */
async function fresh(dir: string): Promise<unknown> {
  const copy = mkdtempSync(join(tmpdir(), 'strata-patch-fresh-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'target'), { recursive: true, force: true });
  const r = await parse(copy, '--no-partial-parse');
  assert.equal(r.code, 0, r.text);
  return stable(copy);
}

function edit(dir: string, rel: string, change: (text: string) => string): void {
  const file = join(dir, rel);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

test('an edit that keeps refs and config patches the manifest, which equals a fresh parse', async () => {
  const dir = project();
  assert.equal((await parse(dir)).how, 'parsed');
  edit(dir, 'models/marts/orders.sql', (t) => t.replace(/select/i, '-- a comment with "quotes", ünïcödé and \\ backslashes\nselect'));
  const r = await parse(dir);
  assert.equal(r.code, 0, r.text);
  assert.equal(r.how, 'patched', r.text);
  assert.match(r.text, /Found .*8 models/);
  assert.match(r.text, /1 rendered/);
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
  assert.match(m.nodes['model.jaffle.orders'].raw_code, /ünïcödé/);
  assert.deepEqual(stable(dir), await fresh(dir));
  // The fingerprint now describes the patched files: nothing changed since.
  assert.equal((await parse(dir)).how, 'current');

  // Two files at once, one shorter and one longer than before (entries after them move).
  edit(dir, 'models/staging/stg_customers.sql', (t) => t + '\n-- longer now\n');
  edit(dir, 'models/marts/customers.sql', (t) => t.replace(/\n\s*\n/g, '\n'));
  const two = await parse(dir);
  assert.equal(two.how, 'patched', two.text);
  assert.match(two.text, /2 rendered/);
  assert.deepEqual(stable(dir), await fresh(dir));
  // And again on the patched file (its ranges were moved correctly).
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n-- once more\n');
  assert.equal((await parse(dir)).how, 'patched');
  assert.deepEqual(stable(dir), await fresh(dir));
});

test('an entry is rewritten within its room when it fits; the rest of the file moves only when one does not', async () => {
  const dir = project();
  await parse(dir);
  const file = join(dir, 'target', 'manifest.json');
  const size = () => statSync(file).size;
  const first = size();
  // A few bytes more fit in the room the parse left after the entry: nothing else moves.
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n-- a little longer\n');
  assert.equal((await parse(dir)).how, 'patched');
  assert.equal(size(), first);
  assert.deepEqual(stable(dir), await fresh(dir));
  // 2 kB more do not: the file grows and what follows the entry moves; a small edit of
  // another model in the same patch lands in its own room, wherever it now is.
  edit(dir, 'models/staging/stg_orders.sql', (t) => t + `\n-- ${'x'.repeat(2000)}\n`);
  edit(dir, 'models/marts/customers.sql', (t) => t + '\n-- small\n');
  assert.equal((await parse(dir)).how, 'patched');
  const grown = size();
  assert.ok(grown > first + 2000, `${grown} vs ${first}`);
  assert.deepEqual(stable(dir), await fresh(dir));
  // Back to the short text: it fits, so the file keeps its size; and the ranges still
  // point at the right bytes for the next patch.
  edit(dir, 'models/staging/stg_orders.sql', (t) => t.replace(/\n-- x+\n$/, ''));
  assert.equal((await parse(dir)).how, 'patched');
  assert.equal(size(), grown);
  assert.deepEqual(stable(dir), await fresh(dir));
  edit(dir, 'models/marts/customers.sql', (t) => t + '\n-- and again\n');
  assert.equal((await parse(dir)).how, 'patched');
  assert.deepEqual(stable(dir), await fresh(dir));
  assert.equal((await parse(dir)).how, 'current');
});

test('a patched model that calls a package macro dispatched to the project renders it (macro files compile when called)', async () => {
  const dir = project();
  await parse(dir);
  edit(dir, 'models/staging/stg_payments.sql', (t) => t.replace(/as amount,/, 'as amount, -- from cents\n'));
  const r = await parse(dir);
  assert.equal(r.how, 'patched', r.text);
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
  // as dbt: the macro the model calls, not the implementation it dispatches to
  assert.deepEqual(m.nodes['model.jaffle.stg_payments'].depends_on.macros, ['macro.util_pkg.cents_to_dollars']);
  assert.deepEqual(stable(dir), await fresh(dir));
});

test('an edit that changes refs, config or YAML takes the full parse', async () => {
  const dir = project();
  await parse(dir);
  // A new ref: the graph changes.
  edit(dir, 'models/marts/customers.sql', (t) => t + "\n-- {{ ref('stg_payments') }}\n");
  let r = await parse(dir);
  assert.equal(r.how, 'parsed', r.text);
  assert.deepEqual(stable(dir), await fresh(dir));
  // A config() call: the node's config changes.
  edit(dir, 'models/marts/orders.sql', (t) => `{{ config(tags=['patched']) }}\n${t}`);
  r = await parse(dir);
  assert.equal(r.how, 'parsed', r.text);
  assert.deepEqual(stable(dir), await fresh(dir));
  // A property file.
  edit(dir, 'models/marts/_marts.yml', (t) => t.replace(/description: /, 'description: Changed. '));
  r = await parse(dir);
  assert.equal(r.how, 'parsed', r.text);
  assert.deepEqual(stable(dir), await fresh(dir));
});

test('a template error in the edited model is reported by the full parse, with its line, and nothing is written', async () => {
  const dir = project();
  await parse(dir);
  const before = readFileSync(join(dir, 'target', 'manifest.json'), 'utf8');
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n{{ oops( }}\n');
  const r = await parse(dir);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /orders\.sql:\d+/);
  assert.equal(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'), before);
});

test('a patch index that is missing, from another parse, or pointing at the wrong bytes is not trusted', async () => {
  const dir = project();
  await parse(dir);
  const index = join(dir, 'target', PATCH_FILE);

  rmSync(index);
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n-- 1\n');
  assert.equal((await parse(dir)).how, 'parsed');
  assert.deepEqual(stable(dir), await fresh(dir));

  // An index whose token is not the fingerprint's.
  writeFileSync(index, readFileSync(index, 'utf8').replace(/"token":"[^"]+"/, '"token":"another"'));
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n-- 2\n');
  assert.equal((await parse(dir)).how, 'parsed');
  assert.deepEqual(stable(dir), await fresh(dir));

  // Ranges that no longer point at the node (a manifest rewritten by something else, same size).
  const fpFile = join(dir, 'target', FINGERPRINT_FILE);
  const fp = JSON.parse(readFileSync(fpFile, 'utf8')) as { patch: { ranges: number[] } };
  fp.patch.ranges = fp.patch.ranges.map((n) => n + 7);
  writeFileSync(fpFile, JSON.stringify(fp));
  edit(dir, 'models/marts/orders.sql', (t) => t + '\n-- 3\n');
  assert.equal((await parse(dir)).how, 'parsed');
  assert.deepEqual(stable(dir), await fresh(dir));
});
