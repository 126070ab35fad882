// Bundles the CLI (dist/cli/main.js and what it imports, as tsc wrote them) into
// dist/cli-bundle/, which bin/strata runs: a few chunks load faster than the ~150 modules
// one by one. The pure-JavaScript dependencies every command or every DuckDB session loads
// (commander, picocolors, and @duckdb/node-api, DuckDB's JavaScript API: imported from ESM,
// its ~120 CommonJS files cost ~80 ms of export scanning at each start) are bundled too;
// their licences go beside the bundle. Every other dependency stays external (DuckDB's
// native binding @duckdb/node-bindings, pg, yaml, ...). The commands' modules stay separate
// chunks, loaded when a command runs. Run by `npm run build` after tsc.
// The bundle sits two folders below the package, as dist/cli/ does, so the paths the code
// finds from its own location (packages/, dist/docs-site/) are the same.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli-bundle');
const BUNDLED = ['commander', 'picocolors', '@duckdb/node-api'];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// @duckdb/node-bindings loads the platform's native module: it stays external, so the bundled
// @duckdb/node-api requires it from the bundle's location, which is why Strata depends on it
// directly, at exactly the version the bundled API was built for.
const bindings = '@duckdb/node-bindings';
const apiWants = JSON.parse(readFileSync(join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).dependencies[bindings];
if (pkg.dependencies[bindings] !== apiWants) {
  console.error(`build-cli: package.json must depend on ${bindings} ${apiWants}, the version @duckdb/node-api uses (it has ${pkg.dependencies[bindings] ?? 'none'})`);
  process.exit(1);
}
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => !BUNDLED.includes(d));

rmSync(out, { recursive: true, force: true });
await build({
  // The data generator's worker is loaded by its path next to the module that starts it.
  entryPoints: [join(root, 'dist', 'cli', 'main.js'), join(root, 'dist', 'generate', 'profiles-sync-worker.js')],
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // The bundled CommonJS code requires Node's built-in modules.
  banner: { js: "import { createRequire as __strataCreateRequire } from 'node:module'; const require = __strataCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
const licences = BUNDLED.map((name) => {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  return `${name} ${version}\n\n${readFileSync(join(root, 'node_modules', name, 'LICENSE'), 'utf8').trim()}\n`;
});
writeFileSync(join(out, 'THIRD-PARTY-LICENSES.txt'), `Bundled into these files:\n\n${licences.join('\n---\n\n')}`);
console.log(`build-cli: wrote ${join('dist', 'cli-bundle')}/`);
