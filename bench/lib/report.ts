/**
 * Shared helpers for benchmarks: machine description, timing, and BENCHMARKS.md sections.
 * Each benchmark owns one section of BENCHMARKS.md, delimited by
 * `<!-- bench:<id> -->` … `<!-- /bench:<id> -->`, and rewrites only that section.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const FILE = join(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const HEADER = `# Benchmarks

Each section is written by the benchmark named in it (\`bench/\`), with the machine, the date,
and ratios against a baseline measured in the same run. The machine is small and noisy
(2 cores): compare ratios, not absolute times.
`;

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Replace (or append) the section `id` of BENCHMARKS.md with `markdown`. */
export function writeSection(id: string, markdown: string): void {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const block = `${open}\n${markdown.trim()}\n\n_Machine: ${machine()}; measured ${today()}._\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + close.length);
  else text = text.trimEnd() + '\n\n' + block + '\n';
  writeFileSync(FILE, text);
}

/** Median wall time in milliseconds of `runs` calls of `fn` (after `warmup` calls). */
export async function timeMedian(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)]!;
}
