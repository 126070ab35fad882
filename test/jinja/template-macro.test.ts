/**
 * `Template.macro(name, ctx, { alone: true })`: a macro bound without the other macros of its
 * template, as dbt compiles each macro of a file on its own; its names come from the context.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment, TemplateError } from '../../src/jinja/index.js';

const SRC = '{% macro helper(x) %}({{ x }}){% endmacro %}{% macro main(x) %}{{ helper(x) }}{% endmacro %}';

test('a macro bound alone finds its siblings in the context only', async () => {
  const t = new Environment().compile(SRC, 'macros.sql');
  assert.equal(await t.macro('main', {}).call(['a']), '(a)', 'bound with its template, the sibling is visible');
  assert.equal(await t.macro('main', { helper: (x: string) => `<${x}>` }).call(['a']), '(a)', "the template's sibling comes first");
  assert.equal(await t.macro('main', { helper: (x: string) => `<${x}>` }, { alone: true }).call(['a']), '<a>');
  await assert.rejects(t.macro('main', {}, { alone: true }).call(['a']), (e: unknown) => e instanceof TemplateError && /'helper' is undefined/.test(e.message));
  assert.throws(() => t.macro('nope', {}, { alone: true }), TemplateError);
});
