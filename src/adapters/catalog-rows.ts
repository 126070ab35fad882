/**
 * Turning the rows of an engine's catalog queries into column and table values: the
 * introspectors differ in their SQL, not in how they read its answer.
 */
import type { CatalogTable, ColumnInfo } from './adapter.js';

/** A column from `row[at…at+3]`: name, type, comment, nullable. */
export function columnFromRow(row: unknown[], at = 0): ColumnInfo {
  const comment = row[at + 2];
  return {
    name: String(row[at]),
    type: String(row[at + 1]),
    ...(comment !== null && comment !== undefined ? { comment: String(comment) } : {}),
    nullable: row[at + 3] === true,
  };
}

/**
 * Give `tables` their columns. Each column row starts with the `key` parts that name its
 * table (as `keyOf` gives them for a table), then name, type, comment, nullable, index.
 */
export function attachColumns(tables: CatalogTable[], columnRows: unknown[][], keyOf: (t: CatalogTable) => string[]): void {
  const width = tables.length ? keyOf(tables[0]!).length : 0;
  const byKey = new Map(tables.map((t) => [keyOf(t).join('\0'), t]));
  for (const row of columnRows) {
    const t = byKey.get(row.slice(0, width).map(String).join('\0'));
    if (t) t.columns.push({ ...columnFromRow(row, width), index: Number(row[width + 4]) });
  }
}
