/**
 * Where in a node's file something is written (a `ref(…)`, a `config(group=…)`), for errors
 * that point at it: searched from the node's own line on, as a file may hold several nodes
 * (snapshot blocks, YAML entries).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Position } from '../project/types.js';
import type { NodeSource } from './parser.js';

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A `ref('name')` call, with or without its package, and with `v=`/`version=` when `version` is given. */
export function refCallPattern(name: string, version?: string | number | null): RegExp {
  const v = version == null ? '' : `\\s*,\\s*(?:v|version)\\s*=\\s*['"]?${escapeRe(String(version))}\\b`;
  return new RegExp(`ref\\s*\\(\\s*(?:['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRe(name)}['"]${v}`);
}

/** A `source('name', …)` call. */
export function sourceCallPattern(source: string): RegExp {
  return new RegExp(`source\\s*\\(\\s*['"]${escapeRe(source)}['"]`);
}

/** The text of the node's file: as it is on disk now, else the code the parse read. */
export function nodeText(src: NodeSource): string {
  return existsSync(src.absPath) ? readFileSync(src.absPath, 'utf8') : src.code;
}

/** The first match of `re` in the node's file at or after its own line; undefined when there is none. */
export function findInNode(src: NodeSource, re: RegExp): Position | undefined {
  const text = nodeText(src);
  let start = 0;
  for (let i = 0; i < src.lineOffset && start >= 0; i++) start = text.indexOf('\n', start) + 1 || -1;
  if (start < 0) return undefined;
  const m = re.exec(text.slice(start));
  if (!m) return undefined;
  const before = text.slice(0, start + m.index);
  return { file: src.templateName, line: before.split('\n').length, column: start + m.index - before.lastIndexOf('\n') };
}

/** Where `re` first matches in the node's file (see {@link findInNode}), else the node's own line. */
export function locateCall(src: NodeSource | undefined, re: RegExp): Position | undefined {
  if (!src) return undefined;
  return findInNode(src, re) ?? { file: src.templateName, line: src.lineOffset + 1, column: 1 };
}
