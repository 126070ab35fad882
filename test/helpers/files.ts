/** Files for a test's project, written by relative path. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Files by path relative to a directory. */
export type Files = Record<string, string>;

/** Writes each file under `dir`, making its folders. */
export function writeFiles(dir: string, files: Files): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}
