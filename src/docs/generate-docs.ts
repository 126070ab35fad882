/**
 * `strata docs generate`: parse the project, compile its nodes, read the warehouse's
 * catalog, and write `target/catalog.json` and the static documentation site.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, reporterFor, type CommonOptions } from '../api.js';
import { formatError } from '../errors.js';
import { Compiler, contextFlags } from '../runner/compile.js';
import { databaseServices } from '../runner/database.js';
import { openAdapter } from '../runner/run.js';
import { buildCatalog, readCatalogTables, type Catalog } from './catalog.js';
import { documentedColumnsMissing } from './column-check.js';
import { buildSiteData } from './site-data.js';
import { writeSite } from './site-files.js';

/** Options of {@link generateDocs}. */
export interface GenerateDocsOptions extends CommonOptions {
  /** Compile models, analyses, snapshots and tests for the page (default true). */
  compile?: boolean;
  /** Do not query the warehouse: write a catalog with no relations (default false). */
  emptyCatalog?: boolean;
  /** Also write `static_index.html`, the site as one self-contained file. */
  static?: boolean;
}

/** What {@link generateDocs} wrote. */
export interface GenerateDocsResult {
  /** `target/catalog.json`. */
  catalogPath: string;
  /** The site's `target/index.html`. */
  sitePath: string;
  /** Nodes that failed to compile, and other non-fatal problems. */
  warnings: string[];
}

const COMPILED_TYPES = new Set(['model', 'analysis', 'snapshot', 'test']);

/** Generate `target/catalog.json` and the documentation site in `target/`. */
export async function generateDocs(options: GenerateDocsOptions = {}): Promise<GenerateDocsResult> {
  const reporter = reporterFor(options);
  const parsed = await parse(options);
  const manifest = parsed.manifest;
  const warnings: string[] = [];
  const needsDb = options.emptyCatalog !== true || options.compile !== false;
  const adapter = needsDb ? await openAdapter(parsed) : undefined;
  let catalog: Catalog;
  const compiled = new Map<string, string | null>();
  try {
    if (adapter && options.compile !== false) {
      const compiler = new Compiler(parsed, contextFlags('generate'));
      const db = databaseServices(adapter);
      for (const node of Object.values(manifest.nodes)) {
        if (!COMPILED_TYPES.has(node.resource_type)) continue;
        try {
          const sql = await compiler.render(node, { isIncremental: false, db });
          compiled.set(node.unique_id, sql);
          compiler.writeArtifact('compiled', node, sql);
        } catch (e) {
          compiled.set(node.unique_id, null);
          warnings.push(`${node.unique_id} did not compile: ${formatError(e).split('\n')[0]}`);
        }
      }
    }
    const tables = adapter && options.emptyCatalog !== true ? await readCatalogTables(adapter, manifest) : [];
    catalog = buildCatalog(manifest, tables, { invocationId: parsed.invocationId });
    warnings.push(...documentedColumnsMissing(parsed.project, catalog));
  } finally {
    await adapter?.close();
  }
  const target = parsed.project.targetPath;
  mkdirSync(target, { recursive: true });
  const catalogPath = join(target, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(catalog));
  const data = buildSiteData(manifest, {
    catalog,
    compiled,
    onMissingDoc: (where, m) => warnings.push(`${where}: doc('${m.package ? `${m.package}', '` : ''}${m.name}') names no docs block`),
  });
  const sitePath = await writeSite(target, data, { static: options.static });
  for (const w of warnings) reporter.warn(w);
  return { catalogPath, sitePath, warnings };
}
