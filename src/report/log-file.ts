/**
 * The debug log, `logs/dbt.log` as dbt keeps it: every line the terminal shows, plus what it
 * does not (each SQL statement with the node that ran it and how long it took), appended run
 * after run and rotated at 10 MB (five older files kept). Where a failure's details are.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type FileLogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<FileLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The node whose work is under way (the runner runs each node inside it): log lines name it. */
export const nodeScope = new AsyncLocalStorage<string>();

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** One log file; opened on the first line written. */
export class LogFile {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly path: string,
    readonly level: FileLogLevel = 'debug',
    readonly format: 'text' | 'json' = 'text',
    readonly maxBytes = 10 * 1024 * 1024,
    readonly keep = 5,
  ) {}

  /** Whether lines of `level` are written. */
  wants(level: FileLogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  /** Append a line (several for a multi-line message in text). */
  write(level: FileLogLevel, message: string): void {
    if (!this.wants(level)) return;
    const now = new Date();
    const node = nodeScope.getStore();
    const msg = message.replace(ANSI, '');
    const line =
      this.format === 'json'
        ? JSON.stringify({ ts: now.toISOString(), level, ...(node ? { node } : {}), msg }) + '\n'
        : `${now.toTimeString().slice(0, 8)}.${String(now.getMilliseconds()).padStart(3, '0')} [${level.padEnd(5)}] [${node ?? 'main'}]: ${msg}\n`;
    this.append(line);
  }

  /** A separator line at the start of an invocation. */
  begin(title: string): void {
    if (this.format === 'json') return;
    this.append(`${'='.repeat(30)} ${new Date().toISOString()} | ${title} ${'='.repeat(30)}\n`);
  }

  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    try {
      if (this.fd === undefined) this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd!, text);
      this.size += bytes;
    } catch {
      // the log is a help, never a reason to fail a run (a read-only folder, a full disk)
      this.fd = undefined;
    }
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** dbt.log becomes dbt.log.1, .1 becomes .2 …; the oldest goes. */
  private rotate(): void {
    this.close();
    for (let i = this.keep - 1; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    renameSync(this.path, `${this.path}.1`);
    this.open();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
