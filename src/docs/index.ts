/** The documentation site: `catalog.json`, the static page, and its server. */
export { generateDocs, type GenerateDocsOptions, type GenerateDocsResult } from './generate-docs.js';
export { serveDocs, type ServeDocsOptions, type DocsServer } from './serve-docs.js';
export { buildCatalog, readCatalogTables, catalogSchemas, CATALOG_SCHEMA, type Catalog, type CatalogEntry, type CatalogColumn, type CatalogStat } from './catalog.js';
export { buildSiteData, type SiteDataOptions } from './site-data.js';
export { writeSite, SITE_FILES } from './site-files.js';
export { resolveSitePath, type SitePathResult } from './site-path.js';
export { resolveDocReferences } from './doc-references.js';
export type { DocsData, DocsNode, DocsColumn, DocsResourceType } from './docs-data.js';
