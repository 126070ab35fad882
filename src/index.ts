/**
 * Strata's programmatic API. Everything the CLI does is callable from here:
 * `parse`, `compile`, `run`, `show`, `runOperation`, `clean`, plus the lower layers.
 */
export { parse, compile, run, show, runOperation, clean, selectIds, parseVars, type CommonOptions, type CompiledNode } from './api.js';
export { main } from './cli/main.js';
export { parseProject, type ParsedProject, type ParseOptions } from './parse/parser.js';
export type { Manifest, ManifestNode, SourceEntry, MacroEntry } from './parse/manifest.js';
export { runNodes, type RunResults, type NodeResult } from './runner/run.js';
export { createAdapter, registerEngine } from './adapters/index.js';
export { loadProject } from './project/index.js';
export { StrataError, formatError } from './errors.js';
export { Reporter } from './report/reporter.js';
export { generateDocs, serveDocs } from './docs/index.js';
