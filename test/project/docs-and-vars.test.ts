import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDocBlocks, makeVarScope, resolveVar, varsFor, hasVar } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';

test('docs blocks: names, trimmed contents, lines, whitespace control', () => {
  const blocks = scanDocBlocks('intro\n{% docs orders %}\nOne row per order.\n{% enddocs %}\n\n{%- docs status -%}\nA {{ jinja }} thing\n{%- enddocs -%}\n', 'models/docs.md', 'models/docs.md');
  assert.deepEqual(
    blocks.map((b) => [b.name, b.contents, b.line]),
    [
      ['orders', 'One row per order.', 2],
      ['status', 'A {{ jinja }} thing', 6],
    ],
  );
});

test('docs blocks: unclosed, nested and unnamed blocks are errors with a line', () => {
  const cases: [string, number, RegExp][] = [
    ['a\n{% docs x %}\ntext\n', 2, /never closed/],
    ['{% docs x %}\n{% docs y %}\n{% enddocs %}', 2, /cannot start inside/],
    ['\n\n{% docs %}x{% enddocs %}', 3, /needs a name/],
    ['text {% enddocs %}', 1, /without a matching/],
  ];
  for (const [src, line, re] of cases) {
    assert.throws(() => scanDocBlocks(src, 'd.md', 'd.md'), (e: unknown) => e instanceof StrataError && e.code === 'docs-syntax' && e.position?.line === line && re.test(e.message));
  }
});

test('vars: --vars over root scoped over root global over package scoped over package global', () => {
  const scope = makeVarScope({ cli_only: 'c', shared: 'cli' }, 'shop', [
    { name: 'shop', vars: { shared: 'root', root_only: 1, util: { scoped: 'root-for-util', shared2: 'root-scoped' }, shared2: 'root-global' } },
    { name: 'util', vars: { scoped: 'util-own', own: 'util', shared2: 'util', util: { own: 'util-scoped-self' }, nothing: null } },
  ]);
  assert.equal(resolveVar(scope, 'shop', 'shared'), 'cli');
  assert.equal(resolveVar(scope, 'shop', 'root_only'), 1);
  assert.equal(resolveVar(scope, 'shop', 'scoped'), undefined, 'vars scoped to util do not leak to the root');
  assert.equal(resolveVar(scope, 'util', 'scoped'), 'root-for-util');
  assert.equal(resolveVar(scope, 'util', 'shared2'), 'root-scoped');
  assert.equal(resolveVar(scope, 'util', 'own'), 'util-scoped-self');
  assert.equal(resolveVar(scope, 'util', 'root_only'), 1);
  assert.equal(resolveVar(scope, 'util', 'cli_only'), 'c');
  assert.equal(resolveVar(scope, 'shop', 'own'), undefined);
  assert.equal(hasVar(scope, 'util', 'nothing'), true);
  assert.equal(hasVar(scope, 'util', 'missing'), false);
  assert.equal(varsFor(scope, 'util')['shared2'], 'root-scoped');
});
