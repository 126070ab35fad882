/**
 * `strata parse`: when nothing the last `strata parse` read has changed (files, folders,
 * env vars, options; checked with `stat`, see `fingerprint.ts`), its manifest is current
 * and only gets this invocation's id and time. When only the SQL of some models changed
 * and they ask for the same refs, sources and config, their entries in the manifest are
 * patched (`patch.ts`). Otherwise the project is parsed (reusing the parse cache) and the
 * manifest and fingerprint written. This module imports the parser only when it has to
 * render, so a check with nothing to do starts quickly.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CommonOptions } from './parse-api.js';
import type { ParsedProject } from './parser.js';
import type { PatchResult } from './patch.js';
import { checkParseCurrent, restampManifest } from './fingerprint.js';
import { reporterFor } from '../report/reporter.js';
import type { ParseWarning } from './parse-warning.js';

/** What `strata parse` did: nothing (the manifest on disk is current), a patch of the changed models, or a parse. */
export type ParseCommandResult =
  | { current: true; manifestFile: string; summary: string; files: number }
  | { current: false; patched: PatchResult }
  | { current: false; parsed: ParsedProject; patched?: undefined };

/** Run `strata parse` with the CLI's options. */
export async function parseCommand(o: CommonOptions & { flags?: Record<string, unknown> } = {}): Promise<ParseCommandResult> {
  if (o.partialParse !== false) {
    const vars = typeof o.vars === 'string' ? (await import('./parse-api.js')).parseVars(o.vars) : (o.vars ?? {});
    const check = checkParseCurrent({ projectDir: resolve(o.projectDir ?? '.'), profilesDir: o.profilesDir, profile: o.profile, target: o.target, targetPath: o.targetPath, vars, flags: o.flags }, process.env);
    if (check.current) {
      restampManifest(check.manifestFile, randomUUID(), new Date().toISOString());
      const reporter = reporterFor(o);
      for (const n of check.notices) reporter.info(n);
      await reportWarnings(reporter, check.warnings, o);
      return { current: true, manifestFile: check.manifestFile, summary: check.summary, files: check.files };
    }
    if (check.changed) {
      const reporter = reporterFor(o);
      const { patchManifest } = await import('./patch.js');
      const patched = await patchManifest({ projectDir: resolve(o.projectDir ?? '.'), profilesDir: o.profilesDir, profile: o.profile, target: o.target, targetPath: o.targetPath, vars, flags: o.flags }, check.changed);
      if (patched) {
        reporter.addSecrets(patched.secrets);
        for (const m of patched.logged) {
          if (m.print) reporter.printed(m.message);
          else reporter.info(m.message);
        }
        for (const n of patched.notices) reporter.info(n);
        await reportWarnings(reporter, patched.warnings, o);
        return { current: false, patched };
      }
    }
  }
  const { parse } = await import('./parse-api.js');
  return { current: false, parsed: await parse(o) };
}

/** The parse's warnings, as `parse` reports them (the parser is loaded only when --warn-error may turn one into an error). */
async function reportWarnings(reporter: { warn(message: string): void }, warnings: readonly ParseWarning[], o: CommonOptions): Promise<void> {
  if (warnings.length && (o.warnError || o.warnErrorOptions !== undefined)) return (await import('./parse-api.js')).reportParseWarnings(reporter, warnings, o);
  for (const w of warnings) reporter.warn(w.message);
}
