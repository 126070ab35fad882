/**
 * `strata demo` end to end on a small sample: generates Profiles Sync data, builds and tests
 * the example project with the shipped profiles_sync package, and prints the summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { demo } from '../../src/cli/demo.js';
import { main } from '../../src/cli/main.js';

test('strata demo builds and tests the example project on generated data', { timeout: 180_000 }, async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'strata-demo-'));
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await demo({ people: 300, days: 10, cwd, color: false });
  } finally {
    process.stdout.write = write;
  }
  const text = lines.join('');
  assert.equal(code, 0, text);
  assert.ok(existsSync(join(cwd, 'target', 'demo.duckdb')));
  const profiles = Number(/profiles:\s+(\d+)/.exec(text)?.[1]);
  const tests = Number(/data tests passed:\s+(\d+)/.exec(text)?.[1]);
  assert.ok(profiles > 100, text);
  assert.ok(tests >= 10, text);
  // The generator's eight traits (city, company, email, is_subscribed, lifetime_value, logins, name, plan).
  assert.equal(Number(/trait columns:\s+(\d+)/.exec(text)?.[1]), 8, text);
  // The generator's test accounts and shared devices show up in the identity-health models.
  const health = /identity health:\s+(\d+) profiles with unusually many identifiers, (\d+) identifiers claimed by several profiles/.exec(text);
  assert.ok(health && Number(health[1]) > 0 && Number(health[2]) > 0, text);
  assert.match(text, /Completed successfully/);

  // The command the summary prints to query a model works as printed (its paths are relative to the current folder).
  const show = /Query a model: +\S+ (show .*)$/m.exec(text)?.[1];
  assert.ok(show, text);
  delete process.env.STRATA_DEMO_DB; // set by the demo for its own build
  const out: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
  assert.equal(await main([...show.split(' '), '--no-color'], { out: sink, err: sink }), 0, out.join(''));
  assert.match(out.join(''), /canonical_segment_id/);
});
