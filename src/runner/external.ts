/**
 * dbt-duckdb's external sources: a source whose `meta` (or config) has an `external_location`
 * is read from files, not from a table. `{{ source('s', 't') }}` renders as the location, with
 * the source's fields put in (`{name}`, `{identifier}`, `{schema}`, `{database}` and every meta
 * key; `formatter: oldstyle` takes `%(name)s`, `template` takes `$name`), quoted as a file path
 * unless it is a function call (`read_csv(...)`) or already quoted.
 */
import { StrataError } from '../errors.js';
import type { SourceEntry } from '../parse/manifest.js';

/** The SQL a DuckDB source with an `external_location` renders as, or undefined for a plain table. */
export function externalSourceLocation(src: SourceEntry): string | undefined {
  const fields: Record<string, unknown> = { name: src.name, identifier: src.identifier, schema: src.schema, database: src.database, tags: src.tags, ...src.meta, ...src.config };
  const template = fields.external_location;
  if (typeof template !== 'string' || !template) return undefined;
  const formatter = String(fields.formatter ?? 'newstyle');
  const missing = (key: string): never => {
    throw new StrataError('config-error', `source ${src.source_name}.${src.name}: its external_location names '${key}', which the source does not have`, {
      hint: `use {name}, {identifier}, {schema}, {database} or a key of its meta`,
    });
  };
  const value = (key: string) => (key in fields ? String(fields[key] ?? 'None') : missing(key));
  let location: string;
  if (formatter === 'newstyle') location = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, key: string | undefined) => (m === '{{' ? '{' : m === '}}' ? '}' : value(key!)));
  else if (formatter === 'oldstyle') location = template.replace(/%%|%\(([^)]*)\)s/g, (m, key: string | undefined) => (m === '%%' ? '%' : value(key!)));
  else if (formatter === 'template') location = template.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => (m === '$$' ? '$' : value((a ?? b)!)));
  else throw new StrataError('config-error', `source ${src.source_name}.${src.name}: formatter must be newstyle, oldstyle or template (it is '${formatter}')`);
  return location.includes('(') || location.startsWith("'") ? location : `'${location}'`;
}
