/**
 * `strata demo` end to end on a small sample: generates Profiles Sync data, builds and tests
 * the example project with the shipped profiles_sync package, and prints the summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demo } from '../../src/cli/demo.js';

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
  assert.match(text, /Completed successfully/);
});
