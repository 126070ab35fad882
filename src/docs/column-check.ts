/**
 * Columns that a YAML property file documents but the relation in the warehouse does not
 * have: a typo or a column renamed in the SQL and not in the YAML. Found when the catalog
 * is read (`strata docs generate`), since only the built relation knows its columns; each
 * is a warning naming the YAML file and line.
 */
import type { Project, ColumnProperties } from '../project/types.js';
import type { Catalog, CatalogEntry } from './catalog.js';

/** One warning per documented column missing from its built relation. */
export function documentedColumnsMissing(project: Project, catalog: Catalog): string[] {
  const out: string[] = [];
  const check = (what: string, entry: CatalogEntry | undefined, columns: ColumnProperties[]) => {
    if (!entry || columns.length === 0) return;
    const exact = new Set(Object.values(entry.columns).map((c) => c.name));
    const folded = new Set([...exact].map((n) => n.toLowerCase()));
    for (const col of columns) {
      // A quoted column must match exactly; others as the engines fold unquoted names.
      const found = col.quote === true ? exact.has(col.name) : folded.has(col.name.toLowerCase());
      if (found) continue;
      const relation = [entry.metadata.database, entry.metadata.schema, entry.metadata.name].filter(Boolean).join('.');
      out.push(`${col.position.file}:${col.position.line}: column '${col.name}' of ${what} is documented, but ${relation} has no such column`);
    }
  };
  for (const pkg of project.packages) {
    for (const pf of pkg.properties) {
      for (const [kind, list] of [['model', pf.models], ['seed', pf.seeds], ['snapshot', pf.snapshots]] as const) {
        for (const props of list) check(`${kind} '${props.name}'`, catalog.nodes[`${kind}.${pkg.name}.${props.name}`], props.columns);
      }
      for (const src of pf.sources) {
        for (const t of src.tables) check(`source '${src.name}.${t.name}'`, catalog.sources[`source.${pkg.name}.${src.name}.${t.name}`], t.columns);
      }
    }
  }
  return out;
}
