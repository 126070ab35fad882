/**
 * The parser: tokens → syntax tree, following Jinja2's grammar and operator precedence
 * (`or` < `and` < `not` < comparisons < `+ -` < `~` < `* / // %` < `**` < unary < postfix,
 * with filters and tests binding to the unary operand).
 */
import type { CallArgs, Expr, Param, Pos, Stmt, Target, TemplateNode } from './ast.js';
import { TemplateSyntaxError } from './errors.js';
import type { CaptureToken } from './lexer.js';
import { describeToken, type Token } from './tokens.js';
import { makeFloat } from './values.js';

/** A block tag that defines a macro: its name's prefix, and how its header is written. */
export interface MacroTag {
  prefix: string;
  /** `params`: `{% test name(a, b=1) %}`; `materialization`: `{% materialization name, adapter='x' %}`. */
  header: 'params' | 'materialization';
}

/** Parser options: the macro-kind block tags. */
export interface ParserOptions {
  macroTags?: ReadonlyMap<string, MacroTag>;
}

const COMPARE_OPS: Record<string, string> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'lteq', '>': 'gt', '>=': 'gteq' };

/** Parse a token list into a template tree. */
export function parse(tokens: Token[], name: string, source: string, options: ParserOptions = {}): TemplateNode {
  return new Parser(tokens, name, source, options).parseTemplate();
}

class Parser {
  private i = 0;
  /** Stack of tag names of open blocks, for messages. */
  private endStack: string[][] = [];
  private tagStack: string[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly name: string,
    private readonly source: string,
    private readonly options: ParserOptions,
  ) {}

  private get cur(): Token {
    return this.tokens[this.i]!;
  }

  private look(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  fail(msg: string, at: Pos = this.cur): never {
    throw new TemplateSyntaxError(msg, { name: this.name, line: at.line, column: at.column, source: this.source });
  }

  private isOp(v: string, t: Token = this.cur): boolean {
    return t.type === 'op' && t.value === v;
  }

  private isName(v: string, t: Token = this.cur): boolean {
    return t.type === 'name' && t.value === v;
  }

  private expectOp(v: string): Token {
    if (!this.isOp(v)) this.failExpected(`'${v}'`.replace(/^'(.*)'$/, '$1'));
    return this.next();
  }

  private failExpected(what: string): never {
    const t = this.cur;
    if (t.type === 'eof') this.failEof(`unexpected end of template, expected '${what}'.`);
    this.fail(`expected token '${what}', got '${describeToken(t)}'`);
  }

  private failEof(msg: string): never {
    this.fail(msg);
  }

  private expectName(): Token {
    if (this.cur.type !== 'name') this.failExpected('name');
    return this.next();
  }

  private expectBlockEnd(): Token {
    if (this.cur.type !== 'block_end') this.failExpected('end of statement block');
    return this.next();
  }

  private skipName(v: string): boolean {
    if (this.isName(v)) {
      this.i++;
      return true;
    }
    return false;
  }

  parseTemplate(): TemplateNode {
    const body = this.subparse(null);
    return { body };
  }

  /** Parse statements until a block tag named in `end` (left unconsumed: the stream is at its name). */
  private subparse(end: string[] | null): Stmt[] {
    const body: Stmt[] = [];
    if (end) this.endStack.push(end);
    try {
      for (;;) {
        const t = this.cur;
        switch (t.type) {
          case 'data':
            body.push({ kind: 'data', text: t.value, line: t.line, column: t.column });
            this.next();
            break;
          case 'capture': {
            const c = t as CaptureToken;
            body.push({
              kind: 'capture', tag: c.tag, name: c.name, args: c.args, source: c.source,
              bodyLine: c.bodyLine, bodyColumn: c.bodyColumn, line: c.line, column: c.column,
            });
            this.next();
            break;
          }
          case 'variable_begin': {
            this.next();
            const expr = this.parseTuple(false, true);
            if (this.cur.type !== 'variable_end') this.failExpected('end of print statement');
            this.next();
            body.push({ kind: 'print', expr, line: expr.line, column: expr.column });
            break;
          }
          case 'block_begin': {
            const begin = this.next();
            const tag = this.cur;
            if (tag.type !== 'name') {
              if (tag.type === 'block_end') this.fail('tag name expected', tag);
              this.fail('tag name expected', tag);
            }
            if (end && end.includes(tag.value)) return body;
            const s = this.parseStatement(begin);
            if (s) body.push(s);
            break;
          }
          case 'eof':
            if (end) {
              const looking = end.map((x) => `'${x}'`).join(' or ');
              this.fail(
                `Unexpected end of template. Jinja was looking for the following tags: ${looking}. The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`,
              );
            }
            return body;
          default:
            this.fail(`unexpected '${describeToken(t)}'`);
        }
      }
    } finally {
      if (end) this.endStack.pop();
    }
  }

  /** Parse a body up to one of `end`; consumes the end tag's name and returns which one. */
  private parseBody(end: string[], tag: string): { body: Stmt[]; endTag: string } {
    this.tagStack.push(tag);
    const body = this.subparse(end);
    this.tagStack.pop();
    const endTag = this.next().value;
    return { body, endTag };
  }

  private unknownTag(tag: Token): never {
    const msg = `Encountered unknown tag '${tag.value}'.`;
    const inner = this.endStack[this.endStack.length - 1];
    if (inner) {
      const looking = inner.map((x) => `'${x}'`).join(' or ');
      this.fail(
        `${msg} Jinja was looking for the following tags: ${looking}. The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`,
        tag,
      );
    }
    this.fail(msg, tag);
  }

  private parseStatement(begin: Token): Stmt | null {
    const tag = this.cur;
    const p: Pos = { line: begin.line, column: begin.column };
    const macroTag = this.options.macroTags?.get(tag.value);
    if (macroTag !== undefined) {
      this.next();
      return macroTag.header === 'materialization' ? this.parseMaterialization(p, tag.value, macroTag.prefix) : this.parseMacro(p, tag.value, macroTag.prefix);
    }
    switch (tag.value) {
      case 'if':
        this.next();
        return this.parseIf(p);
      case 'for':
        this.next();
        return this.parseFor(p);
      case 'set':
        this.next();
        return this.parseSet(p);
      case 'macro':
        this.next();
        return this.parseMacro(p, 'macro', '');
      case 'call':
        this.next();
        return this.parseCallBlock(p);
      case 'filter': {
        this.next();
        const filter = this.parseFilterChain(null);
        this.expectBlockEnd();
        const { body } = this.parseBody(['endfilter'], 'filter');
        this.expectBlockEnd();
        return { kind: 'filterblock', filter, body, ...p };
      }
      case 'do': {
        this.next();
        const expr = this.parseTuple(false, true);
        this.expectBlockEnd();
        return { kind: 'do', expr, ...p };
      }
      case 'break':
      case 'continue': {
        this.next();
        if (!this.tagStack.includes('for')) this.fail(`Encountered unknown tag '${tag.value}'.`, tag);
        this.expectBlockEnd();
        return { kind: tag.value, ...p };
      }
      case 'with':
        this.next();
        return this.parseWith(p);
      case 'autoescape': {
        this.next();
        this.parseExpression();
        this.expectBlockEnd();
        const { body } = this.parseBody(['endautoescape'], 'autoescape');
        this.expectBlockEnd();
        return { kind: 'scope', body, ...p };
      }
      case 'include':
        this.next();
        return this.parseInclude(p);
      case 'import':
        this.next();
        return this.parseImport(p);
      case 'from':
        this.next();
        return this.parseFrom(p);
      case 'block': {
        this.next();
        const name = this.expectName().value;
        const scoped = this.skipName('scoped');
        this.skipName('required');
        this.expectBlockEnd();
        const { body } = this.parseBody(['endblock'], 'block');
        if (this.cur.type === 'name') this.next();
        this.expectBlockEnd();
        return { kind: 'block', name, body, scoped, ...p };
      }
      case 'extends': {
        this.next();
        const template = this.parseExpression();
        this.expectBlockEnd();
        return { kind: 'extends', template, ...p };
      }
      default:
        return this.unknownTag(tag);
    }
  }

  private parseIf(p: Pos): Stmt {
    const test = this.parseTuple(false, false);
    this.expectBlockEnd();
    const { body, endTag } = this.parseBody(['elif', 'else', 'endif'], 'if');
    const node: Stmt & { kind: 'if' } = { kind: 'if', test, body, else_: [], ...p };
    if (endTag === 'elif') {
      const t = this.tokens[this.i - 1]!;
      node.else_ = [this.parseIf({ line: t.line, column: t.column })];
      return node;
    }
    if (endTag === 'else') {
      this.expectBlockEnd();
      node.else_ = this.parseBody(['endif'], 'if').body;
    }
    this.expectBlockEnd();
    return node;
  }

  private parseFor(p: Pos): Stmt {
    const target = this.parseAssignTarget(false, ['in']);
    if (!this.skipName('in')) this.failExpected("in");
    const iter = this.parseTuple(false, false, ['recursive']);
    let filter: Expr | null = null;
    if (this.skipName('if')) filter = this.parseExpression();
    const recursive = this.skipName('recursive');
    this.expectBlockEnd();
    const { body, endTag } = this.parseBody(['endfor', 'else'], 'for');
    let else_: Stmt[] = [];
    if (endTag === 'else') {
      this.expectBlockEnd();
      else_ = this.parseBody(['endfor'], 'for').body;
    }
    this.expectBlockEnd();
    return { kind: 'for', target, iter, body, else_, filter, recursive, ...p };
  }

  private parseSet(p: Pos): Stmt {
    const target = this.parseAssignTarget(true);
    if (this.isOp('=')) {
      this.next();
      const expr = this.parseTuple(false, true);
      this.expectBlockEnd();
      return { kind: 'set', target, expr, ...p };
    }
    const filter = this.isOp('|') ? this.parseFilterChain(null) : null;
    this.expectBlockEnd();
    const { body } = this.parseBody(['endset'], 'set');
    this.expectBlockEnd();
    return { kind: 'setblock', target, filter, body, ...p };
  }

  private parseParams(): Param[] {
    const params: Param[] = [];
    this.expectOp('(');
    while (!this.isOp(')')) {
      if (params.length) this.expectOp(',');
      if (this.isOp(')')) break;
      const n = this.expectName();
      let def: Expr | null = null;
      if (this.isOp('=')) {
        this.next();
        def = this.parseExpression();
      } else if (params.some((x) => x.default)) {
        this.fail('non-default argument follows default argument', n);
      }
      params.push({ name: n.value, default: def });
    }
    this.next();
    return params;
  }

  private parseMacro(p: Pos, tag: string, prefix: string): Stmt {
    const name = this.expectName().value;
    const params = this.parseParams();
    this.expectBlockEnd();
    const { body } = this.parseBody([`end${tag}`], tag);
    if (this.cur.type === 'name') this.next();
    this.expectBlockEnd();
    return { kind: 'macro', name: prefix + name, params, body, ...p };
  }

  /**
   * `{% materialization name, default %}` or `{% materialization name, adapter='x' %}`, with an
   * optional `supported_languages=[…]` (read and not kept): a macro without parameters named
   * `prefix + name + '_' + adapter`.
   */
  private parseMaterialization(p: Pos, tag: string, prefix: string): Stmt {
    const name = this.expectName().value;
    let adapter: string | null = null;
    while (this.isOp(',')) {
      this.next();
      const key = this.expectName();
      if (key.value === 'default' && !this.isOp('=')) {
        adapter = 'default';
        continue;
      }
      this.expectOp('=');
      const value = this.parseExpression();
      if (key.value === 'adapter') {
        if (value.kind !== 'const' || typeof value.value !== 'string') this.fail(`the adapter of ${tag} '${name}' must be a quoted name`, key);
        adapter = value.value as string;
      } else if (key.value !== 'supported_languages') this.fail(`unexpected '${key.value}' in ${tag} '${name}': write default or adapter='…'`, key);
    }
    if (adapter === null) this.fail(`${tag} '${name}' needs default or adapter='…' after its name`, this.cur);
    this.expectBlockEnd();
    const { body } = this.parseBody([`end${tag}`], tag);
    if (this.cur.type === 'name') this.next();
    this.expectBlockEnd();
    return { kind: 'macro', name: `${prefix}${name}_${adapter}`, params: [], body, ...p };
  }

  private parseCallBlock(p: Pos): Stmt {
    const params = this.isOp('(') ? this.parseParams() : [];
    const call = this.parseExpression();
    if (call.kind !== 'call') this.fail('expected call', call);
    this.expectBlockEnd();
    const { body } = this.parseBody(['endcall'], 'call');
    this.expectBlockEnd();
    return { kind: 'callblock', call, params, body, ...p };
  }

  private parseWith(p: Pos): Stmt {
    const targets: Array<[Target, Expr]> = [];
    while (this.cur.type !== 'block_end') {
      if (targets.length) this.expectOp(',');
      const t = this.parseAssignTarget(false);
      this.expectOp('=');
      targets.push([t, this.parseExpression()]);
    }
    this.next();
    const { body } = this.parseBody(['endwith'], 'with');
    this.expectBlockEnd();
    return { kind: 'with', targets, body, ...p };
  }

  private parseContextFlag(dflt: boolean): boolean {
    if ((this.isName('with') || this.isName('without')) && this.isName('context', this.look())) {
      const w = this.next().value === 'with';
      this.next();
      return w;
    }
    return dflt;
  }

  private parseInclude(p: Pos): Stmt {
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.isName('ignore') && this.isName('missing', this.look())) {
      this.i += 2;
      ignoreMissing = true;
    }
    const withContext = this.parseContextFlag(true);
    this.expectBlockEnd();
    return { kind: 'include', template, ignoreMissing, withContext, ...p };
  }

  private parseImport(p: Pos): Stmt {
    const template = this.parseExpression();
    if (!this.skipName('as')) this.failExpected('as');
    const target = this.expectName().value;
    const withContext = this.parseContextFlag(false);
    this.expectBlockEnd();
    return { kind: 'import', template, target, withContext, ...p };
  }

  private parseFrom(p: Pos): Stmt {
    const template = this.parseExpression();
    if (!this.skipName('import')) this.failExpected('import');
    const names: Array<[string, string]> = [];
    let withContext = false;
    for (;;) {
      if (names.length) {
        if (!this.isOp(',')) break;
        this.next();
      }
      if ((this.isName('with') || this.isName('without')) && this.isName('context', this.look())) break;
      if (this.cur.type !== 'name') break;
      const n = this.next();
      if (n.value.startsWith('_')) this.fail('names starting with an underline can not be imported', n);
      let alias = n.value;
      if (this.skipName('as')) alias = this.expectName().value;
      names.push([n.value, alias]);
    }
    withContext = this.parseContextFlag(false);
    if (!names.length) this.failExpected('name');
    this.expectBlockEnd();
    return { kind: 'fromimport', template, names, withContext, ...p };
  }

  /** An assignment target: a name, `ns.attr` (when allowed), or a tuple of names. */
  private parseAssignTarget(withNamespace: boolean, extraEnd: string[] = []): Target {
    const parseOne = (): Target => {
      const t = this.cur;
      if (t.type === 'name') {
        this.next();
        if (withNamespace && this.isOp('.')) {
          this.next();
          const attr = this.expectName().value;
          return { kind: 'nsref', name: t.value, attr, line: t.line, column: t.column };
        }
        if (['true', 'false', 'none', 'True', 'False', 'None'].includes(t.value)) {
          this.fail(`can't assign to '${t.value}'`, t);
        }
        return { kind: 'name', name: t.value, line: t.line, column: t.column };
      }
      if (this.isOp('(')) {
        this.next();
        const inner = this.parseTargetTuple(parseOne, [')']);
        this.expectOp(')');
        return inner;
      }
      if (t.type === 'eof' || t.type === 'block_end') this.fail(`Expected an expression, got '${describeToken(t)}'`, t);
      this.fail(`can't assign to '${describeToken(t)}'`, t);
    };
    return this.parseTargetTuple(parseOne, extraEnd);
  }

  private parseTargetTuple(one: () => Target, extraEnd: string[]): Target {
    const start = this.cur;
    const first = one();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('=') || this.isOp(')') || this.cur.type === 'block_end' || (this.cur.type === 'name' && extraEnd.includes(this.cur.value))) break;
      items.push(one());
    }
    return { kind: 'tuple', items, line: start.line, column: start.column };
  }

  /** Parse `a, b, c` as a tuple, or a single expression. */
  private parseTuple(simplified: boolean, withCondexpr: boolean, extraEnd: string[] = []): Expr {
    const start = this.cur;
    const parseOne = (): Expr => (simplified ? this.parsePrimary() : this.parseExpression(withCondexpr));
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expectOp(',');
      const t = this.cur;
      if (
        t.type === 'variable_end' || t.type === 'block_end' || this.isOp(')') ||
        (t.type === 'name' && extraEnd.includes(t.value)) || (items.length > 0 && t.type === 'eof')
      ) {
        break;
      }
      items.push(parseOne());
      if (this.isOp(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0]!;
      this.fail(`Expected an expression, got '${describeToken(this.cur)}'`);
    }
    return { kind: 'tuple', items, line: start.line, column: start.column };
  }

  parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    const start = this.cur;
    let expr = this.parseOr();
    while (this.isName('if')) {
      this.next();
      const test = this.parseOr();
      let else_: Expr | null = null;
      if (this.skipName('else')) else_ = this.parseCondexpr();
      expr = { kind: 'cond', test, then: expr, else_, line: start.line, column: start.column };
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName('or')) {
      const t = this.next();
      left = { kind: 'or', left, right: this.parseAnd(), line: t.line, column: t.column };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName('and')) {
      const t = this.next();
      left = { kind: 'and', left, right: this.parseNot(), line: t.line, column: t.column };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName('not')) {
      const t = this.next();
      return { kind: 'unary', op: 'not', node: this.parseNot(), line: t.line, column: t.column };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const start = this.cur;
    const expr = this.parseMath1();
    const ops: Array<[string, Expr]> = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'op' && COMPARE_OPS[t.value]) {
        this.next();
        ops.push([COMPARE_OPS[t.value]!, this.parseMath1()]);
      } else if (this.isName('in')) {
        this.next();
        ops.push(['in', this.parseMath1()]);
      } else if (this.isName('not') && this.isName('in', this.look())) {
        this.i += 2;
        ops.push(['notin', this.parseMath1()]);
      } else break;
    }
    if (!ops.length) return expr;
    return { kind: 'compare', expr, ops, line: start.line, column: start.column };
  }

  private parseMath1(): Expr {
    let left = this.parseConcat();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { kind: 'binop', op: t.value, left, right: this.parseConcat(), line: t.line, column: t.column };
    }
    return left;
  }

  private parseConcat(): Expr {
    let left = this.parseMath2();
    while (this.isOp('~')) {
      const t = this.next();
      left = { kind: 'binop', op: '~', left, right: this.parseMath2(), line: t.line, column: t.column };
    }
    return left;
  }

  private parseMath2(): Expr {
    let left = this.parsePow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      left = { kind: 'binop', op: t.value, left, right: this.parsePow(), line: t.line, column: t.column };
    }
    return left;
  }

  private parsePow(): Expr {
    let left = this.parseUnary();
    while (this.isOp('**')) {
      const t = this.next();
      left = { kind: 'binop', op: '**', left, right: this.parseUnary(), line: t.line, column: t.column };
    }
    return left;
  }

  private parseUnary(withFilter = true): Expr {
    const t = this.cur;
    let node: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      this.next();
      node = { kind: 'unary', op: t.value as '-' | '+', node: this.parseUnary(false), line: t.line, column: t.column };
    } else {
      node = this.parsePrimary();
    }
    node = this.parsePostfix(node);
    if (withFilter) node = this.parseFilterExpr(node);
    return node;
  }

  private parsePrimary(): Expr {
    const t = this.cur;
    const p = { line: t.line, column: t.column };
    switch (t.type) {
      case 'name': {
        this.next();
        switch (t.value) {
          case 'true':
          case 'True':
            return { kind: 'const', value: true, ...p };
          case 'false':
          case 'False':
            return { kind: 'const', value: false, ...p };
          case 'none':
          case 'None':
            return { kind: 'const', value: null, ...p };
          default:
            return { kind: 'name', name: t.value, ...p };
        }
      }
      case 'string': {
        let s = this.next().value;
        while (this.cur.type === 'string') s += this.next().value;
        return { kind: 'const', value: s, ...p };
      }
      case 'int':
        this.next();
        return { kind: 'const', value: t.num!, ...p };
      case 'float':
        this.next();
        return { kind: 'const', value: makeFloat(t.num!), ...p };
      case 'op':
        if (t.value === '(') {
          this.next();
          if (this.isOp(')')) {
            this.next();
            return { kind: 'tuple', items: [], ...p };
          }
          const inner = this.parseTuple(false, true);
          this.expectOp(')');
          if (inner.kind === 'tuple' && inner.line === t.line && inner.column === t.column) {
            return inner;
          }
          return inner.kind === 'tuple' ? { ...inner, ...p } : inner;
        }
        if (t.value === '[') {
          this.next();
          const items: Expr[] = [];
          while (!this.isOp(']')) {
            if (items.length) this.expectOp(',');
            if (this.isOp(']')) break;
            items.push(this.parseExpression());
          }
          this.next();
          return { kind: 'list', items, ...p };
        }
        if (t.value === '{') {
          this.next();
          const pairs: Array<[Expr, Expr]> = [];
          while (!this.isOp('}')) {
            if (pairs.length) this.expectOp(',');
            if (this.isOp('}')) break;
            const k = this.parseExpression();
            this.expectOp(':');
            pairs.push([k, this.parseExpression()]);
          }
          this.next();
          return { kind: 'dict', pairs, ...p };
        }
        this.fail(`unexpected '${describeToken(t)}'`);
      // eslint-disable-next-line no-fallthrough
      default:
        if (t.type === 'eof') this.fail('unexpected end of template');
        this.fail(`Expected an expression, got '${describeToken(t)}'`);
    }
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      const t = this.cur;
      if (this.isOp('.')) {
        this.next();
        const a = this.cur;
        if (a.type === 'name') {
          this.next();
          node = { kind: 'getattr', obj: node, attr: a.value, line: node.line, column: node.column };
        } else if (a.type === 'int') {
          this.next();
          node = { kind: 'getitem', obj: node, arg: { kind: 'const', value: a.num!, line: a.line, column: a.column }, line: node.line, column: node.column };
        } else this.fail('expected name or number', a);
      } else if (this.isOp('[')) {
        this.next();
        const args: Expr[] = [];
        while (!this.isOp(']')) {
          if (args.length) this.expectOp(',');
          if (this.isOp(']')) break;
          args.push(this.parseSubscribed());
        }
        this.expectOp(']');
        const arg: Expr = args.length === 1 ? args[0]! : { kind: 'tuple', items: args, line: t.line, column: t.column };
        node = { kind: 'getitem', obj: node, arg, line: node.line, column: node.column };
      } else if (this.isOp('(')) {
        node = { kind: 'call', callee: node, ...this.parseCallArgs(), line: node.line, column: node.column };
      } else break;
    }
    return node;
  }

  private parseSubscribed(): Expr {
    const t = this.cur;
    const parts: Array<Expr | null> = [];
    if (this.isOp(':')) {
      this.next();
      parts.push(null);
    } else {
      const e = this.parseExpression();
      if (!this.isOp(':')) return e;
      this.next();
      parts.push(e);
    }
    parts.push(this.isOp(']') || this.isOp(',') || this.isOp(':') ? null : this.parseExpression());
    if (this.isOp(':')) {
      this.next();
      parts.push(this.isOp(']') || this.isOp(',') ? null : this.parseExpression());
    } else parts.push(null);
    return { kind: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]!, line: t.line, column: t.column };
  }

  private parseCallArgs(): CallArgs {
    const open = this.expectOp('(');
    const out: CallArgs = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    let first = true;
    while (!this.isOp(')')) {
      if (!first) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      first = false;
      const ensure = (ok: boolean): void => {
        if (!ok) this.fail('invalid syntax for function call expression');
      };
      if (this.isOp('*')) {
        ensure(!out.dynArgs && !out.dynKwargs);
        this.next();
        out.dynArgs = this.parseExpression();
      } else if (this.isOp('**')) {
        ensure(!out.dynKwargs);
        this.next();
        out.dynKwargs = this.parseExpression();
      } else if (this.cur.type === 'name' && this.isOp('=', this.look())) {
        ensure(!out.dynKwargs);
        const key = this.next().value;
        this.next();
        out.kwargs.push([key, this.parseExpression()]);
      } else {
        ensure(!out.kwargs.length && !out.dynArgs && !out.dynKwargs);
        out.args.push(this.parseExpression());
      }
      if (this.cur.type === 'eof') this.fail(`unexpected end of template, expected ')'.`, open);
    }
    this.next();
    return out;
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) node = this.parseFilterChain(node);
      else if (this.isName('is')) node = this.parseTest(node);
      else if (this.isOp('(')) node = { kind: 'call', callee: node, ...this.parseCallArgs(), line: node.line, column: node.column };
      else break;
    }
    return node;
  }

  /** `| name(args) | name2 …` applied to `node` (null inside `{% filter %}` blocks). */
  private parseFilterChain(node: Expr | null): Expr {
    let cur = node;
    let first = true;
    while (this.isOp('|') || (first && node === null)) {
      if (this.isOp('|')) this.next();
      first = false;
      const t = this.expectName();
      let name = t.value;
      while (this.isOp('.')) {
        this.next();
        name += '.' + this.expectName().value;
      }
      const args: CallArgs = this.isOp('(') ? this.parseCallArgs() : { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
      const pos = cur ? { line: cur.line, column: cur.column } : { line: t.line, column: t.column };
      cur = { kind: 'filter', node: cur, name, ...args, ...pos };
    }
    return cur!;
  }

  private parseTest(node: Expr): Expr {
    this.next();
    const negated = this.skipName('not');
    const t = this.expectName();
    let name = t.value;
    while (this.isOp('.')) {
      this.next();
      name += '.' + this.expectName().value;
    }
    let args: CallArgs = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    const c = this.cur;
    if (this.isOp('(')) args = this.parseCallArgs();
    else if (
      (c.type === 'name' || c.type === 'string' || c.type === 'int' || c.type === 'float' || this.isOp('[') || this.isOp('{')) &&
      !['else', 'or', 'and'].includes(c.value) && !(c.type === 'name' && c.value === 'is')
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      let arg = this.parsePrimary();
      arg = this.parsePostfix(arg);
      args.args.push(arg);
    }
    return { kind: 'test', node, name, negated, ...args, line: node.line, column: node.column };
  }
}
