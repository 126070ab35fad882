/**
 * A `ref(…)` or `source(…)` written as text in YAML (a generic test's argument, an exposure's
 * `depends_on`, a foreign key's `to`), read without rendering it.
 */

const REF = /^\s*ref\s*\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?(?:,\s*(?:v|version)\s*=\s*(['"]?)([^'",)\s]+)\5\s*)?\)\s*$/;
const SOURCE = /^\s*source\s*\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*$/;

export type RefCall = { ref: { name: string; package?: string; version?: string } } | { source: [string, string] };

/** `{ ref }` (with its package and version, if given) or `{ source }`; undefined for anything else. */
export function readRefCall(text: string): RefCall | undefined {
  const r = REF.exec(text);
  if (r) {
    const ref: { name: string; package?: string; version?: string } = r[4] !== undefined ? { name: r[4], package: r[2]! } : { name: r[2]! };
    if (r[6] !== undefined) ref.version = r[6];
    return { ref };
  }
  const s = SOURCE.exec(text);
  if (s) return { source: [s[2]!, s[4]!] };
  return undefined;
}
