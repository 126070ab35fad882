/**
 * Model contracts (`contract: {enforced: true}`), as dbt enforces them:
 *
 * - before a build, the model's query must return exactly the columns its YAML declares, with
 *   the declared types as the engine reads them (both sides asked of the engine with `limit 0`);
 *   otherwise the build fails with a table of the differences and nothing is touched;
 * - a table (or an incremental model's first build) is created from the declared columns with
 *   their constraints (`not_null`, `unique`, `primary_key`, `check`, `custom`), then filled from
 *   the query; a view is only checked. Foreign keys are not created (neither engine needs them
 *   to build, and their targets are other models).
 */
import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { StrataError } from '../errors.js';
import type { MaterializationContext } from './context.js';
import type { StatementLog } from './statement-log.js';

/** A declared column: its name, its `data_type`, and its constraints as YAML gives them. */
export interface ContractColumn {
  name: string;
  dataType: string | null;
  constraints: unknown[];
}

/** An enforced contract. */
export interface Contract {
  columns: ContractColumn[];
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

/** The constraint clause of one column constraint, or '' for one this materialization does not create. */
function constraintSql(c: unknown): string {
  if (c === null || typeof c !== 'object') return '';
  const { type, expression } = c as { type?: unknown; expression?: unknown };
  switch (type) {
    case 'not_null':
      return 'not null';
    case 'unique':
      return 'unique';
    case 'primary_key':
      return 'primary key';
    case 'check':
      return typeof expression === 'string' ? `check (${expression})` : '';
    case 'custom':
      return typeof expression === 'string' ? expression : '';
    default:
      return '';
  }
}

/** The statements that create `relation` with the declared columns and constraints, then fill it from the query. */
export function contractTableStatements(dialect: Dialect, relation: Relation, contract: Contract, sql: string): { create: string; insert: string } {
  const columns = contract.columns.map((c) => [dialect.quote(c.name), c.dataType, ...c.constraints.map(constraintSql)].filter(Boolean).join(' '));
  const names = contract.columns.map((c) => dialect.quote(c.name)).join(', ');
  return {
    create: `create table ${relation.render()} (\n  ${columns.join(',\n  ')}\n)`,
    insert: `insert into ${relation.render()} (${names})\nselect ${names} from (\n${sql}\n) as strata_contract_query`,
  };
}
