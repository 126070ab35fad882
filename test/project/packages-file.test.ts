import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackagesFile, loadProject } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';
import { regexRender } from './helpers.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-pkgs-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'local and shipped packages resolve to folders; a rendered local path works',
  withDir(async (dir) => {
    mkdirSync(join(dir, 'vendor', 'a'), { recursive: true });
    mkdirSync(join(dir, 'strata', 'packages', 'segment'), { recursive: true });
    writeFileSync(join(dir, 'vendor', 'a', 'dbt_project.yml'), 'name: a\n');
    writeFileSync(join(dir, 'strata', 'packages', 'segment', 'dbt_project.yml'), 'name: segment\n');
    writeFileSync(join(dir, 'dependencies.yml'), "packages:\n  - local: \"{{ env_var('VENDOR', 'vendor') }}/a\"\n  - package: strata/segment\n");
    const deps = await readPackagesFile(dir, dir, join(dir, 'strata'), regexRender({}));
    assert.deepEqual(
      deps.map((d) => [d.source, d.dir, d.position.line]),
      [
        ['local', join(dir, 'vendor', 'a'), 2],
        ['strata', join(dir, 'strata', 'packages', 'segment'), 3],
      ],
    );
  }),
);

test(
  'unknown shipped package, both files, projects: and tarballs are errors with positions',
  withDir(async (dir) => {
    const check = async (text: string, code: string, line: number, file = 'packages.yml') => {
      writeFileSync(join(dir, file), text);
      await assert.rejects(readPackagesFile(dir, dir, dir), (e: unknown) => {
        assert.ok(e instanceof StrataError);
        assert.equal(e.code, code, e.message);
        assert.equal(e.position?.line, line);
        return true;
      });
      rmSync(join(dir, file));
    };
    await check('packages:\n  - package: strata/nope\n', 'package-not-found', 2);
    await check('packages:\n  - tarball: https://x/y.tgz\n    name: y\n', 'package-unsupported', 2);
    await check('projects:\n  - name: upstream\n', 'package-unsupported', 1, 'dependencies.yml');
    await check('packages: {local: x}\n', 'packages-invalid', 1);
    await check('packages:\n  - version: 1\n', 'packages-invalid', 2);
    writeFileSync(join(dir, 'packages.yml'), 'packages: []\n');
    await check('packages: []\n', 'packages-invalid', 1, 'dependencies.yml');
  }),
);

test(
  'a diamond of local packages loads each package once, root first',
  withDir(async (dir) => {
    const pkg = (name: string, deps: string[]) => {
      const d = join(dir, name);
      mkdirSync(join(d, 'models'), { recursive: true });
      writeFileSync(join(d, 'dbt_project.yml'), `name: ${name}\n`);
      writeFileSync(join(d, 'models', `${name}_model.sql`), 'select 1');
      if (deps.length) writeFileSync(join(d, 'packages.yml'), `packages:\n${deps.map((x) => `  - local: ../${x}`).join('\n')}\n`);
    };
    pkg('base', []);
    pkg('left', ['base']);
    pkg('right', ['base']);
    pkg('app', ['left', 'right']);
    const p = await loadProject({ projectDir: join(dir, 'app'), strataRoot: dir, env: { HOME: dir } });
    assert.deepEqual(p.packages.map((x) => x.name), ['app', 'left', 'base', 'right']);
    assert.deepEqual(p.packages.find((x) => x.name === 'right')!.dependencies, ['base']);
    assert.equal(p.packages[2]!.files[0]!.path, 'models/base_model.sql');
  }),
);
