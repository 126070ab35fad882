/**
 * Shared test helpers: a DuckDB adapter on a fresh temporary file, a materialization
 * context whose `render` returns SQL chosen by the test, and row queries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter } from '../../src/adapters/index.js';
import type { Adapter } from '../../src/adapters/adapter.js';
import type { BatchWindow, MaterializationContext } from '../../src/materializations/index.js';

/** A temporary project directory, removed by `cleanup`. */
export function tempProject(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'strata-mat-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Open a DuckDB adapter on `<dir>/target/proj.duckdb` (or `path`). */
export function openDuckDB(dir: string, threads = 2, fields: Record<string, unknown> = {}): Promise<Adapter> {
  return createAdapter({ type: 'duckdb', fields, threads }, { projectDir: dir, projectName: 'proj' });
}

/** What a test's render function sees. */
export interface RenderCall {
  isIncremental: boolean;
  batch?: BatchWindow;
}

/** A materialization context for model `name` in the target schema. */
export function modelContext(
  adapter: Adapter,
  name: string,
  config: Record<string, unknown>,
  render: (call: RenderCall) => string,
  extra: Partial<MaterializationContext> = {},
): MaterializationContext & { calls: RenderCall[] } {
  const calls: RenderCall[] = [];
  return {
    adapter,
    node: { uniqueId: `model.proj.${name}`, name, relation: adapter.relation({ identifier: name, schema: (config.schema as string) ?? adapter.schema }), config },
    fullRefresh: false,
    render: async (opts) => {
      calls.push(opts);
      return render(opts);
    },
    hooks: { pre: [], post: [] },
    calls,
    ...extra,
  };
}

/** All rows of a query, as arrays. */
export async function rows(adapter: Adapter, sql: string): Promise<unknown[][]> {
  return adapter.withSession(async (s) => (await s.execute(sql)).rows);
}

/** Run statements. */
export async function exec(adapter: Adapter, sql: string): Promise<void> {
  await adapter.withSession(async (s) => {
    await s.execute(sql);
  });
}
