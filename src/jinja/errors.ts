/**
 * Errors of the template engine. Both kinds carry the template name, line and column,
 * a code frame, and (for runtime errors) the chain of macro calls that led there.
 */
import { StrataError } from '../errors.js';

/** Where an error happened, as the engine knows it. */
export interface TemplateErrorInfo {
  /** The host-supplied template name (or `<string>`). */
  name: string;
  line: number;
  column: number;
  /** The template source, for the code frame. */
  source?: string;
  hint?: string;
  cause?: unknown;
}

/**
 * An error in a template, at `templateName:line:column`. Code `jinja-runtime` for errors
 * while rendering, `jinja-syntax` for {@link TemplateSyntaxError}.
 *
 * `macroStack` is the chain of calls, outermost first: the position in the rendered
 * template where the first macro was called, then one `in macro NAME at FILE:LINE:COL`
 * entry per macro (`in template FILE at …` for included templates), the last one being
 * where the error happened. Joined with `', '` it
 * reads `models/orders.sql:12:5, in macro cents_to_dollars at macros/money.sql:3:9`;
 * that line is also the error's `trace`.
 */
export class TemplateError extends StrataError {
  readonly templateName: string;
  readonly line: number;
  readonly column: number;
  /** The chain of macro calls, outermost first (empty when the error is not inside a macro). */
  macroStack: string[];
  /** @internal innermost-first chain while the error propagates. */
  chain: string[] = [];
  /** @internal the position not yet attributed to a macro frame. */
  pending: string | undefined;

  constructor(code: 'jinja-syntax' | 'jinja-runtime' | (string & {}), message: string, info: TemplateErrorInfo) {
    super(code, message, {
      position: { file: info.name, line: info.line, column: info.column },
      source: info.source,
      hint: info.hint,
      cause: info.cause,
    });
    this.name = code === 'jinja-syntax' ? 'TemplateSyntaxError' : 'TemplateError';
    this.templateName = info.name;
    this.line = info.line;
    this.column = info.column;
    this.macroStack = [];
    this.pending = `${info.name}:${info.line}:${info.column}`;
  }

  /** @internal Close the chain: called once the error leaves the engine. */
  finish(): this {
    if (this.pending !== undefined) {
      this.chain.push(this.pending);
      this.pending = undefined;
    }
    if (this.chain.length > 1 || (this.chain.length === 1 && this.chain[0]!.startsWith('in '))) {
      this.macroStack = [...this.chain].reverse();
      (this.trace as string[]).length = 0;
      (this.trace as string[]).push(this.macroStack.join(', '));
    }
    return this;
  }
}

/** A template that cannot be parsed. */
export class TemplateSyntaxError extends TemplateError {
  constructor(message: string, info: TemplateErrorInfo) {
    super('jinja-syntax', message, info);
    this.name = 'TemplateSyntaxError';
  }
}
