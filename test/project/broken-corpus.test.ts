import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProject } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';
import { regexRender } from './helpers.js';

/** What a broken project must report: see test/fixtures/broken/<case>/expected.json. */
interface Expected {
  code: string;
  message: string;
  file: string;
  line: number;
  /** `parse`: only the parse stage (rendering) can find it; the loader must accept the project. */
  stage?: string;
}

const CORPUS = resolve(import.meta.dirname, '..', 'fixtures', 'broken');
const REPO = resolve(import.meta.dirname, '..', '..');
const cases = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const home = mkdtempSync(join(tmpdir(), 'strata-broken-home-'));
const env = { HOME: home };

test('the corpus has at least 30 broken projects', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
});

for (const name of cases) {
  const expected = JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected;
  const options = { projectDir: join(CORPUS, name), strataRoot: REPO, env, render: regexRender(env) };
  if (expected.stage === 'parse') {
    test(`${name}: the loader accepts it (the parse stage reports ${expected.code})`, async () => {
      await loadProject(options);
    });
    continue;
  }
  test(`${name}: ${expected.code} at ${expected.file}:${expected.line}`, async () => {
    await assert.rejects(loadProject(options), (e: unknown) => {
      assert.ok(e instanceof StrataError, `not a StrataError: ${String(e)}`);
      assert.equal(e.code, expected.code, e.message);
      assert.ok(e.message.includes(expected.message), `"${e.message}" should include "${expected.message}"`);
      assert.equal(e.position?.file, expected.file);
      assert.equal(e.position?.line, expected.line, e.message);
      return true;
    });
  });
}

test.after(() => rmSync(home, { recursive: true, force: true }));
