/**
 * The syntax tree the parser builds and the compiler turns into closures. Every node
 * carries its 1-based line and column in the template.
 */

/** Position shared by all nodes. */
export interface Pos {
  line: number;
  column: number;
}

/** Arguments of a call, filter or test. */
export interface CallArgs {
  args: Expr[];
  kwargs: Array<[string, Expr]>;
  dynArgs: Expr | null;
  dynKwargs: Expr | null;
}

/** Expression nodes. */
export type Expr =
  | ({ kind: 'const'; value: unknown } & Pos)
  | ({ kind: 'name'; name: string } & Pos)
  | ({ kind: 'list'; items: Expr[] } & Pos)
  | ({ kind: 'tuple'; items: Expr[] } & Pos)
  | ({ kind: 'dict'; pairs: Array<[Expr, Expr]> } & Pos)
  | ({ kind: 'getattr'; obj: Expr; attr: string } & Pos)
  | ({ kind: 'getitem'; obj: Expr; arg: Expr } & Pos)
  | ({ kind: 'slice'; start: Expr | null; stop: Expr | null; step: Expr | null } & Pos)
  | ({ kind: 'call'; callee: Expr } & CallArgs & Pos)
  | ({ kind: 'filter'; node: Expr | null; name: string } & CallArgs & Pos)
  | ({ kind: 'test'; node: Expr; name: string; negated: boolean } & CallArgs & Pos)
  | ({ kind: 'binop'; op: string; left: Expr; right: Expr } & Pos)
  | ({ kind: 'and' | 'or'; left: Expr; right: Expr } & Pos)
  | ({ kind: 'unary'; op: 'not' | '-' | '+'; node: Expr } & Pos)
  | ({ kind: 'compare'; expr: Expr; ops: Array<[string, Expr]> } & Pos)
  | ({ kind: 'cond'; test: Expr; then: Expr; else_: Expr | null } & Pos);

/** Targets of `for` and `set`. */
export type Target =
  | ({ kind: 'name'; name: string } & Pos)
  | ({ kind: 'tuple'; items: Target[] } & Pos)
  | ({ kind: 'nsref'; name: string; attr: string } & Pos);

/** A macro parameter. */
export interface Param {
  name: string;
  default: Expr | null;
}

/** Statement nodes. */
export type Stmt =
  | ({ kind: 'data'; text: string } & Pos)
  | ({ kind: 'print'; expr: Expr } & Pos)
  | ({ kind: 'if'; test: Expr; body: Stmt[]; else_: Stmt[] } & Pos)
  | ({
      kind: 'for';
      target: Target;
      iter: Expr;
      body: Stmt[];
      else_: Stmt[];
      filter: Expr | null;
      recursive: boolean;
    } & Pos)
  | ({ kind: 'set'; target: Target; expr: Expr } & Pos)
  | ({ kind: 'setblock'; target: Target; filter: Expr | null; body: Stmt[] } & Pos)
  | ({ kind: 'macro'; name: string; params: Param[]; body: Stmt[] } & Pos)
  | ({ kind: 'callblock'; call: Expr; params: Param[]; body: Stmt[] } & Pos)
  | ({ kind: 'filterblock'; filter: Expr; body: Stmt[] } & Pos)
  | ({ kind: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean } & Pos)
  | ({ kind: 'import'; template: Expr; target: string; withContext: boolean } & Pos)
  | ({ kind: 'fromimport'; template: Expr; names: Array<[string, string]>; withContext: boolean } & Pos)
  | ({ kind: 'do'; expr: Expr } & Pos)
  | ({ kind: 'with'; targets: Array<[Target, Expr]>; body: Stmt[] } & Pos)
  | ({ kind: 'scope'; body: Stmt[] } & Pos)
  | ({ kind: 'break' } & Pos)
  | ({ kind: 'continue' } & Pos)
  | ({ kind: 'block'; name: string; body: Stmt[]; scoped: boolean } & Pos)
  | ({ kind: 'extends'; template: Expr } & Pos)
  | ({ kind: 'capture'; tag: string; name: string; args: string; source: string; bodyLine: number; bodyColumn: number } & Pos);

/** A parsed template. */
export interface TemplateNode {
  body: Stmt[];
}
