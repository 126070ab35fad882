/**
 * logs/dbt.log, as dbt keeps it: what the terminal shows, whatever --quiet, plus each SQL
 * statement under the node that ran it, with its time or the engine's error; --log-path,
 * --log-level-file, --log-format-file and --log-file-max-bytes; rotated at its size limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFixtureProject } from '../helpers/fixture-project.js';
import { LogFile } from '../../src/report/log-file.js';

test('dbt.log keeps every statement with its node, the failures, and what --quiet hides', () =>
  withFixtureProject('retry', 'RETRY_DB', async ({ dir, strata, output }) => {
    // raw.prices does not exist: priced fails
    assert.equal(await strata('run', '-q'), 1, output());
    const log = readFileSync(join(dir, 'logs', 'dbt.log'), 'utf8');
    assert.match(log, /^={30} \S+ \| strata \S+ ={30}$/m);
    assert.match(log, /\[main\]: strata run -q --project-dir /);
    assert.match(log, /\[info \] \[main\]: 1 of 3 START sql \w+ model main\.orders \(model\.retry\.orders\)/);
    assert.match(log, /\[debug\] \[model\.retry\.orders\]: SQL ran in \d+\.\d ms:\n(?:.*\n)*?.*"orders"/, 'the statements of a node, under its name');
    assert.match(log, /\[debug\] \[model\.retry\.priced\]: SQL failed after \d+\.\d ms: .*prices/);
    assert.match(log, /\[error\] \[main\]: 2 of 3 ERROR sql \w+ model main\.priced \(model\.retry\.priced\)/);
    assert.match(log, /Done\. PASS=1 WARN=0 ERROR=1 SKIP=1 TOTAL=3/);
    assert.doesNotMatch(log, /\x1b\[/, 'no colour codes');

    // a second run appends; an error before any node (a bad selector) is there too
    assert.equal(await strata('run', '--selector', 'nope'), 2, output());
    const again = readFileSync(join(dir, 'logs', 'dbt.log'), 'utf8');
    assert.ok(again.startsWith(log));
    assert.match(again.slice(log.length), /\[error\] \[main\]: .*nope/);

    const elsewhere = join(dir, 'elsewhere');
    assert.equal(await strata('run', '-s', 'orders', '--log-path', elsewhere, '--log-format-file', 'json'), 0, output());
    const lines = readFileSync(join(elsewhere, 'dbt.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; node?: string; msg: string });
    assert.ok(lines.some((l) => l.level === 'debug' && l.node === 'model.retry.orders' && /^SQL ran in/.test(l.msg)));
    assert.equal(readFileSync(join(dir, 'logs', 'dbt.log'), 'utf8'), again, 'the default log is untouched');

    const quietDir = join(dir, 'none');
    assert.equal(await strata('run', '-s', 'orders', '--log-path', quietDir, '--log-level-file', 'none'), 0, output());
    assert.ok(!existsSync(quietDir));
    assert.equal(await strata('run', '-s', 'orders', '--log-path', quietDir, '--log-level-file', 'info'), 0, output());
    const info = readFileSync(join(quietDir, 'dbt.log'), 'utf8');
    assert.match(info, /START sql/);
    assert.doesNotMatch(info, /\[debug\]/);

    const small = join(dir, 'small');
    assert.equal(await strata('run', '-s', 'orders', '--log-path', small, '--log-file-max-bytes', '2000'), 0, output());
    assert.ok(existsSync(join(small, 'dbt.log.1')), 'rotated at the size given');
  }));

test('dbt.log rotates at its size limit, keeping five older files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-log-'));
  try {
    const file = new LogFile(join(dir, 'dbt.log'), 'debug', 'text', 2_000);
    for (let i = 0; i < 400; i++) file.write('info', `line ${i} ${'x'.repeat(40)}`);
    file.close();
    assert.deepEqual(readdirSync(dir).sort(), ['dbt.log', 'dbt.log.1', 'dbt.log.2', 'dbt.log.3', 'dbt.log.4', 'dbt.log.5']);
    for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 2_000, f);
    assert.match(readFileSync(join(dir, 'dbt.log'), 'utf8'), /line 399 /);
    assert.match(readFileSync(join(dir, 'dbt.log.1'), 'utf8'), /line 3\d\d /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
