/**
 * The page's script and stylesheet. An installed Strata reads them from `dist/docs-site/`
 * (bundled by `scripts/build-docs.mjs` at build time); running from source (tsx), they
 * are bundled on the fly with esbuild so the page always matches the source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../errors.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The bundled page. */
export interface SiteAssets {
  js: string;
  css: string;
}

/** The browser entry point, present only in a source checkout. */
export const SITE_ENTRY = join(HERE, 'site', 'main.ts');

let cached: Promise<SiteAssets> | undefined;

/** The page's assets (bundled once per process when running from source). */
export function siteAssets(): Promise<SiteAssets> {
  cached ??= load().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function load(): Promise<SiteAssets> {
  if (existsSync(SITE_ENTRY)) {
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      entryPoints: [SITE_ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const js = r.outputFiles[0]?.text ?? '';
    return { js, css: readFileSync(join(HERE, 'site', 'styles.css'), 'utf8') };
  }
  const dir = join(HERE, '..', 'docs-site');
  const js = join(dir, 'app.js');
  const css = join(dir, 'app.css');
  if (!existsSync(js) || !existsSync(css)) {
    throw new StrataError('docs-assets-missing', `the documentation page's files are missing from ${dir}`, { hint: 'rebuild Strata with `npm run build` (it bundles the page into dist/docs-site/)' });
  }
  return { js: readFileSync(js, 'utf8'), css: readFileSync(css, 'utf8') };
}
