/**
 * Replace a file's contents in one step: written beside it, then renamed over it. A reader
 * (or a command killed half-way) sees the old contents or the new, never a torn file.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
