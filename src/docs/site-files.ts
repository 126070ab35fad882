/**
 * Write the static site into a folder: `index.html`, `strata-docs.js`, `strata-docs.css`
 * and `strata-docs-data.js` (the data as a script, so the page works opened as a file,
 * offline, with no fetch).
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

/** Write the site into `dir`; returns the path of its `index.html`. */
export async function writeSite(dir: string, data: DocsData): Promise<string> {
  const assets = await siteAssets();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'strata-docs.js'), assets.js);
  writeFileSync(join(dir, 'strata-docs.css'), assets.css);
  writeFileSync(join(dir, 'strata-docs-data.js'), dataScript(data));
  const index = join(dir, 'index.html');
  writeFileSync(index, indexHtml(data.project));
  return index;
}
