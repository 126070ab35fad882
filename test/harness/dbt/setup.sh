#!/usr/bin/env bash
# Makes the Python virtual environment with real dbt-core + dbt-duckdb used to check the
# shipped packages against dbt itself. Test harness only: the product never needs Python.
# dbt-core 2.x downloads a binary parser from GitHub at install time, so we pin 1.10.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
venv="$root/.venv-dbt"
# The same DuckDB as Strata's @duckdb/node-api, so both engines read each other's files and
# the comparison runs on one engine version.
duckdb_version="$(node -p "require('$root/node_modules/@duckdb/node-api/package.json').version.split('-')[0]" 2>/dev/null || echo 1.5.6)"
if [ ! -x "$venv/bin/dbt" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "dbt-core>=1.9,<1.11" "dbt-duckdb>=1.9,<1.11" "dbt-postgres>=1.9,<1.11" "duckdb==$duckdb_version"
elif ! "$venv/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$duckdb_version')"; then
  "$venv/bin/pip" install --quiet "duckdb==$duckdb_version"
fi
if ! "$venv/bin/python" -c "import dbt.adapters.postgres" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "dbt-postgres>=1.9,<1.11"
fi
"$venv/bin/dbt" --version | head -3
