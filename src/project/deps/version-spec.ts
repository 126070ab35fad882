/**
 * Package versions as dbt's hub writes and constrains them: `1.2.3`, `1.2.3-b1`, and
 * constraints `=`, `>`, `>=`, `<`, `<=` (no matcher means exactly). A set of constraints is
 * met by the highest installable version that meets each one; a prerelease is installable
 * only when asked for (`install_prerelease`, or a constraint that names a prerelease), and
 * `<X` never admits a prerelease of X itself (`<2.0.0` does not install `2.0.0-b1`).
 */

/** One version: numbers, an optional prerelease tag and build (the build does not order). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
  text: string;
}

export type Matcher = '=' | '>' | '>=' | '<' | '<=';

/** One constraint: a matcher and the version it compares against. */
export interface VersionConstraint {
  matcher: Matcher;
  version: Version;
  text: string;
}

const PART = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const VERSION_RE = new RegExp(
  `^(>=|>|<=|<|=)?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-?(${PART}(?:\\.${PART})*))?(?:\\+([0-9A-Za-z-]*(?:\\.[0-9A-Za-z-]*)*))?$`,
);

/** Parse a constraint such as `>=1.0.0` or `1.1.1`; `undefined` when it is not one. */
export function parseConstraint(text: string): VersionConstraint | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const version: Version = { major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), text: text.trim().slice(m[1]?.length ?? 0) };
  if (m[5] !== undefined && m[5] !== '') version.prerelease = m[5];
  return { matcher: (m[1] as Matcher | undefined) ?? '=', version, text: text.trim() };
}

/** Parse a bare version (no matcher); `undefined` when it is not one. */
export function parseVersion(text: string): Version | undefined {
  const c = parseConstraint(text);
  return c && !/^[<>=]/.test(text.trim()) ? c.version : undefined;
}

/** Order two prerelease tags: numeric parts as numbers, below alphanumeric ones; a shorter tag first. */
function comparePrerelease(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (xn !== yn) return xn ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** Semantic-version order: numbers, then a prerelease below its release. */
export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (a.prerelease === undefined && b.prerelease === undefined) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/** Whether `v` meets the constraint. */
export function satisfies(v: Version, c: VersionConstraint): boolean {
  const cmp = compareVersions(v, c.version);
  switch (c.matcher) {
    case '=':
      return cmp === 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '<': {
      // `<2.0.0` stops before 2.0.0's prereleases too
      const sameRelease = v.major === c.version.major && v.minor === c.version.minor && v.patch === c.version.patch;
      if (c.version.prerelease === undefined && v.prerelease !== undefined && sameRelease) return false;
      return cmp < 0;
    }
  }
}

/**
 * The highest of `available` (version strings) meeting every constraint, considering
 * prereleases only when `prerelease` is set; `undefined` when none does.
 */
export function pickVersion(available: readonly string[], constraints: readonly VersionConstraint[], prerelease: boolean): string | undefined {
  let best: Version | undefined;
  for (const text of available) {
    const v = parseVersion(text);
    if (!v || (v.prerelease !== undefined && !prerelease)) continue;
    if (!constraints.every((c) => satisfies(v, c))) continue;
    if (!best || compareVersions(best, v) < 0) best = { ...v, text };
  }
  return best?.text;
}

/** The constraints as one string, e.g. `>=1.0.0, <2.0.0` (`ANY` when there are none). */
export function describeConstraints(constraints: readonly VersionConstraint[]): string {
  return constraints.length ? constraints.map((c) => c.text).join(', ') : 'ANY';
}
