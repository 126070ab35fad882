/**
 * Where `strata deps` gets packages from: dbt's package hub (its JSON API, at
 * `DBT_PACKAGE_HUB_URL` when set), any HTTP(S) URL for tarballs, and git (the `git` command,
 * as dbt uses it, so the user's credentials and SSH keys work unchanged).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { StrataError } from '../../errors.js';

/** One version of a hub package, as the hub's API describes it. */
export interface HubVersion {
  name: string;
  packages: unknown[];
  downloads: { tarball: string };
  require_dbt_version?: string | string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds an HTTP request may take (`DBT_HTTP_TIMEOUT`, as dbt). */
function httpTimeoutMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env['DBT_HTTP_TIMEOUT']);
  return (Number.isFinite(s) && s > 0 ? s : 30) * 1000;
}

/**
 * GET `url`, retrying network errors and server errors (5 attempts, as dbt); a client error
 * (404 …) fails at once.
 */
export async function httpGet(url: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  let last = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(httpTimeoutMs(env)), redirect: 'follow' });
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      last = `HTTP ${res.status} ${res.statusText}`;
      if (res.status < 500) break;
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      last = cause?.code ?? cause?.message ?? (e as Error).message;
    }
    if (attempt < 5) await sleep(250 * 2 ** attempt);
  }
  throw new StrataError('package-download', `Could not download ${what} from ${url}: ${last}`, {
    hint: 'Check the URL and that this machine can reach it.',
  });
}

/** The package hub: its index and each package's versions, each fetched once. */
export class HubClient {
  private index: Promise<Set<string>> | undefined;
  private readonly packages = new Map<string, Promise<{ versions: Record<string, HubVersion>; movedTo?: string }>>();
  readonly baseUrl: string;

  constructor(readonly env: NodeJS.ProcessEnv = process.env) {
    const base = env['DBT_PACKAGE_HUB_URL'] || 'https://hub.getdbt.com/';
    this.baseUrl = base.endsWith('/') ? base : base + '/';
  }

  private async json(path: string, what: string): Promise<unknown> {
    const url = `${this.baseUrl}api/v1/${path}.json`;
    const body = await httpGet(url, what, this.env);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new StrataError('package-hub', `The package hub answered ${url} with something that is not JSON`);
    }
  }

  /** Whether the hub lists `name` (`org/package`). */
  async has(name: string): Promise<boolean> {
    this.index ??= this.json('index', 'the package index').then((v) => {
      if (!Array.isArray(v)) throw new StrataError('package-hub', `The package hub's index at ${this.baseUrl} is not a list of packages`);
      return new Set(v.map(String));
    });
    return (await this.index).has(name);
  }

  /** The hub's entry for `name`: every version by version string, and where it moved (if it did). */
  private entry(name: string): Promise<{ versions: Record<string, HubVersion>; movedTo?: string }> {
    let p = this.packages.get(name);
    if (!p) {
      p = this.json(name, `the hub's entry for ${name}`).then((v) => {
        const rec = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
        const versions = rec['versions'];
        if (!versions || typeof versions !== 'object') throw new StrataError('package-hub', `The package hub's entry for ${name} has no versions`);
        const moved = 'redirectnamespace' in rec || 'redirectname' in rec;
        const movedTo = moved ? `${String(rec['redirectnamespace'] ?? rec['namespace'])}/${String(rec['redirectname'] ?? rec['name'])}` : undefined;
        return { versions: versions as Record<string, HubVersion>, movedTo };
      });
      this.packages.set(name, p);
    }
    return p;
  }

  /** Every version of `name`, by version string. */
  async versions(name: string): Promise<Record<string, HubVersion>> {
    return (await this.entry(name)).versions;
  }

  /** Where the hub says `name` moved, when it says so. */
  async movedTo(name: string): Promise<string | undefined> {
    return (await this.entry(name)).movedTo;
  }
}

/** Run git in `cwd`; its trimmed stdout. */
export function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new StrataError('package-git', missing ? 'git is not installed, and git packages need it' : `git ${args[0]} failed: ${String(stderr).trim() || err.message}`, {
            hint: missing ? 'Install git, or use a hub or tarball package.' : undefined,
          }),
        );
      } else resolve(String(stdout).trim());
    });
  });
}

const isSha = (rev: string): boolean => /^[0-9a-f]{40}$/.test(rev);

/**
 * Check out `url` at `revision` (a tag, a branch, a commit, or HEAD) into `dest`, shallow
 * when the server allows; the commit it resolved to.
 */
export async function gitCheckout(url: string, revision: string, dest: string): Promise<string> {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const fail = (e: unknown): never => {
    const message = e instanceof Error ? e.message : String(e);
    throw new StrataError('package-git', `Could not check out ${url} at ${revision === 'HEAD' ? 'its default branch' : `revision ${revision}`}: ${message}`, {
      hint: 'Check the URL, that the revision (tag, branch or full commit id) exists, and that git can reach the repository.',
    });
  };
  try {
    if (isSha(revision)) {
      await git(['init', '--quiet'], dest);
      await git(['remote', 'add', 'origin', url], dest);
      try {
        await git(['fetch', '--quiet', '--depth', '1', 'origin', revision], dest);
      } catch {
        await git(['fetch', '--quiet', 'origin'], dest); // servers that refuse a shallow fetch of a commit
      }
      await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', revision], dest);
    } else {
      const branch = revision === 'HEAD' ? [] : ['--branch', revision];
      await git(['-c', 'advice.detachedHead=false', 'clone', '--quiet', '--depth', '1', ...branch, url, '.'], dest);
    }
    return await git(['rev-parse', 'HEAD'], dest);
  } catch (e) {
    return fail(e);
  }
}
