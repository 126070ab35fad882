/** `strata init`: a new project that builds on embedded DuckDB with no further setup. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StrataError } from '../errors.js';

const FILES: Record<string, (name: string) => string> = {
  'dbt_project.yml': (name) => `name: ${name}
version: '1.0.0'
config-version: 2
profile: ${name}

model-paths: ["models"]
macro-paths: ["macros"]
seed-paths: ["seeds"]
test-paths: ["tests"]
snapshot-paths: ["snapshots"]
analysis-paths: ["analyses"]
target-path: target
clean-targets: ["target"]

models:
  ${name}:
    staging:
      +materialized: view
    marts:
      +materialized: table
`,
  'profiles.yml': (name) => `# Where ${name} builds. Embedded DuckDB needs no server: the database is one file.
${name}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: target/${name}.duckdb
      threads: 4
`,
  'models/staging/stg_numbers.sql': () => `-- A staging model: a view over generated numbers.
select range as n, range % 3 = 0 as divisible_by_three
from range(1, 101)
`,
  'models/marts/number_summary.sql': () => `-- A mart: a table built from the staging model.
select divisible_by_three, count(*) as numbers, sum(n) as total
from {{ ref('stg_numbers') }}
group by divisible_by_three
`,
  'models/schema.yml': () => `version: 2
models:
  - name: stg_numbers
    description: The numbers 1 to 100.
    columns:
      - name: n
        description: The number.
  - name: number_summary
    description: How many numbers are divisible by three, and their sum.
`,
  'macros/.gitkeep': () => '',
  'seeds/.gitkeep': () => '',
  'tests/.gitkeep': () => '',
  'snapshots/.gitkeep': () => '',
  'analyses/.gitkeep': () => '',
  '.gitignore': () => 'target/\nlogs/\n',
};

/** Create the project; returns its folder. Refuses to overwrite an existing project. */
export async function initProject(name: string, projectDir?: string): Promise<string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new StrataError('usage', `'${name}' is not a valid project name`, { hint: 'use letters, digits and underscores, starting with a letter' });
  }
  const dir = resolve(projectDir ?? name);
  if (existsSync(join(dir, 'dbt_project.yml'))) throw new StrataError('usage', `${dir} already holds a dbt_project.yml`, { hint: 'choose another folder' });
  for (const [file, text] of Object.entries(FILES)) {
    const abs = join(dir, file);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text(name));
  }
  return dir;
}
