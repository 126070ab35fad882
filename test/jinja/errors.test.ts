/**
 * The error corpus: broken templates, each with the message (Jinja2's wording where it
 * has one), line and column the engine reports, plus macro call chains.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment, TemplateError, TemplateSyntaxError } from '../../src/jinja/index.js';
import { formatError } from '../../src/errors.js';

const lib: Record<string, string> = {
  'lib.sql': '{% macro boom(x) %}\n  {{ x.missing.deeper }}\n{% endmacro %}',
};
const env = new Environment({ loader: { load: (n) => (n in lib ? { source: lib[n]!, filename: n } : null) } });
const context = { n: 1, d: { a: 1 }, items: [1, 2] };

/** [template, message, line, column] */
const CASES: Array<[string, string, number, number]> = [
  ["{{ x ", "unexpected end of template, expected 'end of print statement'.", 1, 6],
  ["{% if x %}", "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.", 1, 11],
  ["{% for x in y %}{% endif %}", "Encountered unknown tag 'endif'. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.", 1, 20],
  ["{% endfor %}", "Encountered unknown tag 'endfor'.", 1, 4],
  ["{{ 1 + }}", "Expected an expression, got 'end of print statement'", 1, 8],
  ["{{ (1 }}", "unexpected '}'", 1, 8],
  ["{% macro m( %}", "unexpected end of template, expected 'end of statement block'.", 1, 15],
  ["{% set %}", "Expected an expression, got 'end of statement block'", 1, 8],
  ["{{ x|nofilter }}", "No filter named 'nofilter'.", 1, 4],
  ["{{ x is notest }}", "No test named 'notest'.", 1, 4],
  ["{% unknown %}", "Encountered unknown tag 'unknown'.", 1, 4],
  ["{# abc", "missing end of comment tag", 1, 1],
  ["{{ \"abc }}", "unexpected end of string", 1, 4],
  ["{% for %}", "Expected an expression, got 'end of statement block'", 1, 8],
  ["{% break %}", "Encountered unknown tag 'break'.", 1, 4],
  ["{% include %}", "Expected an expression, got 'end of statement block'", 1, 12],
  ["{{ [1, 2 }}", "unexpected '}'", 1, 11],
  ["{% set 1 = 2 %}", "can't assign to 'integer'", 1, 8],
  ["line1\nline2 {{ 1 +* 2 }}", "unexpected '*'", 2, 13],
  ["a\nb\n{% if %}", "Expected an expression, got 'end of statement block'", 3, 7],
  ["{% for x in items %}\n{% endfor", "unexpected end of template, expected 'end of statement block'.", 2, 10],
  ["{% raw %}never closed", "Missing end of raw directive", 1, 1],
  ["{{ a.b. }}", "expected name or number", 1, 9],
  ["{{ f(a=1, 2) }}", "invalid syntax for function call expression", 1, 11],
  ["{% macro m(a=1, b) %}{% endmacro %}", "non-default argument follows default argument", 1, 17],
  ["{% from 'x' import _p %}", "names starting with an underline can not be imported", 1, 20],
  ["{% import 'x' %}", "expected token 'as', got 'end of statement block'", 1, 15],
  ["{{ 1 if }}", "Expected an expression, got 'end of print statement'", 1, 9],
  ["{% with a %}{% endwith %}", "expected token '=', got 'end of statement block'", 1, 11],
  ["{% filter %}x{% endfilter %}", "expected token 'name', got 'end of statement block'", 1, 11],
  ["{% call m %}{% endcall %}", "expected call", 1, 9],
  ["{% set x = 1 %}\n\n   {{ x | }}", "expected token 'name', got 'end of print statement'", 3, 11],
  ["{% if true %}\n{% else %}\n{% else %}\n{% endif %}", "Encountered unknown tag 'else'. Jinja was looking for the following tags: 'endif'. The innermost block that needs to be closed is 'if'.", 3, 4],
  ["{{ 'a' 'b' ) }}", "unexpected ')'", 1, 12],
  ["{% block %}{% endblock %}", "expected token 'name', got 'end of statement block'", 1, 10],
  ["{{ x is }}", "expected token 'name', got 'end of print statement'", 1, 9],
  ["{% macro %}{% endmacro %}", "expected token 'name', got 'end of statement block'", 1, 10],
  ["{{ missing.attr }}", "'missing' is undefined", 1, 4],
  ["line one\n  {{ missing() }}", "'missing' is undefined", 2, 6],
  ["{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'", 1, 6],
  ["\n\n{{ 'a' < 1 }}", "'<' not supported between instances of 'str' and 'int'", 3, 4],
  ["{{ 10 / 0 }}", "division by zero", 1, 7],
  ["{% macro m(a) %}{% endmacro %}\n{{ m(1, 2) }}", "macro 'm' takes not more than 1 argument(s)", 2, 4],
  ["{% macro m() %}{% endmacro %}{{ m(x=1) }}", "macro 'm' takes no keyword argument 'x'", 1, 33],
  ["{{ [].nope() }}", "'list object' has no attribute 'nope'", 1, 4],
  ["{% for x in n %}{% endfor %}", "'int' object is not iterable", 1, 13],
  ["{% set a, b = [1] %}", "not enough values to unpack (expected 2, got 1)", 1, 1],
  ["{% set ns = 1 %}{% set ns.x = 2 %}", "cannot assign attribute on non-namespace object", 1, 17],
  ["{{ '%d' % 'x' }}", "%d format: a real number is required, not str", 1, 9],
  ["{{ items.pop(5) }}", "pop index out of range", 1, 4],
  ["{{ 'a'.index('z') }}", "substring not found", 1, 4],
  ["{{ d.a.b.c }}", "'int object' has no attribute 'b'", 1, 4],
  ["{% include 'nothere.sql' %}", "template 'nothere.sql' not found", 1, 1],
  ["{% import 'nothere.sql' as m %}", "template 'nothere.sql' not found", 1, 1],
  ["{% from 'lib.sql' import boom %}\nselect\n  {{ boom(d) }}", "'dict object' has no attribute 'missing'", 2, 6],
  ["{% macro inner() %}\n{{ 1 // 0 }}\n{% endmacro %}\n{% macro outer() %}{{ inner() }}{% endmacro %}\n{{ outer() }}", "integer division or modulo by zero", 2, 6],
  ["{{ n() }}", "'int' object is not callable", 1, 4],
  ["{{ -'a' }}", "bad operand type for unary -: 'str'", 1, 4],
  ["{{ 'x' in 1 }}", "argument of type 'int' is not iterable", 1, 4],
  ["{{ range(1, 2, 0) }}", "range() arg 3 must not be zero", 1, 4],
  ["{{ d|items|first|attr('x')|upper }}{{ none.x.y }}", "'None' has no attribute 'x'", 1, 39],
];

async function failure(src: string): Promise<TemplateError> {
  try {
    await env.compile(src, 'm.sql').render(structuredClone(context));
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw new Error(`not a TemplateError: ${String(e)}`);
  }
  throw new Error(`no error for ${JSON.stringify(src)}`);
}

test('the error corpus has at least 50 templates', () => {
  assert.ok(CASES.length >= 50);
});

for (const [src, message, line, column] of CASES) {
  test(`error: ${JSON.stringify(src).slice(0, 70)}`, async () => {
    const e = await failure(src);
    assert.equal(e.message, message);
    assert.deepEqual([e.line, e.column], [line, column]);
    assert.ok(e.frame?.includes('^'), 'has a code frame with a caret');
  });
}

test('syntax errors are TemplateSyntaxError with code jinja-syntax, thrown by compile', () => {
  assert.throws(() => env.compile('{% if %}', 'x.sql'), (e: unknown) => {
    assert.ok(e instanceof TemplateSyntaxError);
    assert.equal(e.code, 'jinja-syntax');
    assert.equal(e.templateName, 'x.sql');
    assert.equal(e.location, 'x.sql:1:7');
    return true;
  });
});

test('runtime errors carry code jinja-runtime and the Python error as cause', async () => {
  const e = await failure('{{ 1 / 0 }}');
  assert.equal(e.code, 'jinja-runtime');
  assert.ok(e.cause instanceof Error);
  assert.equal((e.cause as Error).name, 'ZeroDivisionError');
});

test('an error inside an imported macro names the macro file and the call chain', async () => {
  const e = await failure("{% from 'lib.sql' import boom %}\nselect\n  {{ boom(d) }}");
  assert.equal(e.templateName, 'lib.sql');
  assert.deepEqual([e.line, e.column], [2, 6]);
  assert.deepEqual(e.macroStack, ['m.sql:3:6', 'in macro boom at lib.sql:2:6']);
  assert.deepEqual(e.trace, ['m.sql:3:6, in macro boom at lib.sql:2:6']);
  const text = formatError(e);
  assert.match(text, /^lib\.sql:2:6: 'dict object' has no attribute 'missing'/);
  assert.match(text, /> 2 \|   \{\{ x\.missing\.deeper \}\}/);
});

test('nested macro calls are listed outermost first', async () => {
  const e = await failure(
    '{% macro inner() %}\n{{ 1 // 0 }}\n{% endmacro %}\n{% macro outer() %}{{ inner() }}{% endmacro %}\n{{ outer() }}',
  );
  assert.deepEqual(e.macroStack, ['m.sql:5:4', 'in macro outer at m.sql:4:23', 'in macro inner at m.sql:2:6']);
});

test('an error inside an included template lists the include site', async () => {
  const e2 = new Environment({ loader: { load: (n) => (n === 'part.sql' ? { source: 'ok\n{{ 1 + none }}' } : null) } });
  await assert.rejects(e2.compile('a\n  {% include "part.sql" %}', 'main.sql').render(), (e: unknown) => {
    assert.ok(e instanceof TemplateError);
    assert.equal(e.location, 'part.sql:2:6');
    assert.deepEqual(e.macroStack, ['main.sql:2:3', 'in template part.sql at part.sql:2:6']);
    return true;
  });
});

test('errors outside macros have an empty macro stack', async () => {
  const e = await failure('{{ missing.x }}');
  assert.deepEqual(e.macroStack, []);
  assert.deepEqual(e.trace, []);
});

test('lineOffset and columnOffset shift reported positions', () => {
  assert.throws(
    () => env.compile('ok\n{{ 1 + }}', 'snap.sql', { lineOffset: 10, columnOffset: 5 }),
    (e: unknown) => e instanceof TemplateSyntaxError && e.line === 12 && e.column === 8,
  );
  assert.throws(
    () => env.compile('{{ 1 + }}', 'snap2.sql', { lineOffset: 3, columnOffset: 5 }),
    (e: unknown) => e instanceof TemplateSyntaxError && e.line === 4 && e.column === 13,
  );
});
