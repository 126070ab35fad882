/**
 * Model contracts (`contract: {enforced: true}`), as dbt enforces them:
 *
 * - before a build, the model's query must return exactly the columns its YAML declares, with
 *   the declared types as the engine reads them (both sides asked of the engine with `limit 0`);
 *   otherwise the build fails with a table of the differences and nothing is touched;
 * - a table (or an incremental model's first build) is created from the declared columns with
 *   their constraints and the model's own (`not_null`, `unique`, `primary_key`, `check`,
 *   `foreign_key`, `custom`), rendered as dbt renders them, then filled from the query; a view
 *   is only checked. Where the engine cannot keep a foreign key on a table that is rebuilt
 *   (DuckDB), a foreign key to a model or source is checked with a query after the fill
 *   instead, failing the build the same way.
 */
import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import type { MaterializationContext } from './context.js';
import type { StatementLog } from './statement-log.js';
import type { ModelConstraint } from '../parse/constraints.js';

/** A declared column: its name, its `data_type`, and its constraints as YAML gives them. */
export interface ContractColumn {
  name: string;
  dataType: string | null;
  constraints: unknown[];
}

/** An enforced contract. */
export interface Contract {
  columns: ContractColumn[];
  /** The model's own constraints (`constraints:` of the model, over its columns). */
  constraints: ModelConstraint[];
  /** The relation a foreign key's `to` (`ref(…)`, `source(…)`) names, rendered. */
  relationOf(to: string): string;
  /** The properties file that declares it (for messages). */
  file?: string;
}

interface Difference {
  column: string;
  definition: string;
  contract: string;
  reason: string;
}

/** Check the model's query against its contract, if it has one (through `log`); throws a StrataError listing every difference. */
export async function assertContract(ctx: MaterializationContext, log: StatementLog, sql: string): Promise<void> {
  const { contract, name: modelName, compiledPath } = ctx.node;
  if (!contract) return;
  const dialect = ctx.adapter.dialect;
  const untyped = contract.columns.filter((c) => !c.dataType);
  if (untyped.length || contract.columns.length === 0) {
    throw new StrataError(
      'contract-invalid',
      `Model ${modelName} enforces a contract, so every column needs a data_type in its YAML${untyped.length ? `; these have none: ${untyped.map((c) => c.name).join(', ')}` : ' (it declares none)'}`,
      { position: contract.file ? { file: contract.file } : undefined, hint: 'Declare each column the model returns, with `data_type:`, or set contract: {enforced: false}.' },
    );
  }
  const typed = (cols: { name: string; type: string }[]) => cols.map((c) => ({ name: c.name, type: dialect.contractType(c.type) }));
  const declaredTypesQuery = (cols: ContractColumn[]) => `select ${cols.map((c) => `cast(null as ${c.dataType}) as ${dialect.quote(c.name)}`).join(', ')} limit 0`;
  // a data_type the engine does not know is a mistake in the YAML, not in the model's SQL: name it
  const unknownTypes = async (e: unknown): Promise<never> => {
    const bad: string[] = [];
    for (const c of contract.columns) if (await log.run(declaredTypesQuery([c])).then(() => false, () => true)) bad.push(`${c.name}: ${String(c.dataType)}`);
    if (!bad.length) throw e;
    throw new StrataError('contract-invalid', `The contract of model ${modelName} declares types the engine does not know (${bad.join('; ')})`, {
      position: contract.file ? { file: contract.file } : undefined,
      hint: 'Fix data_type in the YAML: a type the engine can cast to, such as integer, varchar, decimal(10,2), timestamp.',
      cause: e,
    });
  };
  const definition = typed((await log.runModel(`select * from (\n${sql}\n) as strata_contract_query limit 0`, sql, compiledPath)).columns);
  const declared = typed((await log.run(declaredTypesQuery(contract.columns)).catch((e: unknown) => unknownTypes(e))).columns);
  const byName = new Map(definition.map((c) => [c.name.toLowerCase(), c.type]));
  const declaredNames = new Set(declared.map((c) => c.name.toLowerCase()));
  const differences: Difference[] = [];
  for (const c of declared) {
    const actual = byName.get(c.name.toLowerCase());
    if (actual === undefined) differences.push({ column: c.name, definition: '', contract: c.type, reason: 'missing in definition' });
    else if (actual.toLowerCase() !== c.type.toLowerCase()) differences.push({ column: c.name, definition: actual, contract: c.type, reason: 'data type mismatch' });
  }
  for (const c of definition) {
    if (!declaredNames.has(c.name.toLowerCase())) differences.push({ column: c.name, definition: c.type, contract: '', reason: 'missing in contract' });
  }
  if (differences.length === 0) return;
  const rows = [['column_name', 'definition_type', 'contract_type', 'mismatch_reason'], ...differences.map((d) => [d.column, d.definition, d.contract, d.reason])];
  const widths = rows[0]!.map((_h, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const table = [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
  throw new StrataError('contract-failed', `Model ${modelName} has an enforced contract that its query does not meet:\n${table}`, {
    hint: 'Make the query return the declared columns with the declared types (cast them), or change the contract in the YAML.',
  });
}

interface ConstraintFields {
  type?: unknown;
  name?: unknown;
  expression?: unknown;
  to?: unknown;
  to_columns?: unknown;
  columns?: unknown;
}

/** A foreign key to a model or source that the table does not declare but that is checked after the fill. */
interface CheckedForeignKey {
  columns: string[];
  to: string;
  toColumns: string[];
}

/**
 * The DDL of a contract's constraints, as dbt's adapters render them, and the foreign keys
 * left to a query where the engine cannot declare them (`foreignKeys` is false).
 */
class ConstraintRenderer {
  readonly checked: CheckedForeignKey[] = [];
  constructor(
    private readonly contract: Contract,
    private readonly declareForeignKeys: boolean,
  ) {}

  /** The target of a foreign key with `to` and `to_columns`, or undefined when it is checked instead (or has none). */
  private references(c: ConstraintFields, columns: string[]): string | undefined {
    const toColumns = Array.isArray(c.to_columns) ? c.to_columns.map(String) : [];
    if (typeof c.to !== 'string' || !c.to || toColumns.length === 0) return undefined;
    const to = this.contract.relationOf(c.to);
    if (this.declareForeignKeys) return `${to} (${toColumns.join(', ')})`;
    this.checked.push({ columns, to, toColumns });
    return undefined;
  }

  /** The clause of one column's constraint ('' for none). */
  column(column: string, raw: unknown): string {
    if (raw === null || typeof raw !== 'object') return '';
    const c = raw as ConstraintFields;
    const expression = typeof c.expression === 'string' ? c.expression : '';
    switch (c.type) {
      case 'check':
        return expression ? `check (${expression})` : '';
      case 'not_null':
        return `not null ${expression}`.trim();
      case 'unique':
        return `unique ${expression}`.trim();
      case 'primary_key':
        return `primary key ${expression}`.trim();
      case 'foreign_key': {
        const target = this.references(c, [column]);
        if (target) return `references ${target}`;
        return typeof c.to === 'string' && c.to ? '' : expression ? `references ${expression}` : '';
      }
      case 'custom':
        return expression;
      default:
        return '';
    }
  }

  /** The clause of one model-level constraint ('' for none). */
  model(c: ModelConstraint): string {
    const prefix = c.name ? `constraint ${c.name} ` : '';
    const columns = c.columns.join(', ');
    const expression = c.expression ?? '';
    switch (c.type) {
      case 'check':
        return expression ? `${prefix}check (${expression})` : '';
      case 'unique':
      case 'primary_key':
        return `${prefix}${c.type === 'unique' ? 'unique' : 'primary key'}${expression ? ` ${expression}` : ''} (${columns})`;
      case 'foreign_key': {
        const target = this.references(c, c.columns);
        if (target) return `${prefix}foreign key (${columns}) references ${target}`;
        return c.to ? '' : expression ? `${prefix}foreign key (${columns}) references ${expression}` : '';
      }
      case 'custom':
        return expression ? `${prefix}${expression}` : '';
      default:
        return '';
    }
  }
}

/** The statements that create `relation` with the declared columns and constraints, then fill it from the query. */
export function contractTableStatements(dialect: Dialect, relation: Relation, contract: Contract, sql: string): { create: string; insert: string } {
  const render = new ConstraintRenderer(contract, dialect.capabilities.foreignKeys);
  const columns = contract.columns.map((c) => [dialect.quote(c.name), c.dataType, ...c.constraints.map((k) => render.column(c.name, k))].filter(Boolean).join(' '));
  const modelLevel = contract.constraints.map((c) => render.model(c)).filter(Boolean);
  const names = contract.columns.map((c) => dialect.quote(c.name)).join(', ');
  return {
    create: `create table ${relation.render()} (\n  ${[...columns, ...modelLevel].join(',\n  ')}\n)`,
    insert: `insert into ${relation.render()} (${names})\nselect ${names} from (\n${sql}\n) as strata_contract_query`,
  };
}

/**
 * Where the engine cannot declare foreign keys, check the contract's (to models and sources)
 * against the rows of `rows` (the filled table, or an incremental run's staged rows): a row
 * whose key is set but matches no row of the referenced relation fails the build, naming the
 * key and how many rows break it. Nothing to do where the keys are declared.
 */
export async function assertForeignKeys(ctx: MaterializationContext, log: StatementLog, rows: Relation): Promise<void> {
  const contract = ctx.node.contract;
  const dialect = ctx.adapter.dialect;
  if (!contract || dialect.capabilities.foreignKeys) return;
  const render = new ConstraintRenderer(contract, false);
  for (const c of contract.columns) for (const k of c.constraints) render.column(c.name, k);
  for (const c of contract.constraints) render.model(c);
  for (const key of render.checked) {
    const q = (c: string) => dialect.quote(c);
    const present = key.columns.map((c) => `c.${q(c)} is not null`).join(' and ');
    const matches = key.columns.map((c, i) => `p.${q(key.toColumns[i] ?? c)} = c.${q(c)}`).join(' and ');
    const r = await log.query(`select count(*) as n from ${rows.render()} as c where ${present} and not exists (select 1 from ${key.to} as p where ${matches})`);
    const broken = Number(r.rows[0]?.[0] ?? 0);
    if (broken > 0) {
      throw new StrataError('contract-failed', `Model ${ctx.node.name}: ${broken} row${broken === 1 ? '' : 's'} break${broken === 1 ? 's' : ''} the foreign key (${key.columns.join(', ')}) references ${key.to} (${key.toColumns.join(', ')}): no row there has ${broken === 1 ? 'its' : 'their'} value`, {
        hint: 'Fix the rows (or the referenced model), or drop the constraint from the YAML. Nothing was changed.',
      });
    }
  }
}
