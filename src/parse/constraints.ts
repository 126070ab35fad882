/**
 * A model's constraints as its YAML declares them (`constraints:` of the model, and of each
 * column), read as dbt reads them: each has a known type; one primary key at most, declared
 * on one column or on the model, not both; a foreign key's `to` is `ref(…)` or `source(…)`,
 * and the model depends on it, so that the referenced relation is built first.
 */
import { StrataError } from '../errors.js';
import type { NodeProperties, Position } from '../project/types.js';
import { readRefCall } from './ref-call.js';

export const CONSTRAINT_TYPES = ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom'] as const;

/** A model-level constraint as manifest.json holds it (dbt's ModelLevelConstraint). */
export interface ModelConstraint {
  type: string;
  name: string | null;
  expression: string | null;
  warn_unenforced: boolean;
  warn_unsupported: boolean;
  to: string | null;
  to_columns: string[];
  columns: string[];
}

/** What a model's constraints add to it. */
export interface ConstraintsRead {
  constraints: ModelConstraint[];
  refs: { name: string; package?: string }[];
  sources: [string, string][];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * A column's constraint as manifest.json and the `graph` hold it (dbt's ColumnLevelConstraint):
 * every field present, in dbt's order, null or the default when the YAML leaves it out.
 * Anything but a mapping is kept as written (readConstraints reports it for models).
 */
export function columnConstraint(c: unknown): unknown {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return c;
  const m = c as Record<string, unknown>;
  return {
    type: m.type,
    name: typeof m.name === 'string' ? m.name : null,
    expression: m.expression === undefined || m.expression === null ? null : String(m.expression),
    warn_unenforced: m.warn_unenforced !== false,
    warn_unsupported: m.warn_unsupported !== false,
    to: typeof m.to === 'string' ? m.to : null,
    to_columns: strings(m.to_columns),
  };
}

/** Read and check the constraints of model `model` from its properties (undefined: it has none). */
export function readConstraints(model: string, props: NodeProperties | undefined, source?: string): ConstraintsRead {
  const out: ConstraintsRead = { constraints: [], refs: [], sources: [] };
  if (!props) return out;
  const fail = (message: string, position: Position, hint?: string): never => {
    throw new StrataError('property-invalid', message, { position, source, hint });
  };
  const check = (c: unknown, position: Position, where: string): Record<string, unknown> => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`A constraint of ${where} is not a mapping`, position, 'Write each constraint as {type: …}, e.g. - type: not_null');
    const type = (c as Record<string, unknown>).type;
    if (typeof type !== 'string' || !(CONSTRAINT_TYPES as readonly string[]).includes(type)) {
      fail(`Invalid constraint type on ${where}: ${JSON.stringify(type ?? null)}`, position, `Type must be one of ${CONSTRAINT_TYPES.join(', ')}.`);
    }
    const to = (c as Record<string, unknown>).to;
    if (type === 'foreign_key' && to !== undefined && to !== null) {
      const target = typeof to === 'string' ? readRefCall(to) : undefined;
      if (!target) fail(`Invalid 'ref' or 'source' syntax on foreign key constraint 'to' on model ${model}: ${String(to)}`, position, "Write to: ref('model') or to: source('source', 'table'), with to_columns: [...].");
      if ('ref' in target!) out.refs.push(target.ref);
      else out.sources.push(target!.source);
    }
    return c as Record<string, unknown>;
  };

  let pkColumns = 0;
  for (const col of props.columns) {
    for (const c of col.constraints ?? []) {
      if (check(c, col.position, `column ${col.name} of model ${model}`).type === 'primary_key') pkColumns++;
    }
  }
  const raw = props.raw.constraints;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) fail(`constraints of model ${model} must be a list`, props.position);
  for (const c of (raw as unknown[] | undefined) ?? []) {
    const m = check(c, props.position, `model ${model}`);
    if (['primary_key', 'unique', 'foreign_key'].includes(String(m.type)) && !(Array.isArray(m.columns) && m.columns.length > 0)) {
      fail(`The ${String(m.type)} constraint of model ${model} names no columns`, props.position, `Give it columns: [...], e.g. - type: ${String(m.type)}\n  columns: [id]`);
    }
    // a column's fields in dbt's order, then the columns the model-level constraint names
    out.constraints.push({ ...(columnConstraint(m) as Omit<ModelConstraint, 'columns'>), type: String(m.type), columns: strings(m.columns) });
  }
  const modelPk = out.constraints.some((c) => c.type === 'primary_key');
  if (pkColumns > 1) fail(`Model ${model} declares a primary key on ${pkColumns} columns`, props.position, 'A primary key on several columns is declared once, as a model-level constraint: constraints: [{type: primary_key, columns: [a, b]}].');
  if (pkColumns > 0 && modelPk) fail(`Model ${model} declares its primary key both on a column and on the model`, props.position, 'Declare it in one place.');
  return out;
}
