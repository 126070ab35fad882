import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createAdapter } from '../../src/adapters/index.js';
import { StrataError } from '../../src/errors.js';
import { tempProject } from '../materializations/helpers.js';

const CHILD = join(import.meta.dirname, '..', 'materializations', 'crash-child.ts');

describe('two processes on one DuckDB file', () => {
  const project = tempProject();
  after(() => project.cleanup());

  it('the second gets a database-locked StrataError, and can open it once the first is gone', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'hold', project.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.on('close', r));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('close', () => reject(new Error('the child exited early')));
      });
      await assert.rejects(
        createAdapter({ type: 'duckdb', fields: {}, threads: 1 }, { projectDir: project.dir, projectName: 'proj' }),
        (e: unknown) => {
          assert.ok(e instanceof StrataError);
          assert.equal(e.code, 'database-locked');
          assert.match(e.message, /proj\.duckdb is in use by another process \(PID \d+\)/);
          assert.ok(e.hint);
          return true;
        },
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const a = await createAdapter({ type: 'duckdb', fields: {}, threads: 1 }, { projectDir: project.dir, projectName: 'proj' });
    await a.close();
  });
});
