/**
 * `strata deps` against real sources on this machine: a package hub serving dbt's hub API
 * over HTTP (archives made by `git archive`, as GitHub makes them), a git repository with
 * tags, a GNU tarball and a local folder. The project then builds with what was installed.
 * The last test runs dbt-core's `dbt deps` on the same project and sources and compares the
 * lock file, byte for byte, and the installed files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { queryDuckDb } from '../helpers/duckdb.js';
import { writeFiles } from '../helpers/files.js';
import { gitRepo, gitSha, gnuTarball, startPackageServer, type PackageServer } from '../helpers/package-sources.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DBT = join(ROOT, '.venv-dbt', 'bin', 'dbt');

const macro = (name: string, body: string): string => `{% macro ${name}() %}${body}{% endmacro %}\n`;

/** The hub's packages: acme/utils (1.2.0 needs acme/base) and acme/base, with versions around them. */
function publishHub(server: PackageServer): void {
  for (const [version, requires] of [['0.1.0', undefined], ['0.2.0', undefined], ['1.0.0', ['>=2.0.0']]] as const) {
    server.publish('acme/base', {
      version,
      name: 'acme_base',
      files: { 'dbt_project.yml': `name: acme_base\nversion: '${version}'\nconfig-version: 2\n`, 'macros/label.sql': macro('base_label', `'base ${version}'`) },
      require_dbt_version: requires ? [...requires] : undefined,
    });
  }
  for (const version of ['0.9.0', '1.0.0', '1.2.0', '1.3.0-b1', '2.0.0']) {
    server.publish('acme/utils', {
      version,
      name: 'acme_utils',
      files: {
        'dbt_project.yml': `name: acme_utils\nversion: '${version}'\nconfig-version: 2\n`,
        'macros/version.sql': macro('utils_version', `'utils ${version}'`),
        'README.md': `acme utils ${version}\n`,
      },
      packages: version === '1.2.0' ? [{ package: 'acme/base', version: ['>=0.1.0', '<1.0.0'] }] : [],
    });
  }
}

interface Scenario {
  work: string;
  project: string;
  server: PackageServer;
  gitDir: string;
  out: () => string;
  strata(...args: string[]): Promise<number>;
}

/** A project using one package of each kind, and the sources it reads them from. */
async function withScenario(fn: (s: Scenario) => Promise<void>): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'strata-deps-'));
  const server = await startPackageServer(work);
  const saved = process.env['DBT_PACKAGE_HUB_URL'];
  process.env['DBT_PACKAGE_HUB_URL'] = server.url;
  try {
    publishHub(server);
    const gitDir = join(work, 'git-pkg');
    const gitUrl = gitRepo(gitDir, [
      { tag: 'v1.0.0', files: { 'dbt_project.yml': "name: git_pkg\nversion: '1.0.0'\nconfig-version: 2\n", 'models/git_model.sql': "select 'git v1' as source\n" } },
      { tag: 'v1.1.0', files: { 'models/git_model.sql': "select 'git v1.1' as source\n" } },
    ]);
    server.serve(
      '/files/tar_pkg.tar.gz',
      gnuTarball(work, 'tar_pkg-main', { 'dbt_project.yml': "name: tar_pkg\nversion: '1.0.0'\nconfig-version: 2\n", 'macros/hello.sql': macro('tar_hello', "'hello from a tarball'") }),
    );
    writeFiles(join(work, 'local_pkg'), { 'dbt_project.yml': "name: local_pkg\nversion: '1.0.0'\nconfig-version: 2\n", 'macros/local.sql': macro('local_word', "'local'") });
    const project = join(work, 'project');
    writeFiles(project, {
      'dbt_project.yml': "name: deps_project\nversion: '1.0.0'\nconfig-version: 2\nprofile: deps_project\nmodels:\n  +materialized: table\n",
      'profiles.yml': `deps_project:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(project, 'warehouse.duckdb')}\n      threads: 1\n`,
      'packages.yml': [
        'packages:',
        '  # the hub picks 1.2.0: 1.3.0-b1 is a prerelease and 2.0.0 is out of range',
        '  - package: acme/utils',
        '    version: [">=1.0.0", "<2.0.0"]',
        `  - git: "{{ env_var('DEPS_GIT_URL') }}"`,
        '    revision: v1.0.0',
        `  - tarball: ${server.url}files/tar_pkg.tar.gz`,
        '    name: tar_pkg',
        '  - local: ../local_pkg',
        '',
      ].join('\n'),
      'models/answer.sql':
        "select {{ acme_utils.utils_version() }} as utils, {{ acme_base.base_label() }} as base, {{ tar_pkg.tar_hello() }} as tar, {{ local_pkg.local_word() }} as loc, (select source from {{ ref('git_model') }}) as git\n",
    });
    process.env['DEPS_GIT_URL'] = gitUrl;
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    await fn({
      work,
      project,
      server,
      gitDir,
      out: () => out.join(''),
      strata: (...args) => {
        out.length = 0;
        return main([...args, '--project-dir', project, '--profiles-dir', project, '--no-color'], { out: sink, err: sink });
      },
    });
  } finally {
    if (saved === undefined) delete process.env['DBT_PACKAGE_HUB_URL'];
    else process.env['DBT_PACKAGE_HUB_URL'] = saved;
    delete process.env['DEPS_GIT_URL'];
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every file under `dir` (not .git), with its contents or symbolic link target. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isSymbolicLink()) out[relative(dir, p)] = `-> ${readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('deps installs hub (with its dependency), git, tarball and local packages, pins them, and the project builds with them', () =>
  withScenario(async ({ project, strata, out, gitDir, server }) => {
    assert.equal(await strata('deps'), 0, out());
    const lock = readFileSync(join(project, 'package-lock.yml'), 'utf8');
    const sha = gitSha(gitDir, 'v1.0.0');
    assert.match(lock, /- name: acme_utils\n {4}package: acme\/utils\n {4}version: 1\.2\.0\n/);
    assert.match(lock, /- name: acme_base\n {4}package: acme\/base\n {4}version: 0\.2\.0\n/, 'the dependency of acme/utils 1.2.0, at the newest version supporting this dbt');
    assert.ok(lock.includes(`- git: '{{ env_var(''DEPS_GIT_URL'') }}'\n    name: git_pkg\n    revision: ${sha}\n`), `the git URL stays unrendered, pinned to the commit:\n${lock}`);
    assert.match(lock, /- name: tar_pkg\n {4}tarball: http:\/\/127\.0\.0\.1:\d+\/files\/tar_pkg\.tar\.gz\n/);
    assert.match(lock, /- local: \.\.\/local_pkg\n {4}name: local_pkg\n/);
    assert.match(lock, /^sha1_hash: [0-9a-f]{40}$/m);
    assert.deepEqual(readdirSync(join(project, 'dbt_packages')).sort(), ['acme_base', 'acme_utils', 'git_pkg', 'local_pkg', 'tar_pkg']);
    assert.equal(readFileSync(join(project, 'dbt_packages', 'acme_utils', 'README.md'), 'utf8'), 'acme utils 1.2.0\n');
    assert.ok(lstatSync(join(project, 'dbt_packages', 'local_pkg')).isSymbolicLink());
    assert.ok(!existsSync(join(project, 'dbt_packages', 'git_pkg', '.git')));
    assert.match(out(), /Installing acme\/utils\n.*Installed from version 1\.2\.0\n.*Updated version available: 2\.0\.0\n/);
    assert.match(out(), /Installing acme\/base\n.*Installed from version 0\.2\.0\n.*Up to date!/);

    assert.equal(await strata('build'), 0, out());
    assert.deepEqual(await queryDuckDb(join(project, 'warehouse.duckdb'), 'select utils, base, tar, loc, git from main.answer'), [
      ['utils 1.2.0', 'base 0.2.0', 'hello from a tarball', 'local', 'git v1'],
    ]);

    // a newer release: the lock keeps 1.2.0 and says so; --upgrade moves to it
    server.publish('acme/utils', { version: '1.2.1', name: 'acme_utils', files: { 'dbt_project.yml': "name: acme_utils\nversion: '1.2.1'\nconfig-version: 2\n", 'macros/version.sql': macro('utils_version', "'utils 1.2.1'") } });
    assert.equal(await strata('deps'), 0, out());
    assert.equal(readFileSync(join(project, 'package-lock.yml'), 'utf8'), lock, 'packages.yml did not change: the lock is kept');
    assert.match(out(), /Installed from version 1\.2\.0\n/);
    assert.equal(await strata('deps', '--upgrade'), 0, out());
    const upgraded = readFileSync(join(project, 'package-lock.yml'), 'utf8');
    assert.match(upgraded, /version: 1\.2\.1\n/);
    assert.ok(!upgraded.includes('acme_base'), '1.2.1 no longer depends on acme/base');
    assert.ok(!existsSync(join(project, 'dbt_packages', 'acme_base')), 'a package no longer locked is removed');
  }));

test('deps changes nothing installed when a download fails, and names the package; bad entries are errors with file and line', () =>
  withScenario(async ({ project, strata, out, server }) => {
    assert.equal(await strata('deps'), 0, out());
    const before = tree(join(project, 'dbt_packages'));
    server.serve('/files/tar_pkg.tar.gz', null); // the tarball disappears
    rmSync(join(project, 'package-lock.yml'));
    assert.equal(await strata('deps'), 2, out());
    assert.match(out(), /Could not download the tarball of tar_pkg from http:\/\/127\.0\.0\.1:\d+\/files\/tar_pkg\.tar\.gz: HTTP 404/);
    assert.match(out(), /packages\.yml:7:5/);
    assert.deepEqual(tree(join(project, 'dbt_packages')), before, 'the packages installed before are untouched');

    const packages = join(project, 'packages.yml');
    writeFileSync(packages, 'packages:\n  - package: acme/utils\n    version: ">=1.0.0"\n    install-prerelease: true\n');
    assert.equal(await strata('deps'), 2, out());
    assert.match(out(), /packages\.yml:4:5/);
    assert.match(out(), /does not take `install-prerelease` \(it is spelled `install_prerelease`\)/);

    writeFileSync(packages, 'packages:\n  - package: acme/utils\n    version: ">=3.0.0"\n');
    assert.equal(await strata('deps'), 2, out());
    assert.match(out(), /No version of acme\/utils meets >=3\.0\.0/);
    assert.match(out(), /Versions available: 0\.9\.0, 1\.0\.0, 1\.2\.0, 2\.0\.0/);

    writeFileSync(packages, 'packages:\n  - package: acme/nothing\n    version: 1.0.0\n');
    assert.equal(await strata('deps'), 2, out());
    assert.match(out(), /Package acme\/nothing is not on the package hub/);
    assert.deepEqual(tree(join(project, 'dbt_packages')), before);

    // an install folder that cannot be made is an error naming it, not a stack trace
    writeFileSync(packages, 'packages:\n  - local: ../local_pkg\n');
    writeFileSync(join(project, 'blocker'), 'a file where a folder goes\n');
    writeFileSync(join(project, 'dbt_project.yml'), readFileSync(join(project, 'dbt_project.yml'), 'utf8') + 'packages-install-path: blocker/pkgs\n');
    assert.equal(await strata('deps'), 2, out());
    assert.match(out(), /Could not install packages into blocker\/pkgs\/: ENOTDIR/);
    assert.doesNotMatch(out(), /\n\s+at /, 'no stack trace');
  }));

test('deps --add-package adds to packages.yml keeping its comments; --lock writes only the lock; packages may depend on each other', { timeout: 60_000 }, () =>
  withScenario(async ({ project, strata, out, server }) => {
    const packages = join(project, 'packages.yml');
    writeFileSync(packages, '# our packages\npackages:\n  - package: acme/base\n    version: 0.1.0 # pinned on purpose\n');
    assert.equal(await strata('deps', '--add-package', 'acme/utils@1.0.0', '--lock'), 0, out());
    const text = readFileSync(packages, 'utf8');
    assert.match(text, /^# our packages\n/);
    assert.match(text, /# pinned on purpose/);
    assert.match(text, /- package: acme\/utils\n\s+version: 1\.0\.0/);
    assert.ok(!existsSync(join(project, 'dbt_packages')), '--lock installs nothing');
    const lock = readFileSync(join(project, 'package-lock.yml'), 'utf8');
    assert.match(lock, /package: acme\/base\n\s+version: 0\.1\.0/);
    assert.match(lock, /package: acme\/utils\n\s+version: 1\.0\.0/);
    // adding the same package again replaces its entry
    assert.equal(await strata('deps', '--add-package', 'acme/utils@1.2.0'), 0, out());
    assert.equal(readFileSync(packages, 'utf8').match(/acme\/utils/g)?.length, 1);
    assert.match(readFileSync(join(project, 'package-lock.yml'), 'utf8'), /package: acme\/utils\n\s+version: 1\.2\.0/);
    assert.ok(existsSync(join(project, 'dbt_packages', 'acme_utils', 'dbt_project.yml')));

    // two packages that depend on each other resolve (dbt's resolver loops forever on them)
    for (const [me, other] of [['a', 'b'], ['b', 'a']]) {
      server.publish(`loop/${me}`, { version: '1.0.0', name: `loop_${me}`, files: { 'dbt_project.yml': `name: loop_${me}\nversion: '1.0.0'\nconfig-version: 2\n` }, packages: [{ package: `loop/${other}`, version: '>=1.0.0' }] });
    }
    writeFileSync(packages, 'packages:\n  - package: loop/a\n    version: 1.0.0\n');
    assert.equal(await strata('deps'), 0, out());
    assert.deepEqual(readdirSync(join(project, 'dbt_packages')).sort(), ['loop_a', 'loop_b']);
  }));

/** Run a command without blocking this process (the package server answers from it). */
function runAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const dbtAvailable = existsSync(DBT);
test('dbt deps and strata deps write the same package-lock.yml and install the same files', { skip: !dbtAvailable && process.env['STRATA_REQUIRE_DBT'] !== '1' ? 'dbt harness not installed' : false, timeout: 240_000 }, () =>
  withScenario(async ({ work, project, strata, out }) => {
    assert.ok(dbtAvailable, `${DBT} is required (STRATA_REQUIRE_DBT=1)`);
    const theirs = join(work, 'project-dbt');
    cpSync(project, theirs, { recursive: true });
    writeFileSync(join(theirs, 'profiles.yml'), readFileSync(join(project, 'profiles.yml'), 'utf8').replace(project, theirs));
    const dbt = await runAsync(DBT, ['deps', '--project-dir', theirs, '--profiles-dir', theirs], theirs, { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
    assert.equal(dbt.code, 0, dbt.output);
    assert.equal(await strata('deps'), 0, out());
    assert.equal(readFileSync(join(project, 'package-lock.yml'), 'utf8'), readFileSync(join(theirs, 'package-lock.yml'), 'utf8'));
    const mine = tree(join(project, 'dbt_packages'));
    const dbts = tree(join(theirs, 'dbt_packages'));
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(dbts).sort());
    for (const [file, text] of Object.entries(mine)) assert.equal(text, dbts[file]!.replace(theirs, project), file);
    // each reads the other's lock as its own: no re-resolution
    cpSync(join(project, 'package-lock.yml'), join(theirs, 'package-lock.yml'));
    const again = await runAsync(DBT, ['deps', '--project-dir', theirs, '--profiles-dir', theirs], theirs, { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
    assert.equal(again.code, 0, again.output);
    assert.equal(readFileSync(join(theirs, 'package-lock.yml'), 'utf8'), readFileSync(join(project, 'package-lock.yml'), 'utf8'));
  }));
