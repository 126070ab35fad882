// Bundles the CLI (dist/cli/main.js and what it imports, as tsc wrote them) into
// dist/cli-bundle/, which bin/strata runs: a few chunks load faster than the ~150 modules
// one by one (a `strata parse` that patches one model starts ~20 ms sooner). The commands'
// modules stay separate chunks, loaded when a command runs. Run by `npm run build` after tsc.
// The bundle sits two folders below the package, as dist/cli/ does, so the paths the code
// finds from its own location (packages/, dist/docs-site/) are the same.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli-bundle');
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
  packages: 'external',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`build-cli: wrote ${join('dist', 'cli-bundle')}/`);
