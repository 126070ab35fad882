/**
 * The golden corpus: every template of test/jinja/golden/cases.jsonl renders exactly as
 * Python's Jinja2 3.x rendered it (scripts/jinja-golden.py regenerates the file), and
 * every template Jinja2 rejects is rejected too, mostly with the same message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemplateError } from '../../src/jinja/index.js';
import { loadCases, renderCase } from './golden-cases.js';

const cases = loadCases();

/** Errors whose wording differs from Python's on purpose (ours says more). */
const MESSAGE_DIFFERS = new Set(['{{ {}.pop("k") }}', '{{ d.items().x() }}']);

test('the golden corpus has at least 400 cases, some of them errors', () => {
  assert.ok(cases.length >= 400, `only ${cases.length} cases`);
  assert.ok(cases.filter((c) => c.error).length >= 20);
});

const groups = new Map<string, typeof cases>();
for (const c of cases) {
  const g = c.id.replace(/-\d+$/, '');
  if (!groups.has(g)) groups.set(g, []);
  groups.get(g)!.push(c);
}

for (const [group, list] of groups) {
  test(`golden: ${group} (${list.length} cases)`, async () => {
    const failures: string[] = [];
    for (const c of list) {
      let got: string | undefined;
      let err: unknown;
      try {
        got = await renderCase(c);
      } catch (e) {
        err = e;
      }
      if (c.error !== undefined) {
        if (!(err instanceof TemplateError)) {
          failures.push(`${c.id} ${JSON.stringify(c.template)}: expected error ${c.error}, got ${err ? String(err) : JSON.stringify(got)}`);
          continue;
        }
        const want = c.error.replace(/^\w+: /, '');
        if (!MESSAGE_DIFFERS.has(c.template) && err.message !== want) {
          failures.push(`${c.id} ${JSON.stringify(c.template)}: message ${JSON.stringify(err.message)} != ${JSON.stringify(want)}`);
        }
      } else if (err !== undefined) {
        failures.push(`${c.id} ${JSON.stringify(c.template)}: threw ${(err as Error).message}`);
      } else if (got !== c.expected) {
        failures.push(`${c.id} ${JSON.stringify(c.template)} ${JSON.stringify(c.options)}: got ${JSON.stringify(got)}, want ${JSON.stringify(c.expected)}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}
