/**
 * Real package sources for `deps` tests, on this machine: a package hub (dbt's hub API, served
 * over HTTP on a loopback port, its archives made by `git archive` as GitHub makes them), git
 * repositories with tags, and tarballs made by GNU tar.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { writeFiles, type Files } from './files.js';

/** A package's files by relative path. */
export type PackageFiles = Files;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A git repository whose commits are `versions` in order, each tagged with its name; its file:// URL. */
export function gitRepo(dir: string, versions: { tag: string; files: PackageFiles }[]): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet');
  for (const v of versions) {
    writeFiles(dir, v.files);
    git(dir, "add", "-A");
    git(dir, 'commit', '--quiet', '-m', v.tag);
    git(dir, 'tag', v.tag);
  }
  return `file://${dir}`;
}

/** The commit a tag of `dir` points at. */
export const gitSha = (dir: string, rev: string): string => git(dir, 'rev-parse', `${rev}^{commit}`);

/** A `.tar.gz` of `files` under one top folder, made by GNU tar. */
export function gnuTarball(work: string, top: string, files: PackageFiles): Buffer {
  const src = join(work, `tar-${top}`);
  rmSync(src, { recursive: true, force: true });
  writeFiles(join(src, top), files);
  const out = join(work, `${top}.tar.gz`);
  execFileSync('tar', ['-czf', out, '-C', src, top]);
  return readFileSync(out);
}

/** One version of a hub package. */
export interface HubRelease {
  version: string;
  /** The dbt project name it installs as. */
  name: string;
  files: PackageFiles;
  packages?: Record<string, unknown>[];
  require_dbt_version?: string[];
}

/** A package hub and file server on a loopback port. */
export interface PackageServer {
  url: string;
  /** Publish a hub package version (`org/name`), archived by `git archive` with a GitHub-style top folder. */
  publish(pkg: string, release: HubRelease): void;
  /** Serve `body` at `path` (a 404 once `body` is null). */
  serve(path: string, body: Buffer | null): void;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

export async function startPackageServer(work: string): Promise<PackageServer> {
  const files = new Map<string, Buffer | null>();
  const hub = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    let body: Buffer | null | undefined = files.get(path);
    if (path === '/api/v1/index.json') body = Buffer.from(JSON.stringify([...hub.keys()]));
    const m = /^\/api\/v1\/(.+)\.json$/.exec(path);
    if (m && hub.has(m[1]!)) {
      const [namespace, name] = m[1]!.split('/');
      body = Buffer.from(JSON.stringify({ name, namespace, versions: hub.get(m[1]!), latest: Object.keys(hub.get(m[1]!)!).pop() }));
    }
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/gzip' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    requests,
    serve: (path, body) => void files.set(path, body),
    publish(pkg, release) {
      const repo = join(work, 'hub-src', pkg.replace('/', '__'), release.version);
      rmSync(repo, { recursive: true, force: true });
      gitRepo(repo, [{ tag: `v${release.version}`, files: release.files }]);
      const top = `${pkg.split('/')[1]}-${release.version}`;
      const archive = execFileSync('git', ['archive', '--format=tar.gz', `--prefix=${top}/`, `v${release.version}`], { cwd: repo });
      const path = `/tarballs/${pkg}/${release.version}.tar.gz`;
      files.set(path, archive);
      const versions = hub.get(pkg) ?? {};
      versions[release.version] = {
        name: release.name,
        packages: release.packages ?? [],
        downloads: { tarball: `${url}${path.slice(1)}` },
        require_dbt_version: release.require_dbt_version ?? [],
        id: `${pkg}/${release.version}`,
        version: release.version,
      };
      hub.set(pkg, versions);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
