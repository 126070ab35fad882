/**
 * The inputs of a project load: every file read (with its size, modification time and
 * hash), every file looked for and not found, and every folder listed. A parse records
 * them so that the next one can tell, from `stat` calls alone, that nothing changed
 * (see `src/parse/fingerprint.ts`).
 *
 * Reading goes through {@link readInput}/{@link inputExists}/{@link noteFolder}; they record
 * into the log of the load that is running (an AsyncLocalStorage), and just read when
 * none is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';

/** What a file was when it was read. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** sha256 of the contents, hex. */
  hash: string;
}

/** The inputs of one load. */
export class InputLog {
  readonly files = new Map<string, FileStamp>();
  readonly absent = new Set<string>();
  /** Folder → its visible entries (in listing order) and its modification time before it was listed, or null when it could not be listed. */
  readonly folders = new Map<string, { entries: string[]; mtimeMs: number } | null>();
}

const current = new AsyncLocalStorage<InputLog>();

/** Run `fn` with reads recorded into `log`. */
export function recordInputs<T>(log: InputLog, fn: () => Promise<T>): Promise<T> {
  return current.run(log, fn);
}

/**
 * Read a text file (UTF-8) and its sha256. The stamp is taken before the contents are
 * read, so a change made while reading shows as a changed stamp next time.
 */
export function readInput(absPath: string): { contents: string; hash: string } {
  const log = current.getStore();
  const st = log && statSync(absPath);
  const contents = readFileSync(absPath, 'utf8');
  const hash = sha256(contents);
  if (log && st) log.files.set(absPath, { size: st.size, mtimeMs: st.mtimeMs, hash });
  return { contents, hash };
}

/** Whether a file exists; an absence is recorded (a file appearing there changes the project). */
export function inputExists(absPath: string): boolean {
  const found = existsSync(absPath);
  if (!found) current.getStore()?.absent.add(absPath);
  return found;
}

/**
 * A folder's modification time, to be taken before it is listed (so that an entry added
 * while it is listed shows as a changed time next time); -1 when it cannot be read.
 */
export function folderTime(absPath: string): number {
  return current.getStore() ? (statSync(absPath, { throwIfNoEntry: false })?.mtimeMs ?? -1) : -1;
}

/**
 * Record a folder's visible entries, hidden ones left out, in the order the folder listed
 * them, with its time from {@link folderTime} (entries null: it does not exist or cannot
 * be read). A folder that has not changed lists them in the same order again, so the
 * fingerprint check compares them without sorting.
 */
export function noteFolder(absPath: string, entries: string[] | null, mtimeMs: number): void {
  current.getStore()?.folders.set(absPath, entries && { entries: entries.filter((n) => !n.startsWith('.')), mtimeMs });
}

/** sha256 of a string, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
