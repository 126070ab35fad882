/**
 * Strata installs as an npm package: `npm pack` of this checkout, installed into an empty
 * folder (from npm's cache where it can, which `npm ci` filled), gives a working `npx strata`
 * (init, build, parse, the shipped profiles_sync package) and the programmatic API.
 * Needs the built JavaScript (`npm run build`), as the package does (`prepack` builds it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
}

test('npm pack, npm install, then npx strata and the API work in an empty folder', { timeout: 240_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first: the package ships dist/');
  const dir = mkdtempSync(join(tmpdir(), 'strata-install-'));
  sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((n) => n.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'install-check', version: '1.0.0', private: true, type: 'module' }));
  sh('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'], dir);

  assert.match(sh('npx', ['--no-install', 'strata', '--version'], dir), /^\d+\.\d+\.\d+/);
  sh('npx', ['--no-install', 'strata', 'init', 'shop'], dir);
  const shop = join(dir, 'shop');
  const built = sh('npx', ['--no-install', 'strata', 'build', '--no-color'], shop);
  assert.match(built, /Completed successfully/);
  assert.match(sh('npx', ['--no-install', 'strata', 'parse', '--no-color'], shop), /cache: 2 reused/);
  assert.match(sh('npx', ['--no-install', 'strata', 'parse', '--no-color'], shop), /Nothing changed since the last parse/);

  // The shipped package resolves from the installed Strata.
  writeFileSync(join(shop, 'packages.yml'), 'packages:\n  - package: strata/profiles_sync\n');
  assert.match(sh('npx', ['--no-install', 'strata', 'ls', '--resource-type', 'model', '--output', 'name'], shop), /\bid_graph\b/);

  // The typed API from the package's entry point.
  writeFileSync(join(dir, 'api.mjs'), `import { parse } from 'strata';\nconst p = await parse({ projectDir: 'shop', logFormat: 'json' });\nconsole.log('models', Object.values(p.manifest.nodes).filter((n) => n.resource_type === 'model').length);\n`);
  assert.match(sh('node', ['api.mjs'], dir), /models \d+/);
});
