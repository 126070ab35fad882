import { test } from 'node:test';
import assert from 'node:assert/strict';
import { YamlFile } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';

function yamlError(source: string): StrataError {
  try {
    new YamlFile('models/schema.yml', source);
  } catch (e) {
    assert.ok(e instanceof StrataError);
    return e;
  }
  assert.fail('expected a YAML error');
}

test('syntax errors carry file, line, column and a code frame', () => {
  const e = yamlError('models:\n  - name: a\n    description: "unterminated\n  - name: b\n');
  assert.equal(e.code, 'yaml-syntax');
  assert.equal(e.position?.file, 'models/schema.yml');
  assert.equal(e.position?.line, 3);
  assert.ok(e.position?.column !== undefined && e.position.column > 1);
  assert.match(e.frame ?? '', />\s+3 \|/);
});

test('bad indentation and duplicate keys are reported where they are', () => {
  const dup = yamlError('models:\n  - name: a\n    name: b\n');
  assert.equal(dup.position?.line, 3);
  assert.match(dup.message, /unique/i);
  const tab = yamlError('models:\n\t- name: a\n');
  assert.equal(tab.position?.line, 2);
});

test('values keep positions of objects, keys and list items', () => {
  const y = new YamlFile('f.yml', 'models:\n  - name: a\n    columns:\n      - name: id\n');
  const doc = y.value as { models: { name: string; columns: { name: string }[] }[] };
  assert.equal(y.posOf(doc.models, 0).line, 2);
  assert.equal(y.posOf(doc.models[0]!, 'columns').line, 3);
  assert.deepEqual(y.posOf(doc.models[0]!.columns, 0), { file: 'f.yml', line: 4, column: 9 });
});

test('aliases and merge keys resolve like PyYAML', () => {
  const y = new YamlFile('f.yml', 'base: &b {materialized: view, tags: [x]}\nmodel:\n  <<: *b\n  tags: [y]\n');
  assert.deepEqual((y.value as Record<string, unknown>)['model'], { materialized: 'view', tags: ['y'] });
});

test('templated strings are rendered in order unless the filter keeps them raw', async () => {
  const y = new YamlFile('f.yml', "a: \"{{ env_var('A') }}\"\nhooks: ['{{ keep }}']\nb: plain\n", (path) => path[0] !== 'hooks');
  const seen: number[] = [];
  await y.render(async (text, where) => {
    seen.push(where.line);
    return text === "{{ env_var('A') }}" ? 42 : 'other';
  }, 'project');
  assert.deepEqual(y.value, { a: 42, hooks: ['{{ keep }}'], b: 'plain' });
  assert.deepEqual(seen, [1]);
});

test('a render failure without a position gets the value position', async () => {
  const y = new YamlFile('f.yml', 'a: 1\nb: "{{ boom }}"\n');
  await assert.rejects(
    y.render(async () => {
      throw new Error('boom is undefined');
    }, 'properties'),
    (e: unknown) => e instanceof StrataError && e.position?.line === 2 && /boom is undefined/.test(e.message),
  );
});
