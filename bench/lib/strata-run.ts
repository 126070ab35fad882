/** Timing `strata run` in process, quietly, for the overhead benchmarks. */
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/api.js';
import { Reporter } from '../../src/report/reporter.js';

/** Milliseconds of one `strata run` of the project in `dir` (its target/ removed first), 4 threads. */
export async function timeStrataRun(dir: string): Promise<number> {
  const sink = createWriteStream('/dev/null');
  const reporter = new Reporter({ out: sink, err: sink, color: false, live: false });
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  const t0 = performance.now();
  const r = await run({ projectDir: dir, profilesDir: dir, reporter, threads: 4 });
  const ms = performance.now() - t0;
  if (r.results.some((x) => x.status !== 'success')) throw new Error('the benchmark build failed');
  return ms;
}
