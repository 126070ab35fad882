// Bundles the documentation page (src/docs/site/main.ts and its stylesheet) into
// dist/docs-site/app.js and app.css, which `strata docs generate` copies into target/.
// Run by `npm run build` after tsc. The same esbuild options are used on the fly when
// Strata runs from source (src/docs/site-assets.ts).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'docs-site');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'docs', 'site', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'src', 'docs', 'site', 'styles.css'), join(out, 'app.css'));
console.log(`build-docs: wrote ${join('dist', 'docs-site', 'app.js')} and app.css`);
