/**
 * Terminal output: dbt-style numbered lines (`3 of 12 START sql table model main.orders
 * … [RUN]`), a one-line live status at the bottom when stdout is a terminal, plain lines
 * otherwise, no colour under NO_COLOR or --no-color, and one JSON object per event with
 * --log-format json.
 */
import pc from 'picocolors';
import type { FileLogLevel, LogFile } from './log-file.js';

export type LogFormat = 'text' | 'json';

export interface ReporterOptions {
  format?: LogFormat;
  color?: boolean;
  /** Redraw a status line (only on a TTY outside CI). */
  live?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Values that must never be printed (passwords, DBT_ENV_SECRET_*). */
  secrets?: string[];
  /**
   * dbt's `--quiet`: only errors, and what a command exists to print (`show`'s rows, `ls`'s
   * lines, `print()` in Jinja); no progress, info, warnings or summary.
   */
  quiet?: boolean;
  /**
   * dbt's `--log-level`: the least severe lines shown (`debug` adds each SQL statement; `none`
   * shows nothing but what a command prints). `quiet` is `error`.
   */
  level?: ShownLevel;
  /** dbt's `--no-print`: `print()` in Jinja goes to the log file only. */
  jinjaPrint?: boolean;
  /** The debug log (logs/dbt.log): everything above, whatever `quiet`, and `debug` lines. */
  logFile?: LogFile;
}

export type ShownLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';
const LEVEL_RANK: Record<ShownLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

export type Status = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'runtime error';

const WIDTH = 80;

export class Reporter {
  readonly format: LogFormat;
  readonly quiet: boolean;
  private readonly level: number;
  readonly logFile: LogFile | undefined;
  private readonly jinjaPrint: boolean;
  private readonly color: boolean;
  private readonly live: boolean;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private secrets: string[];
  private statusLine = '';
  private readonly colors: ReturnType<typeof pc.createColors>;

  constructor(o: ReporterOptions = {}) {
    this.format = o.format ?? 'text';
    this.level = Math.max(LEVEL_RANK[o.level ?? 'info'], o.quiet ? LEVEL_RANK.error : 0);
    this.quiet = this.level >= LEVEL_RANK.error;
    this.logFile = o.logFile;
    this.jinjaPrint = o.jinjaPrint ?? true;
    this.out = o.out ?? process.stdout;
    this.err = o.err ?? process.stderr;
    const tty = Boolean((this.out as NodeJS.WriteStream).isTTY);
    this.color = (o.color ?? true) && !process.env.NO_COLOR && (tty || Boolean(process.env.FORCE_COLOR));
    this.live = (o.live ?? true) && tty && !process.env.CI && this.format === 'text' && !this.quiet;
    this.secrets = (o.secrets ?? []).filter((s) => s.length >= 3);
    this.colors = pc.createColors(this.color);
  }

  /** Values that must never be printed, learned once the profile is read (passwords, DBT_ENV_SECRET_*). */
  addSecrets(values: string[]): void {
    this.secrets = [...new Set([...this.secrets, ...values.filter((s) => s.length >= 3)])];
  }

  private scrub(text: string): string {
    let t = text;
    for (const s of this.secrets) t = t.split(s).join('*****');
    return t;
  }

  private write(stream: NodeJS.WritableStream, line: string): void {
    if (this.statusLine) this.out.write('\r\x1b[2K');
    stream.write(this.scrub(line) + '\n');
    if (this.statusLine) this.out.write(this.statusLine);
  }

  private stamp(): string {
    return new Date().toTimeString().slice(0, 8);
  }

  /** Whether lines of `level` are shown on the terminal. */
  private shows(level: Exclude<ShownLevel, 'none'>): boolean {
    return LEVEL_RANK[level] >= this.level;
  }

  /** A line for the log file, and the terminal under `--debug` (each statement, what the runner decides). */
  debug(message: string): void {
    this.file('debug', message);
    if (!this.shows('debug')) return;
    if (this.format === 'json') this.json('debug', { msg: message });
    else this.write(this.out, `${this.stamp()}  ${message}`);
  }

  /** Whether `debug` lines go anywhere (so callers can skip building them). */
  get logsDebug(): boolean {
    return this.shows('debug') || (this.logFile?.wants('debug') ?? false);
  }

  private file(level: FileLogLevel, message: string): void {
    this.logFile?.write(level, this.scrub(message));
  }

  /** A plain informational line. */
  info(message: string, data: Record<string, unknown> = {}): void {
    this.file('info', message);
    if (!this.shows('info')) return;
    if (this.format === 'json') this.json('info', { msg: message, ...data });
    else this.write(this.out, `${this.stamp()}  ${message}`);
  }

  warn(message: string): void {
    this.file('warn', message);
    if (!this.shows('warn')) return;
    if (this.format === 'json') this.json('warn', { msg: message });
    else this.write(this.out, `${this.stamp()}  ${this.colors.yellow('[WARNING]')}: ${message}`);
  }

  error(message: string): void {
    this.file('error', message);
    if (!this.shows('error')) return;
    if (this.format === 'json') this.json('error', { msg: message });
    else this.write(this.err, this.colors.red(message));
  }

  /** A failure's details, after the summary (stdout, so it stays in order with the lines above). */
  failure(message: string): void {
    this.file('error', message);
    if (!this.shows('error')) return;
    if (this.format === 'json') return this.json('error', { msg: message });
    const stamp = this.stamp();
    this.write(this.out, `${stamp}  `);
    for (const line of message.split('\n')) this.write(this.out, `${stamp}  ${line.startsWith('  ') ? line : this.colors.red(line)}`);
  }

  /** What a template `print()`s: raw, shown whatever the level, unless `--no-print`. */
  printed(text: string): void {
    if (this.jinjaPrint) this.print(text);
    else this.file('info', text);
  }

  /** Raw output (for `show`, `ls`, `compile`): never decorated. */
  print(text: string): void {
    this.file('info', text);
    if (this.format === 'json') this.json('info', { msg: text });
    else this.write(this.out, text);
  }

  private json(level: string, data: Record<string, unknown>): void {
    this.out.write(this.scrub(JSON.stringify({ ts: new Date().toISOString(), level, ...data })) + '\n');
  }

  /** `N of M START <description> ... [RUN]`. */
  start(index: number, total: number, description: string, uniqueId: string): void {
    this.file('info', `${index} of ${total} START ${description} (${uniqueId})`);
    if (!this.shows('info')) return;
    if (this.format === 'json') return this.json('info', { event: 'node_start', index, total, node: uniqueId, msg: description });
    this.write(this.out, `${this.stamp()}  ${dots(`${index} of ${total} START ${description}`, '[RUN]')}`);
  }

  /** `N of M OK created <description> ... [OK in 0.12s]` and its error/skip variants. */
  finish(index: number, total: number, status: Status, description: string, seconds: number, uniqueId: string, message?: string): void {
    const severity: FileLogLevel = status === 'error' || status === 'fail' || status === 'runtime error' ? 'error' : status === 'warn' ? 'warn' : 'info';
    this.file(severity, `${index} of ${total} ${status.toUpperCase()} ${description} (${uniqueId}) in ${seconds.toFixed(2)}s${message ? `: ${message}` : ''}`);
    if (!this.shows(severity)) return;
    if (this.format === 'json') return this.json(status === 'error' || status === 'fail' ? 'error' : 'info', { event: 'node_finished', index, total, node: uniqueId, status, execution_time: seconds, msg: message ?? description });
    const c = this.colors;
    let head: string;
    let tail: string;
    switch (status) {
      case 'success':
        head = `OK created ${description}`;
        tail = `[${c.green(message ?? 'OK')} in ${seconds.toFixed(2)}s]`;
        break;
      case 'pass':
        head = `PASS ${description}`;
        tail = `[${c.green('PASS')} in ${seconds.toFixed(2)}s]`;
        break;
      case 'warn':
        head = `WARN ${message ?? ''} ${description}`;
        tail = `[${c.yellow('WARN')} ${message ?? ''} in ${seconds.toFixed(2)}s]`;
        break;
      case 'fail':
        head = `FAIL ${message ?? ''} ${description}`;
        tail = `[${c.red('FAIL')} ${message ?? ''} in ${seconds.toFixed(2)}s]`;
        break;
      case 'skipped':
        head = `SKIP ${description}`;
        tail = `[${c.yellow('SKIP')}]`;
        break;
      default:
        head = `ERROR creating ${description}`;
        tail = `[${c.red('ERROR')} in ${seconds.toFixed(2)}s]`;
    }
    this.write(this.out, `${this.stamp()}  ${dots(`${index} of ${total} ${head}`, tail)}`);
  }

  /** Redraw the live status line (done/total and what is running). */
  progress(done: number, total: number, running: string[]): void {
    if (!this.live) return;
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    const line = `${bar} ${running.slice(0, 3).join(', ')}${running.length > 3 ? ', …' : ''}`.slice(0, ((this.out as NodeJS.WriteStream).columns ?? WIDTH) - 1);
    this.statusLine = line;
    this.out.write('\r\x1b[2K' + line);
  }

  /** Remove the live status line. */
  endProgress(): void {
    if (this.statusLine) this.out.write('\r\x1b[2K');
    this.statusLine = '';
  }

  /** The closing summary. */
  summary(counts: Record<string, number>, seconds: number, what: string): void {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const pass = (counts.success ?? 0) + (counts.pass ?? 0);
    const warn = counts.warn ?? 0;
    const error = (counts.error ?? 0) + (counts.fail ?? 0) + (counts['runtime error'] ?? 0);
    const skip = counts.skipped ?? 0;
    const done = `Done. PASS=${pass} WARN=${warn} ERROR=${error} SKIP=${skip} TOTAL=${total}`;
    if (!this.shows('info') || this.format === 'json') {
      this.file('info', `Finished running ${what} in ${seconds.toFixed(2)}s. ${done}`);
      if (!this.shows('info')) return;
      return this.json(error ? 'error' : 'info', { event: 'summary', pass, warn, error, skip, total, elapsed: seconds });
    }
    const c = this.colors;
    this.info('');
    this.info(`Finished running ${what} in ${formatDuration(seconds)} (${seconds.toFixed(2)}s).`);
    this.info(error ? c.red(`Completed with ${error} error${error === 1 ? '' : 's'}, ${warn} warning${warn === 1 ? '' : 's'} and ${skip} skip${skip === 1 ? '' : 's'}:`) : c.green('Completed successfully'));
    this.info(done);
  }
}

function dots(left: string, right: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const n = Math.max(3, WIDTH - visible(left) - visible(right) - 2);
  return `${left} ${'.'.repeat(n)} ${right}`;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h} hours ${m} minutes and ${s.toFixed(2)} seconds`;
}

/** The reporter a command prints through: the one given, or one for the options' format and colour. */
export function reporterFor(o: { reporter?: Reporter; logFormat?: LogFormat; color?: boolean }): Reporter {
  return o.reporter ?? new Reporter({ format: o.logFormat, color: o.color });
}
