/**
 * Golden files: templates rendered by an oracle (Python's Jinja2, with Python's modules or dbt's
 * own code) and written one JSON case a line by a script under scripts/; the tests read them
 * without Python and render each template themselves.
 */
import { readFileSync } from 'node:fs';

/** One line of a golden file: the template and what the oracle rendered, or that it failed. */
export interface GoldenCase {
  template: string;
  expected?: string;
  /** What the oracle wrote to standard output while rendering, where the file records it. */
  stdout?: string;
  error?: boolean;
}

/** The cases of a golden `.jsonl` file. */
export function readGolden<C extends GoldenCase = GoldenCase>(path: string): C[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as C);
}

/** What a case rendered to, and (to be checked against the case's `stdout`) what it printed. */
export interface Rendered {
  text: string;
  stdout?: string;
}

/**
 * Render every case, and describe each that differs from the oracle (named `oracle` in the
 * descriptions): it failed where the oracle rendered, rendered where the oracle failed, rendered
 * other text, or printed other output. `label` names a case (its template, by default).
 */
export async function goldenMismatches<C extends GoldenCase>(
  cases: readonly C[],
  render: (c: C) => Promise<string | Rendered>,
  oracle: string,
  label: (c: C) => string = (c) => c.template,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const c of cases) {
    let got: Rendered;
    try {
      const r = await render(c);
      got = typeof r === 'string' ? { text: r } : r;
    } catch (e) {
      if (!c.error) wrong.push(`${label(c)}\n  failed: ${(e as Error).message}\n  ${oracle}: ${c.expected}`);
      continue;
    }
    if (c.error) wrong.push(`${label(c)}\n  rendered ${got.text}\n  ${oracle}: an error`);
    else if (got.text !== c.expected) wrong.push(`${label(c)}\n  rendered ${got.text}\n  ${`${oracle}:`.padEnd(9)}${c.expected}`);
    else if (got.stdout !== undefined && got.stdout !== c.stdout) wrong.push(`${label(c)}\n  printed\n${got.stdout}\n  ${oracle} printed\n${c.stdout}`);
  }
  return wrong;
}
