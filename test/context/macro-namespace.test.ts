/**
 * How a macro's unqualified names resolve: as in dbt, which compiles each macro on its own and
 * runs it with the calling node's context, through the node's namespace (its package's macros,
 * the root project's, then dbt's), never through the other macros of the macro's file. The
 * expected values are what dbt-core 1.10 compiles for the same macros (a root project with two
 * local packages, checked with the reference venv); where dbt fails, the name is undefined.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Environment } from '../../src/jinja/index.js';
import { INTERNAL_PACKAGE, MacroRegistry, macroPrototype, type MacroDef } from '../../src/context/macros.js';

const PKGA = [
  "{% macro label() %}a-label{% endmacro %}",
  "{% macro greet() %}{{ label() }}{% endmacro %}",
  "{% macro greet_q() %}{{ pkga.label() }}{% endmacro %}",
  "{% macro via_b() %}{{ pkgb.outer() }}{% endmacro %}",
  "{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}",
  "{% macro only_a() %}only-a{% endmacro %}",
  "{% macro calls_only_a() %}{{ only_a() }}{% endmacro %}",
  "{% macro uses_internal() %}{{ shout('x') }}{% endmacro %}",
].join('\n');
const PKGB = [
  "{% macro helper_b() %}b-helper{% endmacro %}",
  "{% macro outer() %}{{ helper_b() }}{% endmacro %}",
  "{% macro label() %}b-label{% endmacro %}",
  "{% macro b_label() %}{{ label() }}{% endmacro %}",
].join('\n');
const ROOT = [
  "{% macro label() %}root-label{% endmacro %}",
  "{% macro root_only() %}root-only{% endmacro %}",
  "{% macro helper_b() %}root-helper-b{% endmacro %}",
].join('\n');
const INTERNAL = "{% macro shout(x) %}{{ loud(x) }}{% endmacro %}{% macro loud(x) %}{{ x | upper }}!{% endmacro %}";

function registry(files: Record<string, string>): MacroRegistry {
  const env = new Environment();
  const reg = new MacroRegistry('root');
  for (const [pkg, text] of Object.entries(files)) {
    const template = env.compile(text, `${pkg}/macros/m.sql`);
    for (const m of template.macros) {
      const def: MacroDef = {
        uniqueId: `macro.${pkg}.${m.name}`,
        name: m.name,
        packageName: pkg,
        originalFilePath: 'macros/m.sql',
        absPath: `/${pkg}/macros/m.sql`,
        displayPath: `${pkg}/macros/m.sql`,
        line: m.line,
        params: m.params.map((p) => p.name),
        template,
        fileContents: text,
      };
      reg.add(def);
    }
  }
  return reg;
}

/** Render `code` as a node of `pkg` would: its context's prototype holds the macros it sees. */
async function render(reg: MacroRegistry, pkg: string, code: string): Promise<string> {
  const ctx = Object.create(macroPrototype(reg, pkg, null)) as object;
  return new Environment().compile(code, 'models/m.sql').render(ctx);
}

const ALL = { root: ROOT, pkga: PKGA, pkgb: PKGB, [INTERNAL_PACKAGE]: INTERNAL };

test("a package macro called from a root model calls the root project's macro of a name, not its file's", async () => {
  const reg = registry(ALL);
  assert.equal(await render(reg, 'root', '{{ pkga.greet() }}'), 'root-label');
  assert.equal(await render(reg, 'root', '{{ pkga.greet_q() }}'), 'a-label', 'a qualified call names its package');
  assert.equal(await render(reg, 'root', '{{ pkgb.b_label() }}'), 'root-label');
  // a package macro calling another package's macro, which calls its sibling: the root project's still
  assert.equal(await render(reg, 'root', '{{ pkga.via_b() }}'), 'root-helper-b');
  // dbt's own macros too: the root project's version of a name they call replaces theirs
  assert.equal(await render(reg, 'root', '{{ shout("a") }}'), 'A!');
  const own = registry({ ...ALL, root: ROOT + "{% macro loud(x) %}root-loud {{ x }}{% endmacro %}" });
  assert.equal(await render(own, 'root', '{{ shout("a") }}'), 'root-loud a');
});

test("a package's own model sees its package's macros first, whichever package's macro calls them", async () => {
  const reg = registry(ALL);
  assert.equal(await render(reg, 'pkga', '{{ greet() }}'), 'a-label');
  assert.equal(await render(reg, 'pkga', '{{ pkgb.b_label() }}'), 'a-label', "pkgb's macro run by a pkga model finds pkga's label");
  assert.equal(await render(reg, 'pkga', '{{ calls_only_a() }}|{{ rec(3) }}|{{ root_only() }}|{{ pkga.via_b() }}'), 'only-a|321|root-only|root-helper-b');
  assert.equal(await render(reg, 'pkgb', '{{ pkga.greet() }}|{{ outer() }}'), 'b-label|b-helper');
});

test('without the name in the root project, a package macro calling its sibling unqualified from a root model fails, as in dbt', async () => {
  const reg = registry({ ...ALL, root: "{% macro root_only() %}root-only{% endmacro %}" });
  await assert.rejects(render(reg, 'root', '{{ pkga.greet() }}'), /'label' is undefined/);
  await assert.rejects(render(reg, 'root', '{{ pkga.rec(3) }}'), /'rec' is undefined/);
  await assert.rejects(render(reg, 'root', '{{ pkga.calls_only_a() }}'), /'only_a' is undefined/);
  await assert.rejects(render(reg, 'root', '{{ pkga.via_b() }}'), /'helper_b' is undefined/);
  assert.equal(await render(reg, 'pkga', '{{ greet() }}|{{ rec(2) }}'), 'a-label|21', "in the package's own models they resolve");
});
