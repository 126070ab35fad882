/**
 * `strata parse` with nothing changed: the fingerprint of the last parse (files, folders,
 * absent files, env vars, options) is checked with `stat` and the manifest kept; any change
 * to what the parse read makes it parse again, and the manifest then equals a fresh one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { FINGERPRINT_FILE } from '../../src/parse/fingerprint.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'projects', 'jaffle');

async function parse(dir: string, ...args: string[]): Promise<{ code: number; text: string; current: boolean }> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const code = await main(['parse', '--project-dir', dir, '--profiles-dir', dir, '--no-color', ...args], { out: sink, err: sink });
  const text = chunks.join('');
  return { code, text, current: text.includes('Nothing changed since the last parse') };
}

function manifest(dir: string): { metadata: { invocation_id: string; generated_at: string }; nodes: Record<string, { raw_code: string }> } {
  return JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-fingerprint-'));
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  return dir;
}

/** Give every file of the project an old time, so that none counts as just changed. */
function age(dir: string, file: string): void {
  const old = new Date(Date.now() - 3600_000);
  utimesSync(join(dir, file), old, old);
}

test('nothing changed: the manifest is kept and restamped; a change of contents parses again', async () => {
  const dir = project();
  const first = await parse(dir);
  assert.equal(first.code, 0, first.text);
  assert.equal(first.current, false);
  const m1 = manifest(dir);

  const second = await parse(dir);
  assert.equal(second.code, 0, second.text);
  assert.ok(second.current, second.text);
  assert.match(second.text, /Found .*\b8 models, 2 seeds/);
  const m2 = manifest(dir);
  assert.notEqual(m2.metadata.invocation_id, m1.metadata.invocation_id, 'the kept manifest gets this invocation id');
  assert.deepEqual(m2.nodes, m1.nodes);

  // Touched, same contents: still current (the hash decides).
  const orders = join(dir, 'models', 'marts', 'orders.sql');
  const now = new Date();
  utimesSync(orders, now, now);
  assert.ok((await parse(dir)).current);

  // Changed contents: parsed again, and the manifest shows it.
  writeFileSync(orders, readFileSync(orders, 'utf8') + '\n-- a comment\n');
  const third = await parse(dir);
  assert.equal(third.current, false);
  assert.match(manifest(dir).nodes['model.jaffle.orders']!.raw_code, /-- a comment/);
  assert.ok((await parse(dir)).current);
});

test('a file added, removed, or appearing where one was looked for makes the parse run again', async () => {
  const dir = project();
  await parse(dir);
  assert.ok((await parse(dir)).current);

  writeFileSync(join(dir, 'models', 'staging', 'stg_new.sql'), 'select 1 as id\n');
  assert.equal((await parse(dir)).current, false);
  assert.ok(manifest(dir).nodes['model.jaffle.stg_new']);

  unlinkSync(join(dir, 'models', 'staging', 'stg_new.sql'));
  assert.equal((await parse(dir)).current, false);
  assert.equal(manifest(dir).nodes['model.jaffle.stg_new'], undefined);

  // dependencies.yml was looked for and absent: its appearing is a change (here, an error).
  writeFileSync(join(dir, 'dependencies.yml'), 'packages: []\n');
  const both = await parse(dir);
  assert.equal(both.code, 2);
  assert.match(both.text, /Both packages.yml and dependencies.yml/);
});

test('a folder whose time is unchanged is not listed again; an entry added to it changes its time and is seen', async () => {
  const dir = project();
  // Every file and folder an hour old, as in a project not edited lately.
  const old = new Date(Date.now() - 3600_000);
  const ageAll = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) ageAll(join(d, e.name));
    for (const e of readdirSync(d)) utimesSync(join(d, e), old, old);
  };
  ageAll(dir);
  utimesSync(dir, old, old);
  await parse(dir);
  const staging = join(dir, 'models', 'staging');
  const recorded = () => (JSON.parse(readFileSync(join(dir, 'target', FINGERPRINT_FILE), 'utf8')) as { folders: [string, string[] | null, number][] }).folders.find(([p]) => p === 'models/staging')![2];
  assert.equal(recorded(), statSync(staging).mtimeMs, 'an old folder is recorded with its time');
  assert.ok((await parse(dir)).current);

  // Touched, the same entries: still current, and the new time is kept for the next check.
  const older = new Date(Date.now() - 7200_000);
  utimesSync(staging, older, older);
  assert.ok((await parse(dir)).current);
  assert.equal(recorded(), statSync(staging).mtimeMs);

  // A new file changes the folder's time: the folder is listed again and the model found.
  writeFileSync(join(staging, 'stg_new.sql'), 'select 1 as id\n');
  assert.equal((await parse(dir)).current, false);
  assert.ok(manifest(dir).nodes['model.jaffle.stg_new']);
  assert.equal(recorded(), -1, 'a folder changed just now is listed at every check until its time is safely past');
});

test('env vars read while parsing, --vars and --target are part of the fingerprint', async () => {
  const dir = project();
  writeFileSync(join(dir, 'models', 'env_model.sql'), "{{ config(materialized=env_var('STRATA_FP_MAT', 'view')) }}\nselect 1 as x\n");
  const saved = process.env['STRATA_FP_MAT'];
  try {
    delete process.env['STRATA_FP_MAT'];
    await parse(dir);
    assert.ok((await parse(dir)).current);
    process.env['STRATA_FP_MAT'] = 'table';
    assert.equal((await parse(dir)).current, false);
    assert.ok((await parse(dir)).current);
    // The profile's target comes from env_var('JAFFLE_TARGET', 'dev').
    process.env['JAFFLE_TARGET'] = 'ci';
    assert.equal((await parse(dir)).current, false);
    delete process.env['JAFFLE_TARGET'];
    assert.equal((await parse(dir)).current, false);
    assert.ok((await parse(dir)).current);
    // Unrelated variables do not count; a new DBT_ENV_SECRET_* one does (profiles mask its value).
    process.env['STRATA_FP_UNRELATED'] = 'x';
    assert.ok((await parse(dir)).current);
    process.env['DBT_ENV_SECRET_STRATA_FP'] = 'hunter22';
    assert.equal((await parse(dir)).current, false);
    assert.ok((await parse(dir)).current);
    assert.equal((await parse(dir, '--vars', '{"x": 1}')).current, false);
    assert.ok((await parse(dir, '--vars', '{"x": 1}')).current);
    assert.equal((await parse(dir, '--target', 'ci')).current, false);
    assert.equal((await parse(dir, '--no-partial-parse')).current, false);
  } finally {
    if (saved === undefined) delete process.env['STRATA_FP_MAT'];
    else process.env['STRATA_FP_MAT'] = saved;
    delete process.env['JAFFLE_TARGET'];
    delete process.env['STRATA_FP_UNRELATED'];
    delete process.env['DBT_ENV_SECRET_STRATA_FP'];
  }
});

test('an edit that keeps the size and the time stamp is still seen when the file was read just after a change', async () => {
  const dir = project();
  const file = join(dir, 'models', 'staging', 'stg_racy.sql');
  writeFileSync(file, 'select 1 as a\n');
  await parse(dir);
  const { mtime } = statSync(file);
  writeFileSync(file, 'select 2 as a\n');
  utimesSync(file, mtime, mtime);
  assert.equal((await parse(dir)).current, false);
  assert.match(manifest(dir).nodes['model.jaffle.stg_racy']!.raw_code, /select 2/);

  // A file verified by its contents, whose time is now safely in the past, gets that time
  // recorded, so that the next check only stats it; from then on it is trusted by size and
  // time (as git does).
  const stamp = () => (JSON.parse(readFileSync(join(dir, 'target', FINGERPRINT_FILE), 'utf8')) as { files: [string, number, number, string][] }).files.find(([p]) => p.endsWith('stg_racy.sql'))![2];
  assert.equal(stamp(), -1, 'just written: verified by hash at every check');
  age(dir, 'models/staging/stg_racy.sql');
  assert.ok((await parse(dir)).current);
  assert.equal(stamp(), statSync(file).mtimeMs);
  assert.ok((await parse(dir)).current);
});

test('a manifest or fingerprint that is missing, changed or corrupt is never trusted', async () => {
  const dir = project();
  await parse(dir);
  writeFileSync(join(dir, 'target', FINGERPRINT_FILE), '{"format": "strata-parse-inputs", "version": 1, "key": ');
  assert.equal((await parse(dir)).current, false);
  assert.ok((await parse(dir)).current);
  unlinkSync(join(dir, 'target', 'manifest.json'));
  assert.equal((await parse(dir)).current, false);
  assert.ok(manifest(dir).nodes['model.jaffle.orders']);
  writeFileSync(join(dir, 'target', 'manifest.json'), '{}');
  assert.equal((await parse(dir)).current, false);
  assert.ok(manifest(dir).nodes['model.jaffle.orders']);
});
