/** `strata debug`: check the project, the profile, the target and the connection, one line each. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { formatError } from '../errors.js';
import { redactTarget } from '../project/index.js';
import { parse, type CommonOptions } from '../api.js';
import { openAdapter } from '../runner/run.js';
import { STRATA_VERSION } from '../parse/manifest.js';

export async function debugProject(o: CommonOptions, stream: NodeJS.WritableStream = process.stdout): Promise<number> {
  const out = (s: string) => void stream.write(s + '\n');
  out(`strata version: ${STRATA_VERSION}`);
  out(`node version: ${process.version}`);
  // as dbt debug: git matters only to `strata deps` for git packages, so it is reported, not required
  let git: string;
  try {
    git = `OK (${execFileSync('git', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()})`;
  } catch {
    git = 'not found (only `strata deps` of git packages needs it)';
  }
  out(`git: ${git}`);
  out(`project folder: ${resolve(o.projectDir ?? '.')}`);
  let ok = true;
  try {
    const parsed = await parse({ ...o, partialParse: false });
    const p = parsed.project;
    out(`dbt_project.yml: OK (project '${p.root.name}', ${p.packages.length - 1} package${p.packages.length === 2 ? '' : 's'})`);
    if (p.profile) {
      const t = redactTarget(p.profile);
      out(`profiles.yml: OK (${t.file})`);
      out(`profile '${t.profileName}', target '${t.targetName}', type ${t.type}, threads ${t.threads}`);
      for (const [k, v] of Object.entries(t.fields)) out(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    } else {
      out(`profiles.yml: none found; using embedded DuckDB at ${p.defaultDuckdbPath}`);
    }
    try {
      const adapter = await openAdapter(parsed, 1);
      try {
        await adapter.withSession((s) => s.execute('select 1', { fetch: true }));
        out('connection: OK');
      } finally {
        await adapter.close();
      }
    } catch (e) {
      ok = false;
      out(`connection: FAILED\n${formatError(e)}`);
    }
  } catch (e) {
    ok = false;
    out(`project: FAILED\n${formatError(e)}`);
  }
  out(ok ? 'All checks passed!' : 'Some checks failed.');
  return ok ? 0 : 1;
}
