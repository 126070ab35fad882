/**
 * The broken-project corpus, parse stage: every project marked `"stage": "parse"` fails to
 * parse with the expected error code, message, file and line, and the CLI exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseProject } from '../../src/parse/parser.js';
import { StrataError } from '../../src/errors.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'broken');

for (const name of readdirSync(ROOT).sort()) {
  const file = join(ROOT, name, 'expected.json');
  if (!existsSync(file)) continue;
  const expected = JSON.parse(readFileSync(file, 'utf8')) as { code: string; message: string; file: string; line: number; stage?: string };
  if (expected.stage !== 'parse') continue;
  test(`broken/${name}: ${expected.code}`, async () => {
    const dir = join(ROOT, name);
    let err: unknown;
    try {
      await parseProject({ projectDir: dir, cache: false, log: () => {} });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StrataError, `expected a StrataError, got ${String(err)}`);
    assert.equal(err.code, expected.code, err.message);
    assert.ok(err.message.replace(/\s/g, '').includes(expected.message.replace(/\s/g, '')), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(expected.message)}`);
    assert.equal(err.position?.file, expected.file);
    assert.equal(err.position?.line, expected.line);
  });
}
