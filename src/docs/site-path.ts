/**
 * Map a request's target to a file inside the site folder, refusing anything that could
 * leave it: `..` segments (also percent-encoded), absolute or drive paths, backslashes,
 * NUL bytes and symbolic links pointing outside.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The outcome of {@link resolveSitePath}. */
export type SitePathResult =
  | { ok: true; file: string }
  | { ok: false; status: 400 | 403; reason: string };

/**
 * The file `requestTarget` (the raw request line's target, e.g. `/a/b.js?x=1`) names
 * inside `root`, or why it is refused. `/` and folder paths name their `index.html`.
 * The file need not exist (the caller answers 404); symbolic links are followed and
 * refused when they end outside `root`.
 */
export function resolveSitePath(root: string, requestTarget: string): SitePathResult {
  if (!requestTarget.startsWith('/')) return { ok: false, status: 400, reason: 'the request target is not a path' };
  let path = requestTarget.replace(/[?#].*$/s, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    return { ok: false, status: 400, reason: 'the path is not valid percent-encoding' };
  }
  if (path.includes('\0')) return { ok: false, status: 400, reason: 'the path holds a NUL byte' };
  if (path.includes('\\')) return { ok: false, status: 403, reason: 'backslashes are not allowed' };
  if (path.startsWith('//') || /^\/[a-zA-Z]:/.test(path)) return { ok: false, status: 403, reason: 'absolute paths are outside the site' };
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403, reason: "'..' leaves the site" };
  if (segments.some((s) => s.startsWith('.') && s.length > 0)) return { ok: false, status: 403, reason: 'hidden files are not served' };
  const rootAbs = resolve(root);
  const rel = path.endsWith('/') ? `${path}index.html` : path;
  const file = resolve(rootAbs, `.${rel}`);
  if (!inside(rootAbs, file)) return { ok: false, status: 403, reason: 'the path is outside the site' };
  // Follow symbolic links of what exists; a link out of the site is refused.
  try {
    const real = realpathSync(file);
    if (!inside(realpathSync(rootAbs), real)) return { ok: false, status: 403, reason: 'the path links outside the site' };
  } catch {
    // Missing: the caller answers 404.
  }
  return { ok: true, file };
}

function inside(root: string, file: string): boolean {
  const r = relative(root, file);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}
