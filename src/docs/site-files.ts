/**
 * Write the static site into a folder: `index.html`, `strata-docs.js`, `strata-docs.css`
 * and `strata-docs-data.js` (the data as a script, so the page works opened as a file,
 * offline, with no fetch); and with `static`, also `static_index.html`, the same page as
 * one self-contained file to send or publish alone (dbt's `docs generate --static`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocsData } from './docs-data.js';
import { siteAssets } from './site-assets.js';

/** The files the site is made of, relative to its folder. */
export const SITE_FILES = ['index.html', 'strata-docs.js', 'strata-docs.css', 'strata-docs-data.js'] as const;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page's HTML shell; the script fills it. */
export function indexHtml(project: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(project)} · Strata docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="strata-docs.css">
</head>
<body>
<noscript>This documentation needs JavaScript.</noscript>
<script src="strata-docs-data.js"></script>
<script src="strata-docs.js"></script>
</body>
</html>
`;
}

/** The data as a script that sets `window.__STRATA_DOCS__`. */
export function dataScript(data: DocsData): string {
  // JSON is valid JavaScript; escape `<` so the text could also be inlined in HTML safely.
  return `window.__STRATA_DOCS__ = ${JSON.stringify(data).replace(/</g, '\\u003c')};\n`;
}

/** Text placed inside a `<script>` or `<style>` element: nothing in it may close the element. */
const inline = (text: string, tag: 'script' | 'style'): string => text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');

/** The page as one file: its style, data and script inlined. */
export function staticHtml(project: string, css: string, js: string, data: DocsData): string {
  return indexHtml(project)
    .replace('<link rel="stylesheet" href="strata-docs.css">', () => `<style>\n${inline(css, 'style')}</style>`)
    .replace('<script src="strata-docs-data.js"></script>', () => `<script>\n${dataScript(data)}</script>`)
    .replace('<script src="strata-docs.js"></script>', () => `<script>\n${inline(js, 'script')}</script>`);
}

/** Write the site into `dir`; returns the path of its `index.html`. */
export async function writeSite(dir: string, data: DocsData, options: { static?: boolean } = {}): Promise<string> {
  const assets = await siteAssets();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'strata-docs.js'), assets.js);
  writeFileSync(join(dir, 'strata-docs.css'), assets.css);
  writeFileSync(join(dir, 'strata-docs-data.js'), dataScript(data));
  const index = join(dir, 'index.html');
  writeFileSync(index, indexHtml(data.project));
  if (options.static) writeFileSync(join(dir, 'static_index.html'), staticHtml(data.project, assets.css, assets.js, data));
  return index;
}
