/** `strata docs serve` as a process: prints its 127.0.0.1 URL, serves, refuses `../`, stops on SIGINT. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function get(url: string, path: string): Promise<number> {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

test('docs serve listens on 127.0.0.1, refuses ../ and stops on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-serve-cli-'));
  mkdirSync(join(dir, 'target'));
  writeFileSync(join(dir, 'target', 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve-cli-child.ts'), '--project-dir', dir, '--port', '0', '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /Serving the documentation at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      });
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await get(url, '/'), 200);
    assert.equal(await get(url, '/../secret.txt'), 403);
    assert.equal(await get(url, '/%2e%2e/secret.txt'), 403);
    const code = await new Promise<number | null>((ok) => {
      child.on('exit', (c) => ok(c));
      child.kill('SIGINT');
    });
    assert.equal(code, 0);
    assert.match(out, /stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
