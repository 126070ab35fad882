/**
 * The docs server: binds 127.0.0.1 by default, serves the site, and refuses every path
 * that would leave it (`..`, encoded `..`, absolute paths, backslashes, symlinks out).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSitePath, serveDocs } from '../../src/docs/index.js';
import { isStrataError } from '../../src/errors.js';

/** A project folder whose target/ holds a tiny site, with a secret file beside target/. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-serve-'));
  mkdirSync(join(dir, 'target', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: p\nversion: "1"\nconfig-version: 2\nprofile: p\n');
  writeFileSync(join(dir, 'target', 'index.html'), '<!doctype html><title>site</title>');
  writeFileSync(join(dir, 'target', 'strata-docs.js'), 'console.log(1)');
  writeFileSync(join(dir, 'target', 'sub', 'index.html'), 'sub');
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'target', 'link.txt'));
  return dir;
}

/** Send a raw request line (so nothing normalises the path) and return status and body. */
function raw(port: number, target: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('error', fail);
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      ok({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    s.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

test('serves the site on 127.0.0.1 and refuses paths outside it', async () => {
  const dir = fixture();
  const server = await serveDocs({ projectDir: dir, port: 0 });
  try {
    assert.equal(server.host, '127.0.0.1', 'binds the loopback address by default');
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const home = await fetch(server.url);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await home.text(), /<title>site<\/title>/);
    const js = await fetch(new URL('strata-docs.js?v=1', server.url));
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await raw(server.port, '/sub/')).body, 'sub');
    assert.equal((await raw(server.port, '/missing.html')).status, 404);
    assert.equal((await raw(server.port, '/sub')).status, 404, 'a folder is not a file');
    assert.equal((await raw(server.port, '/', 'POST')).status, 405);

    for (const target of [
      '/../secret.txt',
      '/sub/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/sub/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      `/${join(dir, 'secret.txt')}`,
      `//${join(dir, 'secret.txt').slice(1)}`,
      `/%2F${encodeURIComponent(join(dir, 'secret.txt').slice(1))}`,
      '/C:/Windows/win.ini',
      '/link.txt',
      '/.hidden',
    ]) {
      const r = await raw(server.port, target);
      assert.ok(r.status === 403 || r.status === 400, `${target} answered ${r.status}`);
      assert.doesNotMatch(r.body, /TOP SECRET/, target);
    }
    assert.equal((await raw(server.port, '/%zz')).status, 400);
    assert.equal((await raw(server.port, `http://127.0.0.1/../secret.txt`)).status, 400, 'absolute-form targets are refused');
  } finally {
    await server.close();
  }
});

test('resolveSitePath keeps requests inside the root', () => {
  const root = '/srv/site';
  assert.deepEqual(resolveSitePath(root, '/'), { ok: true, file: '/srv/site/index.html' });
  assert.deepEqual(resolveSitePath(root, '/a/b.js?x=../../y'), { ok: true, file: '/srv/site/a/b.js' });
  assert.deepEqual(resolveSitePath(root, '/a%20b.css'), { ok: true, file: '/srv/site/a b.css' });
  for (const bad of ['/../x', '/a/../../x', '/%2e%2e/x', '/.%2e/x', '/a%2f..%2f..%2fx', '//etc/passwd', '/a\\..\\x', '/x%00.html', 'x', '/D:/x']) {
    assert.equal(resolveSitePath(root, bad).ok, false, bad);
  }
});

test('serve binds only where asked, and says when there is nothing to serve', async () => {
  const dir = fixture();
  const server = await serveDocs({ siteDir: join(dir, 'target'), port: 0, host: '::1' }).catch(() => undefined);
  if (server) {
    assert.equal(server.host, '::1');
    await server.close();
  }
  const empty = mkdtempSync(join(tmpdir(), 'strata-serve-empty-'));
  await assert.rejects(serveDocs({ projectDir: empty, port: 0 }), (e: unknown) => isStrataError(e) && e.code === 'docs-not-generated' && /strata docs generate/.test(e.hint ?? ''));
  const first = await serveDocs({ projectDir: dir, port: 0 });
  try {
    await assert.rejects(serveDocs({ projectDir: dir, port: first.port }), (e: unknown) => isStrataError(e) && e.code === 'docs-port-in-use');
  } finally {
    await first.close();
  }
});
