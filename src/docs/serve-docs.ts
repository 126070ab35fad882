/**
 * `strata docs serve`: a small static file server for the generated site. It listens on
 * 127.0.0.1 unless told otherwise, answers GET and HEAD only, and refuses any path that
 * would leave the site folder (see {@link resolveSitePath}).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { readDbtProject } from '../project/index.js';
import { StrataError } from '../errors.js';
import { resolveSitePath } from './site-path.js';

/** Options of {@link serveDocs}. */
export interface ServeDocsOptions {
  /** The project whose `target/` is served (default: the current folder). */
  projectDir?: string;
  /** Serve this folder instead of the project's target path. */
  siteDir?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. Use `0.0.0.0` only to expose the docs on purpose. */
  host?: string;
  /** Called for each request answered, with its status. */
  onRequest?: (method: string, url: string, status: number) => void;
}

/** A running docs server. */
export interface DocsServer {
  /** `http://host:port/`. */
  url: string;
  host: string;
  port: number;
  /** The folder served. */
  siteDir: string;
  /** Stop listening and close open connections. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.sql': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** Find the folder to serve: `siteDir`, or the project's target path. */
async function siteFolder(o: ServeDocsOptions): Promise<string> {
  if (o.siteDir) return resolve(o.siteDir);
  const projectDir = resolve(o.projectDir ?? '.');
  let targetPath = join(projectDir, 'target');
  if (existsSync(join(projectDir, 'dbt_project.yml'))) {
    const proj = await readDbtProject(projectDir, projectDir);
    targetPath = resolve(projectDir, proj.config['target-path'] ?? 'target');
  }
  return targetPath;
}

/** Serve the generated documentation site. Resolves once listening. */
export async function serveDocs(o: ServeDocsOptions = {}): Promise<DocsServer> {
  const siteDir = await siteFolder(o);
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new StrataError('docs-not-generated', `there is no documentation site in ${siteDir}`, { hint: 'run `strata docs generate` first' });
  }
  const host = o.host ?? '127.0.0.1';
  const answer = (req: IncomingMessage, res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
    o.onRequest?.(req.method ?? '', req.url ?? '', status);
  };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return answer(req, res, 405, 'Method not allowed\n');
    }
    const r = resolveSitePath(siteDir, req.url ?? '');
    if (!r.ok) return answer(req, res, r.status, `Refused: ${r.reason}\n`);
    let size: number;
    try {
      const st = statSync(r.file);
      if (!st.isFile()) return answer(req, res, 404, 'Not found\n');
      size = st.size;
    } catch {
      return answer(req, res, 404, 'Not found\n');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(r.file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    o.onRequest?.(req.method, req.url ?? '', 200);
    if (req.method === 'HEAD') return res.end();
    createReadStream(r.file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      fail(
        e.code === 'EADDRINUSE'
          ? new StrataError('docs-port-in-use', `port ${o.port ?? 8080} on ${host} is already in use`, { hint: 'choose another with --port' })
          : new StrataError('docs-serve', `could not listen on ${host}:${o.port ?? 8080}: ${e.message}`),
      );
    });
    server.listen(o.port ?? 8080, host, () => ok());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`,
    host: addr.address,
    port: addr.port,
    siteDir,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
