/** Unit tests of the parser: precedence, statements, targets, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, Stmt } from '../../src/jinja/ast.js';
import { tokenize } from '../../src/jinja/lexer.js';
import { parse } from '../../src/jinja/parser.js';

const body = (src: string): Stmt[] => parse(tokenize(src, 't'), 't', src).body;
const expr = (src: string): Expr => (body(`{{ ${src} }}`)[0] as Stmt & { kind: 'print' }).expr;

/** A compact S-expression of an expression tree. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'const':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
    case 'binop':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'and':
    case 'or':
      return `(${e.kind} ${sx(e.left)} ${sx(e.right)})`;
    case 'unary':
      return `(${e.op} ${sx(e.node)})`;
    case 'filter':
      return `(|${e.name} ${e.node ? sx(e.node) : '_'}${e.args.map((a) => ' ' + sx(a)).join('')})`;
    case 'test':
      return `(is${e.negated ? '-not' : ''} ${e.name} ${sx(e.node)}${e.args.map((a) => ' ' + sx(a)).join('')})`;
    case 'compare':
      return `(cmp ${sx(e.expr)}${e.ops.map(([o, x]) => ` ${o} ${sx(x)}`).join('')})`;
    case 'getattr':
      return `(. ${sx(e.obj)} ${e.attr})`;
    case 'call':
      return `(call ${sx(e.callee)}${e.args.map((a) => ' ' + sx(a)).join('')}${e.kwargs.map(([k, v]) => ` ${k}=${sx(v)}`).join('')})`;
    case 'cond':
      return `(if ${sx(e.test)} ${sx(e.then)} ${e.else_ ? sx(e.else_) : '_'})`;
    case 'tuple':
      return `(tuple${e.items.map((a) => ' ' + sx(a)).join('')})`;
    default:
      return e.kind;
  }
}

test('operator precedence follows Jinja2', () => {
  assert.equal(sx(expr('1 + 2 * 3 ** 2')), '(+ 1 (* 2 (** 3 2)))');
  assert.equal(sx(expr('a ~ b + c')), '(+ (~ a b) c)');
  assert.equal(sx(expr('not a and b or c')), '(or (and (not a) b) c)');
  assert.equal(sx(expr('-x|abs')), '(|abs (- x))');
  assert.equal(sx(expr('a < b <= c')), '(cmp a lt b lteq c)');
  assert.equal(sx(expr('a not in b')), '(cmp a notin b)');
  assert.equal(sx(expr('x is not divisibleby 3')), '(is-not divisibleby x 3)');
  assert.equal(sx(expr('a if b else c if d')), '(if b a (if d c _))');
  assert.equal(sx(expr('f(1, k=2).g')), '(. (call f 1 k=2) g)');
  assert.equal(sx(expr('x|join(", ")|upper')), '(|upper (|join x ", "))');
  assert.equal(sx(expr('1, 2')), '(tuple 1 2)');
});

test('statements: for with else, filter and recursive; set forms; macro params', () => {
  const f = body('{% for k, v in d if v recursive %}x{% else %}y{% endfor %}')[0] as Stmt & { kind: 'for' };
  assert.equal(f.kind, 'for');
  assert.equal(f.target.kind, 'tuple');
  assert.ok(f.filter && f.recursive);
  assert.equal(f.else_.length, 1);
  assert.equal(body('{% set ns.x = 1 %}')[0]!.kind, 'set');
  assert.equal((body('{% set ns.x = 1 %}')[0] as Stmt & { kind: 'set' }).target.kind, 'nsref');
  assert.equal(body('{% set x | upper %}a{% endset %}')[0]!.kind, 'setblock');
  const m = body('{% macro m(a, b=1) %}{% endmacro %}')[0] as Stmt & { kind: 'macro' };
  assert.deepEqual(m.params.map((p) => [p.name, p.default !== null]), [['a', false], ['b', true]]);
});

test('elif chains nest as else branches', () => {
  const s = body('{% if a %}1{% elif b %}2{% else %}3{% endif %}')[0] as Stmt & { kind: 'if' };
  assert.equal(s.else_[0]!.kind, 'if');
});

test('macro-kind block tags parse as prefixed macros', () => {
  const src = '{% test nn(model) %}x{% endtest %}';
  const s = parse(tokenize(src, 't'), 't', src, { macroTags: new Map([['test', { prefix: 'test_', header: 'params' as const }]]) }).body[0] as Stmt & { kind: 'macro' };
  assert.equal(s.name, 'test_nn');
});

test("a materialization block is a macro without parameters named after its adapter", () => {
  const tags = new Map([['materialization', { prefix: 'materialization_', header: 'materialization' as const }]]);
  const first = (src: string) => parse(tokenize(src, 't'), 't', src, { macroTags: tags }).body[0] as Stmt & { kind: 'macro' };
  assert.equal(first('{% materialization grid, default %}x{% endmaterialization %}').name, 'materialization_grid_default');
  const m = first(`{% materialization grid, adapter='duckdb', supported_languages=['sql'] %}x{% endmaterialization %}`);
  assert.equal(m.name, 'materialization_grid_duckdb');
  assert.deepEqual(m.params, []);
  assert.throws(() => first('{% materialization grid %}x{% endmaterialization %}'), /needs default or adapter=/);
  assert.throws(() => first("{% materialization grid, engine='x' %}x{% endmaterialization %}"), /unexpected 'engine'/);
});

test('syntax errors say what was expected', () => {
  assert.throws(() => body('{% for x in %}'), /Expected an expression/);
  assert.throws(() => body('{% if x %}'), /looking for the following tags: 'elif' or 'else' or 'endif'/);
  assert.throws(() => body('{% continue %}'), /unknown tag 'continue'/);
  assert.throws(() => body('{{ f(**a, b) }}'), /invalid syntax for function call expression/);
});
