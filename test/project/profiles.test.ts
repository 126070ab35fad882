import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findProfiles, resolveProfile, redactTarget, secretValues, scrubSecrets, loadProject } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';
import { regexRender } from './helpers.js';

function profilesYml(name: string, path: string): string {
  return `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${path}\n`;
}

function setup(): { base: string; project: string; home: string; a: string; b: string; c: string } {
  const base = mkdtempSync(join(tmpdir(), 'strata-profiles-'));
  const project = join(base, 'project');
  const home = join(base, 'home');
  const a = join(base, 'a');
  const b = join(base, 'b');
  const c = join(base, 'c');
  for (const d of [project, join(home, '.dbt'), a, b, c]) mkdirSync(d, { recursive: true });
  writeFileSync(join(project, 'dbt_project.yml'), 'name: shop\nprofile: shop\n');
  writeFileSync(join(project, 'profiles.yml'), profilesYml('shop', 'project.duckdb'));
  writeFileSync(join(home, '.dbt', 'profiles.yml'), profilesYml('shop', 'home.duckdb'));
  writeFileSync(join(a, 'profiles.yml'), profilesYml('shop', 'a.duckdb'));
  writeFileSync(join(b, 'profiles.yml'), profilesYml('shop', 'b.duckdb'));
  writeFileSync(join(c, 'profiles.yml'), profilesYml('shop', 'c.duckdb'));
  return { base, project, home, a, b, c };
}

test('profiles.yml discovery order: flag, STRATA_PROFILES_DIR, DBT_PROFILES_DIR, project, ~/.dbt', async () => {
  const s = setup();
  try {
    const env = { HOME: s.home, STRATA_PROFILES_DIR: s.b, DBT_PROFILES_DIR: s.c };
    assert.equal(findProfiles(s.project, s.a, env)?.via, 'profiles-dir');
    assert.equal(findProfiles(s.project, undefined, env)?.via, 'STRATA_PROFILES_DIR');
    assert.equal(findProfiles(s.project, undefined, { HOME: s.home, DBT_PROFILES_DIR: s.c })?.file, join(s.c, 'profiles.yml'));
    assert.equal(findProfiles(s.project, undefined, { HOME: s.home })?.via, 'project');
    rmSync(join(s.project, 'profiles.yml'));
    assert.equal(findProfiles(s.project, undefined, { HOME: s.home })?.file, join(s.home, '.dbt', 'profiles.yml'));
    rmSync(join(s.home, '.dbt', 'profiles.yml'));
    assert.equal(findProfiles(s.project, undefined, { HOME: s.home }), null);
    assert.throws(() => findProfiles(s.project, join(s.base, 'nowhere'), { HOME: s.home }), (e: unknown) => e instanceof StrataError && e.code === 'profiles-not-found');
    // A relative folder is taken from the current folder, as dbt takes it (not from the project's).
    assert.equal(findProfiles(s.project, relative(process.cwd(), s.a), { HOME: s.home })?.file, join(s.a, 'profiles.yml'));
    // loadProject uses the same order and reads the target from the file it found.
    const p = await loadProject({ projectDir: s.project, strataRoot: s.base, env: { HOME: s.home, DBT_PROFILES_DIR: s.c } });
    assert.equal(p.profile?.fields['path'], 'c.duckdb');
    const none = await loadProject({ projectDir: s.project, strataRoot: s.base, env: { HOME: s.home } });
    assert.equal(none.profile, null);
    assert.match(none.notices[0]!, /embedded DuckDB at target\/shop\.duckdb/);
  } finally {
    rmSync(s.base, { recursive: true, force: true });
  }
});

test('targets: default, --target, env_var rendering, unknown target and profile names', async () => {
  const base = mkdtempSync(join(tmpdir(), 'strata-targets-'));
  try {
    const file = join(base, 'profiles.yml');
    writeFileSync(
      file,
      [
        'shop:',
        "  target: \"{{ env_var('SHOP_TARGET', 'dev') }}\"",
        '  outputs:',
        '    dev:',
        '      type: duckdb',
        '      path: dev.duckdb',
        '      threads: 4',
        '    prod:',
        '      type: postgres',
        "      host: \"{{ env_var('PGHOST') }}\"",
        "      password: \"{{ env_var('DBT_ENV_SECRET_PW') }}\"",
        "      api_token: abc",
        "      settings: {s3_secret_access_key: xyz, memory_limit: 1GB}",
        "      user: \"{{ env_var('DBT_ENV_SECRET_USER') }}\"",
        '    broken:',
        "      type: duckdb",
        "      path: \"{{ env_var('NOT_SET_ANYWHERE') }}\"",
        'other:',
        '  outputs:',
        '    default: {type: duckdb}',
      ].join('\n'),
    );
    const loc = { file, via: 'project' as const };
    const env = { PGHOST: 'db.local', DBT_ENV_SECRET_PW: 'hunter2', DBT_ENV_SECRET_USER: 'admin' };
    const dev = await resolveProfile(loc, 'shop', undefined, base, env, regexRender(env));
    assert.equal(dev.target?.targetName, 'dev');
    assert.equal(dev.target?.threads, 4);
    const prod = (await resolveProfile(loc, 'shop', undefined, base, env, regexRender({ ...env, SHOP_TARGET: 'prod' }))).target!;
    assert.equal(prod.targetName, 'prod');
    assert.equal(prod.type, 'postgres');
    assert.equal(prod.fields['host'], 'db.local');
    assert.equal(prod.threads, 1);
    assert.deepEqual([...prod.secretFields].sort(), ['api_token', 'password', 'settings.s3_secret_access_key', 'user']);
    const red = redactTarget(prod);
    const printed = JSON.stringify(red);
    for (const secret of ['hunter2', 'abc', 'xyz', 'admin']) assert.ok(!printed.includes(secret), secret);
    assert.equal((red.fields['settings'] as Record<string, unknown>)['memory_limit'], '1GB');
    assert.equal(prod.fields['password'], 'hunter2', 'the original keeps the value for connecting');
    assert.equal(scrubSecrets('pw=hunter2 user=admin', secretValues(prod, env)), 'pw=***** user=*****');

    const other = await resolveProfile(loc, 'other', undefined, base, {}, regexRender({}));
    assert.equal(other.target?.targetName, 'default');

    await assert.rejects(resolveProfile(loc, 'shop', 'staging', base, env, regexRender(env)), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'target-not-found');
      assert.equal(e.position?.line, 3);
      assert.match(e.hint ?? '', /dev, prod, broken/);
      return true;
    });
    await assert.rejects(resolveProfile(loc, 'shopp', undefined, base, env, regexRender(env)), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, 'profile-not-found');
      assert.match(e.hint ?? '', /shop, other/);
      return true;
    });
    // An env var missing for a target we do not use is not an error; for the one we use, it is.
    await assert.rejects(resolveProfile(loc, 'shop', 'broken', base, env, regexRender(env)), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.position?.line, 17);
      return true;
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
