/**
 * Tokens produced by the lexer and read by the parser.
 */

/** The kind of a token. `op` tokens carry the operator text in `value`. */
export type TokenType =
  | 'data'
  | 'variable_begin'
  | 'variable_end'
  | 'block_begin'
  | 'block_end'
  | 'name'
  | 'string'
  | 'int'
  | 'float'
  | 'op'
  | 'capture'
  | 'eof';

/** One token with its 1-based position in the template. */
export interface Token {
  type: TokenType;
  /** Text of data, names and operators; decoded text of strings; the number of ints and floats. */
  value: string;
  /** For numbers: the parsed value. */
  num?: number;
  line: number;
  column: number;
  /** 0-based offset of the token's first character. */
  offset: number;
}

/** What the parser calls a token in messages (`'end of print statement'`). */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'variable_end':
      return 'end of print statement';
    case 'block_end':
      return 'end of statement block';
    case 'variable_begin':
      return 'begin of print statement';
    case 'block_begin':
      return 'begin of statement block';
    case 'eof':
      return 'end of template';
    case 'data':
      return 'template data';
    case 'string':
      return 'string';
    case 'int':
      return 'integer';
    case 'float':
      return 'float';
    default:
      return t.value;
  }
}
