/**
 * profiles.yml: where it is found, which profile and target are used, and which target
 * fields are secrets. Order of places: `--profiles-dir`, `STRATA_PROFILES_DIR`,
 * `DBT_PROFILES_DIR`, the project folder, `~/.dbt`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { displayPath } from './display-path.js';
import type { RenderHook, ResolvedTarget } from './types.js';
import { inputExists, readInput } from './input-log.js';
import { isRecord, YamlFile } from './yaml-file.js';

/** Where profiles.yml was found and why. */
export interface ProfilesLocation {
  /** Absolute path of profiles.yml. */
  file: string;
  /** Which rule found it. */
  via: 'profiles-dir' | 'STRATA_PROFILES_DIR' | 'DBT_PROFILES_DIR' | 'project' | 'home';
}

/**
 * Find profiles.yml as dbt does. An explicit folder (flag or env var) is taken relative to
 * the current folder, as dbt takes it, and without a profiles.yml is an error; otherwise
 * `null` when none exists.
 */
export function findProfiles(projectDir: string, profilesDir: string | undefined, env: NodeJS.ProcessEnv): ProfilesLocation | null {
  const explicit: [ProfilesLocation['via'], string | undefined][] = [
    ['profiles-dir', profilesDir],
    ['STRATA_PROFILES_DIR', env['STRATA_PROFILES_DIR']],
    ['DBT_PROFILES_DIR', env['DBT_PROFILES_DIR']],
  ];
  for (const [via, dir] of explicit) {
    if (!dir) continue;
    const folder = resolve(dir);
    const file = join(folder, 'profiles.yml');
    if (!inputExists(file)) {
      throw new StrataError('profiles-not-found', `No profiles.yml in ${folder} (from ${via === 'profiles-dir' ? '--profiles-dir' : via})`, {
        hint: 'Point it at the folder that holds profiles.yml, or unset it to use the project folder or ~/.dbt.',
      });
    }
    return { file, via };
  }
  const inProject = join(projectDir, 'profiles.yml');
  if (inputExists(inProject)) return { file: inProject, via: 'project' };
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  const inHome = join(home, '.dbt', 'profiles.yml');
  if (inputExists(inHome)) return { file: inHome, via: 'home' };
  return null;
}

const SECRET_NAME = /(^|_)(password|passwd|pass|token)$|^private_key|secret/i;

/** Whether a target field's name marks it as a secret (`password`, `token`, `private_key*`, `*secret*`). */
export function isSecretFieldName(name: string): boolean {
  return SECRET_NAME.test(name) || /password/i.test(name);
}

/** The resolved target, or `null` when a profile is missing from `~/.dbt/profiles.yml`. */
export interface ResolveProfileResult {
  target: ResolvedTarget | null;
  notice?: string;
}

/**
 * Read the profile `profileName` from `location` and pick the target (`targetOverride`,
 * else the profile's `target:`, else `default`). Fields are rendered with `render`.
 */
export async function resolveProfile(
  location: ProfilesLocation,
  profileName: string,
  targetOverride: string | undefined,
  rootDir: string,
  env: NodeJS.ProcessEnv,
  render?: RenderHook,
): Promise<ResolveProfileResult> {
  const file = displayPath(rootDir, location.file);
  const source = readInput(location.file).contents;
  const yaml = new YamlFile(file, source);
  const rawDoc = structuredClone(yaml.value);
  // Only the chosen profile's `target:` and then the chosen target's fields are rendered,
  // so other targets may name env vars that are not set here.
  await yaml.render(render, 'profile', (p) => p[0] === profileName && p[1] === 'target' && p.length === 2);
  const doc = yaml.value;
  if (doc !== null && doc !== undefined && !isRecord(doc)) {
    throw yaml.error('profile-invalid', `${file} must be a mapping of profile names`, { file, line: 1, column: 1 });
  }
  const profiles = isRecord(doc) ? doc : {};
  const names = Object.keys(profiles).filter((n) => n !== 'config');
  const profile = profiles[profileName];
  if (profile === undefined) {
    if (location.via === 'home') {
      return { target: null, notice: `profile "${profileName}" is not in ${location.file}: using embedded DuckDB` };
    }
    throw new StrataError('profile-not-found', `Profile "${profileName}" (named in dbt_project.yml) is not in ${file}`, {
      position: { file, line: 1, column: 1 },
      source,
      hint: names.length ? `Profiles in this file: ${names.join(', ')}.` : 'The file defines no profiles.',
    });
  }
  if (!isRecord(profile)) {
    throw yaml.error('profile-invalid', `Profile "${profileName}" must be a mapping with \`target\` and \`outputs\``, yaml.posOf(profiles, profileName));
  }
  const outputs = profile['outputs'];
  if (!isRecord(outputs) || Object.keys(outputs).length === 0) {
    throw yaml.error('profile-invalid', `Profile "${profileName}" has no \`outputs\``, yaml.posOf(profiles, profileName), 'Add `outputs:` with at least one target, such as `dev: {type: duckdb}`.');
  }
  const targetName = targetOverride ?? (profile['target'] === undefined || profile['target'] === null ? 'default' : String(profile['target']));
  const fields = outputs[targetName];
  if (fields === undefined) {
    const where = targetOverride === undefined && profile['target'] !== undefined ? yaml.posOf(profile, 'target') : yaml.posOf(profile, 'outputs');
    throw yaml.error(
      'target-not-found',
      `Target "${targetName}" is not an output of profile "${profileName}"`,
      where,
      `Targets of this profile: ${Object.keys(outputs).join(', ')}.`,
    );
  }
  if (!isRecord(fields)) throw yaml.error('profile-invalid', `Target "${targetName}" must be a mapping of connection fields`, yaml.posOf(outputs, targetName));
  await yaml.render(render, 'profile', (p) => p[0] === profileName && p[1] === 'outputs' && p[2] === targetName);
  const type = fields['type'];
  if (typeof type !== 'string' || type === '') {
    throw yaml.error('profile-invalid', `Target "${targetName}" of profile "${profileName}" has no \`type\``, yaml.posOf(outputs, targetName), 'Add `type: duckdb` or `type: postgres`.');
  }
  const threadsRaw = fields['threads'] ?? 1;
  const threads = typeof threadsRaw === 'number' ? threadsRaw : Number(threadsRaw);
  if (!Number.isInteger(threads) || threads < 1) {
    throw yaml.error('profile-invalid', `\`threads\` of target "${targetName}" must be a positive whole number`, yaml.posOf(fields, 'threads'));
  }
  const rawProfile = isRecord(rawDoc) ? rawDoc[profileName] : undefined;
  const rawOutputs = isRecord(rawProfile) ? rawProfile['outputs'] : undefined;
  const rawFields = isRecord(rawOutputs) ? rawOutputs[targetName] : undefined;
  return {
    target: {
      profileName,
      targetName,
      type,
      threads,
      fields: { ...fields, threads },
      secretFields: findSecrets(fields, isRecord(rawFields) ? rawFields : {}, env),
      file: location.file,
    },
  };
}

/** Dotted paths of `fields` that are secrets: by name, or from a `DBT_ENV_SECRET_*` env var. */
export function findSecrets(fields: Record<string, unknown>, rawFields: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  // Names first, then only those values: the parse fingerprint records exactly what is read.
  const secretValues = new Set(
    Object.keys(env)
      .filter((k) => k.startsWith('DBT_ENV_SECRET_'))
      .map((k) => env[k])
      .filter((v): v is string => Boolean(v)),
  );
  const out: string[] = [];
  const walk = (value: unknown, raw: unknown, path: string, name: string): void => {
    if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, isRecord(raw) ? raw[k] : undefined, path ? `${path}.${k}` : k, k);
      return;
    }
    const fromSecretEnv = (typeof raw === 'string' && raw.includes('DBT_ENV_SECRET_')) || (typeof value === 'string' && secretValues.has(value));
    if (isSecretFieldName(name) || fromSecretEnv) out.push(path);
  };
  walk(fields, rawFields, '', '');
  return out;
}

/** A copy of `t` with every secret field replaced by `*****`, safe to print or store. */
export function redactTarget(t: ResolvedTarget): ResolvedTarget {
  const fields = structuredClone(t.fields);
  for (const path of t.secretFields) {
    const parts = path.split('.');
    let obj: Record<string, unknown> = fields;
    for (const p of parts.slice(0, -1)) {
      const next = obj[p];
      if (!isRecord(next)) break;
      obj = next;
    }
    const last = parts[parts.length - 1]!;
    if (last in obj) obj[last] = '*****';
  }
  return { ...t, fields };
}

/** The secret strings of `t` and of `DBT_ENV_SECRET_*` env vars, to scrub from any text. */
export function secretValues(t: ResolvedTarget | null, env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(env)) if (k.startsWith('DBT_ENV_SECRET_') && v) out.add(v);
  if (t) {
    for (const path of t.secretFields) {
      let v: unknown = t.fields;
      for (const p of path.split('.')) v = isRecord(v) ? v[p] : undefined;
      if (typeof v === 'string' && v !== '') out.add(v);
      else if (typeof v === 'number') out.add(String(v));
    }
  }
  return [...out];
}

/** `text` with every secret value replaced by `*****`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('*****');
  return out;
}
