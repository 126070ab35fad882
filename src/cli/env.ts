/** The settings the CLI reads from the environment: `STRATA_<name>`, else dbt's `DBT_<name>`. */
import { StrataError } from '../errors.js';

/** `STRATA_<name>`, else dbt's `DBT_<name>`. */
export function envValue(name: string): string | undefined {
  return process.env[`STRATA_${name}`] || process.env[`DBT_${name}`] || undefined;
}

/** A boolean setting from the environment, read as dbt reads it (1/true/yes/on, 0/false/no/off). */
export function envFlag(name: string): boolean | undefined {
  const v = envValue(name)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 't', 'yes', 'y', 'on'].includes(v)) return true;
  if (['0', 'false', 'f', 'no', 'n', 'off'].includes(v)) return false;
  throw new StrataError('usage', `${process.env[`STRATA_${name}`] ? 'STRATA' : 'DBT'}_${name}='${v}' is not a boolean`, { hint: 'use true or false' });
}
