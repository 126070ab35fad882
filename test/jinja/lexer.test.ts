/** Unit tests of the lexer: tokens, positions, whitespace control, raw, captures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeString, tokenize } from '../../src/jinja/lexer.js';
import { TemplateSyntaxError } from '../../src/jinja/errors.js';

const kinds = (src: string, opts = {}) => tokenize(src, 't', opts).map((t) => (t.type === 'data' || t.type === 'op' || t.type === 'name' ? `${t.type}:${t.value}` : t.type));

test('splits data, print and block tags into tokens', () => {
  assert.deepEqual(kinds('a{{ x + 1 }}{% if y %}b'), [
    'data:a', 'variable_begin', 'name:x', 'op:+', 'int', 'variable_end', 'block_begin', 'name:if', 'name:y', 'block_end', 'data:b', 'eof',
  ]);
});

test('numbers, strings and operators', () => {
  const toks = tokenize('{{ 1_000 1.5e3 0x1F "a\\nb" \'c\' // ** != }}', 't');
  assert.deepEqual(toks.slice(1, -2).map((t) => [t.type, t.num ?? t.value]), [
    ['int', 1000], ['float', 1500], ['int', 31], ['string', 'a\nb'], ['string', 'c'], ['op', '//'], ['op', '**'], ['op', '!='],
  ]);
});

test('nested braces do not end a print tag', () => {
  assert.deepEqual(kinds('{{ {"a": {"b": 1}} }}').filter((k) => k.startsWith('op')), ['op:{', 'op::', 'op:{', 'op::', 'op:}', 'op:}']);
});

test('positions are 1-based lines and columns', () => {
  const t = tokenize('ab\n  {{ x }}', 't').find((x) => x.type === 'name')!;
  assert.deepEqual([t.line, t.column], [2, 6]);
  const o = tokenize('ab\n{{ x }}', 't', { lineOffset: 4, columnOffset: 10 }).find((x) => x.type === 'name')!;
  assert.deepEqual([o.line, o.column], [6, 4]);
});

test('whitespace control: - strips, trim_blocks and lstrip_blocks', () => {
  assert.deepEqual(kinds('a \n {{- x -}} \n b').filter((k) => k.startsWith('data')), ['data:a', 'data:b']);
  assert.deepEqual(kinds('{% if x %}\nA').filter((k) => k.startsWith('data')), ['data:\nA']);
  assert.deepEqual(kinds('{% if x %}\nA', { trimBlocks: true }).filter((k) => k.startsWith('data')), ['data:A']);
  assert.deepEqual(kinds('x\n   {% if x %}', { lstripBlocks: true }).filter((k) => k.startsWith('data')), ['data:x\n']);
  assert.deepEqual(kinds('x\n   {%+ if x %}', { lstripBlocks: true }).filter((k) => k.startsWith('data')), ['data:x\n   ']);
});

test('one trailing newline is removed unless keepTrailingNewline', () => {
  assert.deepEqual(kinds('a\n'), ['data:a', 'eof']);
  assert.deepEqual(kinds('a\n', { keepTrailingNewline: true }), ['data:a\n', 'eof']);
  assert.deepEqual(kinds('a\r\nb'), ['data:a\nb', 'eof']);
});

test('raw blocks and comments', () => {
  assert.deepEqual(kinds('{% raw %}{{ x }}{% endraw %}{# c #}y'), ['data:{{ x }}', 'data:y', 'eof']);
});

test('capture tags keep their body raw with its position', () => {
  const toks = tokenize('{% docs d %}{{ x }}{% enddocs %}z', 't', { captureTags: new Set(['docs']) });
  assert.equal(toks[0]!.type, 'capture');
  assert.equal((toks[0] as unknown as { source: string }).source, '{{ x }}');
  assert.equal(toks[1]!.value, 'z');
});

test('unterminated constructs are syntax errors with positions', () => {
  assert.throws(() => tokenize('{{ x', 't'), (e: unknown) => e instanceof TemplateSyntaxError && e.column === 5);
  assert.throws(() => tokenize('a {# b', 't'), (e: unknown) => e instanceof TemplateSyntaxError && e.column === 3);
  assert.throws(() => tokenize('{{ "abc }}', 't'), /unexpected end of string/);
});

test('string escapes decode like Python', () => {
  assert.equal(decodeString('a\\tb\\x41\\u00e9\\\\\\q'), 'a\tbAé\\\\q');
});
