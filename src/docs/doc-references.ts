/**
 * Descriptions may hold `{{ doc('name') }}` (or `{{ doc('package', 'name') }}`); the parser
 * keeps them raw. The docs site shows the docs block's text in their place.
 */
import type { DocEntry } from '../parse/manifest.js';

const DOC_CALL = /\{\{-?\s*doc\(\s*(['"])([^'"]*)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*-?\}\}/g;

/** A `doc()` reference that names no docs block. */
export interface MissingDoc {
  name: string;
  package: string | null;
}

/**
 * Replace every `doc()` call in `text` by the contents of the docs block it names, looked
 * up first in `fromPackage`, then in any package. Unknown names are reported through
 * `missing` and left visible as `(missing doc: name)`.
 */
export function resolveDocReferences(text: string, docs: Record<string, DocEntry>, fromPackage: string, missing?: (m: MissingDoc) => void): string {
  if (!text || !text.includes('doc(')) return text;
  return text.replace(DOC_CALL, (_all, _q1: string, first: string, _q2: string | undefined, second: string | undefined) => {
    const pkg = second !== undefined ? first : null;
    const name = second !== undefined ? second : first;
    const hit = docs[`doc.${pkg ?? fromPackage}.${name}`] ?? (pkg === null ? Object.values(docs).find((d) => d.name === name) : undefined);
    if (hit) return hit.block_contents.trim();
    missing?.({ name, package: pkg });
    return `(missing doc: ${name})`;
  });
}
