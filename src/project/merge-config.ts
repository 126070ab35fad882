/**
 * dbt's config merge rules: `tags` and hooks accumulate, `meta`, `grants` and `docs` merge
 * as dictionaries, everything else is replaced by the more specific value. Keys are
 * normalised first: a leading `+` is dropped, `pre-hook`/`post-hook` become
 * `pre_hook`/`post_hook`, a single tag or hook becomes a list.
 */
import { isRecord } from './yaml-file.js';

const ACCUMULATE = new Set(['tags', 'pre_hook', 'post_hook']);
const DICT_MERGE = new Set(['meta', 'grants', 'docs']);

/** The canonical name of a config key: no `+`, underscores for hooks. */
export function normalizeConfigKey(key: string): string {
  const k = key.startsWith('+') ? key.slice(1) : key;
  if (k === 'pre-hook') return 'pre_hook';
  if (k === 'post-hook') return 'post_hook';
  return k;
}

/** A config with canonical keys and list-valued `tags`, `pre_hook` and `post_hook`. */
export function normalizeConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(config)) {
    const key = normalizeConfigKey(rawKey);
    const v = ACCUMULATE.has(key) ? toList(value) : value;
    out[key] = key in out ? mergeValue(key, out[key], v) : v;
  }
  return out;
}

/** `override` applied over `base` with dbt's rules; neither input is changed. */
export function mergeConfig(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...normalizeConfig(base) };
  for (const [key, value] of Object.entries(normalizeConfig(override))) {
    out[key] = key in out ? mergeValue(key, out[key], value) : value;
  }
  return out;
}

function mergeValue(key: string, base: unknown, override: unknown): unknown {
  if (ACCUMULATE.has(key)) {
    const merged = [...toList(base), ...toList(override)];
    return key === 'tags' ? [...new Set(merged)] : merged;
  }
  if (DICT_MERGE.has(key) && isRecord(base) && isRecord(override)) {
    return { ...base, ...override };
  }
  return override;
}

function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
