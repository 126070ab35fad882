/**
 * Errors a user can act on. Every layer throws a {@link StrataError} for a user mistake
 * (bad YAML, Jinja, SQL, config, data): it carries a stable code, the file and position,
 * a short code frame and a hint. The CLI prints it with {@link formatError} and exits
 * non-zero; it never prints a bare stack trace for one.
 */

/** A position in a user's file. Lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export interface StrataErrorOptions {
  /** Where the mistake is. */
  position?: SourcePosition;
  /** The text of the file, to draw a code frame from (only the lines around `position`). */
  source?: string;
  /** A short suggestion of what to do. */
  hint?: string;
  /** Further context lines, outermost last (for example a chain of macro calls). */
  trace?: string[];
  cause?: unknown;
}

export class StrataError extends Error {
  /** A stable identifier for the kind of mistake, such as `yaml-syntax` or `ref-not-found`. */
  readonly code: string;
  readonly position?: SourcePosition;
  readonly hint?: string;
  readonly frame?: string;
  readonly trace: string[];

  constructor(code: string, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.position = options.position;
    this.hint = options.hint;
    this.trace = options.trace ?? [];
    if (options.source !== undefined && options.position?.line !== undefined) {
      this.frame = codeFrame(options.source, options.position.line, options.position.column);
    }
  }

  /** `file:line:column` or as much of it as is known. */
  get location(): string | undefined {
    return formatPosition(this.position);
  }
}

export function formatPosition(p: SourcePosition | undefined): string | undefined {
  if (!p) return undefined;
  let s = p.file;
  if (p.line !== undefined) {
    s += `:${p.line}`;
    if (p.column !== undefined) s += `:${p.column}`;
  }
  return s;
}

/** A few lines of `source` around `line`, with a caret under `column`. */
export function codeFrame(source: string, line: number, column?: number, context = 2): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line && column !== undefined && column > 0) {
      const prefix = (lines[n - 1] ?? '').slice(0, column - 1).replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${prefix}^`);
    }
  }
  return out.join('\n');
}

/** The text the CLI prints for an error: location, message, frame, trace and hint. */
export function formatError(err: unknown): string {
  if (err instanceof StrataError) {
    const parts: string[] = [];
    const loc = err.location;
    parts.push(loc ? `${loc}: ${err.message}` : err.message);
    if (err.frame) parts.push(err.frame);
    for (const t of err.trace) parts.push(`  ${t}`);
    if (err.hint) parts.push(`hint: ${err.hint}`);
    return parts.join('\n');
  }
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

export function isStrataError(err: unknown): err is StrataError {
  return err instanceof StrataError;
}
