import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
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
      deps.map((d) => [d.source, d.source === 'installed' ? d.spec : d.dir, d.position.line]),
      [
        ['local', join(dir, 'vendor', 'a'), 2],
        ['strata', join(dir, 'strata', 'packages', 'segment'), 3],
      ],
    );
  }),
);

test(
  'unknown shipped package, both files and projects: are errors with positions',
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

test(
  'hub, git, tarball and private packages are left to `dbt deps`; a hub package names the project it installs as',
  withDir(async (dir) => {
    writeFileSync(
      join(dir, 'packages.yml'),
      'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - git: https://example.com/x/dbt-audit.git\n    revision: main\n  - tarball: https://x/y.tgz\n    name: y\n  - private: org/repo\n',
    );
    const deps = await readPackagesFile(dir, dir, dir);
    assert.deepEqual(
      deps.map((d) => (d.source === 'installed' ? [d.spec, d.name, d.position.line] : d.dir)),
      [
        ['dbt-labs/dbt_utils', 'dbt_utils', 2],
        ['git https://example.com/x/dbt-audit.git', undefined, 4],
        ['tarball https://x/y.tgz', undefined, 6],
        ['private org/repo', undefined, 8],
      ],
    );
  }),
);

/** A package folder: dbt_project.yml, a macro, and packages.yml entries when given. */
function writePackage(dir: string, name: string, packages: string[] = [], projectExtra = ''): void {
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), `name: ${name}\n${projectExtra}`);
  writeFileSync(join(dir, 'macros', `${name}.sql`), `{% macro ${name}_hello() %}1{% endmacro %}\n`);
  if (packages.length) writeFileSync(join(dir, 'packages.yml'), `packages:\n${packages.map((p) => `  - ${p}\n`).join('')}`);
}

test(
  'packages installed by `dbt deps` are built from packages-install-path, all of them, as in dbt',
  withDir(async (dir) => {
    const app = join(dir, 'app');
    writePackage(app, 'app', ['package: dbt-labs/dbt_utils\n    version: 1.1.1', 'git: https://example.com/x/dbt-expectations.git', 'local: ../mine'], 'packages-install-path: vendor\n');
    writePackage(join(dir, 'mine'), 'mine');
    // what `dbt deps` leaves: each package in a folder named after its project, the git one's
    // own hub dependency installed beside it, a local package linked in, and a package
    // packages.yml no longer names (dbt builds it too)
    writePackage(join(app, 'vendor', 'dbt_utils'), 'dbt_utils');
    writePackage(join(app, 'vendor', 'dbt_expectations'), 'dbt_expectations', ['package: calogica/dbt_date\n    version: 0.10.0']);
    writePackage(join(app, 'vendor', 'dbt_date'), 'dbt_date');
    writePackage(join(app, 'vendor', 'old'), 'old');
    symlinkSync(join(dir, 'mine'), join(app, 'vendor', 'mine'));
    const p = await loadProject({ projectDir: app, strataRoot: dir, env: { HOME: dir } });
    assert.deepEqual(p.packages.map((x) => x.name), ['app', 'mine', 'dbt_date', 'dbt_expectations', 'dbt_utils', 'old']);
    assert.deepEqual(p.packages[0]!.dependencies, ['mine', 'dbt_utils']);
    assert.equal(p.packages.find((x) => x.name === 'dbt_utils')!.files[0]!.path, 'macros/dbt_utils.sql');

    // fewer installed packages than packages.yml leaves to `dbt deps`: an error at the first one missing
    rmSync(join(app, 'vendor', 'dbt_utils'), { recursive: true });
    rmSync(join(app, 'vendor', 'old'), { recursive: true });
    rmSync(join(app, 'vendor', 'dbt_date'), { recursive: true });
    await assert.rejects(loadProject({ projectDir: app, strataRoot: dir, env: { HOME: dir } }), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'package-not-installed');
      assert.equal(e.position?.file, 'packages.yml');
      assert.equal(e.position?.line, 2);
      assert.match(e.message, /names 2 package\(s\) that `strata deps` installs, and 1 are installed in vendor\/: not installed: dbt-labs\/dbt_utils/);
      assert.match(e.hint ?? '', /strata deps/);
      return true;
    });
  }),
);
