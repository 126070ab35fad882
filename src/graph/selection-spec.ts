/**
 * The text form of a selection, as in `--select`: terms separated by spaces are a union,
 * parts joined by commas an intersection, and each part is
 * `[@][N+]method:value[+N]` (the method is optional).
 */
import { StrataError } from '../errors.js';

/** One selection criterion, such as `2+tag:nightly+`. */
export interface SelectionCriterion {
  /** The method, or undefined for a bare value (name, path or file, guessed from its form). */
  method?: string;
  value: string;
  parents: boolean;
  parentsDepth?: number;
  children: boolean;
  childrenDepth?: number;
  /** `@`: descendants and all of their ancestors. */
  childrensParents: boolean;
  /** The text it was read from. */
  raw: string;
}

/** A union of intersections of criteria. */
export type SelectionSpec = SelectionCriterion[][];

const PATTERN = /^(@)?(?:(\d*)\+)?(?:([\w.]+):)?(.*?)(?:\+(\d*))?$/;

/** Read one criterion. */
export function parseCriterion(raw: string): SelectionCriterion {
  const m = PATTERN.exec(raw);
  if (!m || m[4] === undefined || m[4] === '') {
    throw new StrataError('selector-syntax', `Cannot read the selection "${raw}"`, {
      hint: 'A selection looks like `name`, `+name`, `tag:nightly+`, `path:models/staging` or `@name`.',
    });
  }
  const at = m[1] !== undefined;
  const parents = m[2] !== undefined;
  const children = m[5] !== undefined;
  if (at && parents) {
    throw new StrataError('selector-syntax', `"${raw}" uses both @ and a parents operator (+)`, { hint: '@ already includes the ancestors of every descendant.' });
  }
  return {
    method: m[3],
    value: m[4],
    parents,
    parentsDepth: parents && m[2] !== '' ? Number(m[2]) : undefined,
    children,
    childrenDepth: children && m[5] !== '' ? Number(m[5]) : undefined,
    childrensParents: at,
    raw,
  };
}

/** Read `--select`/`--exclude` values: every value and every space-separated term is a union member. */
export function parseSelection(values: readonly string[]): SelectionSpec {
  const out: SelectionSpec = [];
  for (const v of values) {
    for (const term of v.split(/\s+/)) {
      if (term === '') continue;
      out.push(term.split(',').filter((p) => p !== '').map(parseCriterion));
    }
  }
  return out;
}
