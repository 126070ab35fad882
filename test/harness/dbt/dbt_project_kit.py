"""Shared helpers for the dbt harness: write a throw-away dbt project that uses a shipped
package through a `local:` path, run dbt in it, and read models back as sorted text rows."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV_DBT = ROOT / ".venv-dbt" / "bin" / "dbt"
PACKAGE_DIR = ROOT / "packages" / "profiles_sync"

MODELS = [
    "id_graph",
    "external_id_mapping",
    "profile_traits",
    "profile_trait_values",
    "profile_merges",
    "identity_merges_daily",
    "identity_profiles_many_identifiers",
    "identity_shared_identifiers",
    "identity_identifier_segments",
    "identity_identifier_profiles",
]


def write_project(directory: Path, *, materialized: str, schema_name: str, etl_overlap: int,
                  traits_source: str, db_path: Path) -> None:
    """Write dbt_project.yml, packages.yml and profiles.yml for one build mode."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "dbt_project.yml").write_text(
        "name: profiles_sync_check\n"
        "version: '1.0.0'\n"
        "config-version: 2\n"
        "profile: profiles_sync_check\n"
        "vars:\n"
        "  profiles_sync:\n"
        f"    schema_name: {schema_name}\n"
        f"    etl_overlap: {etl_overlap}\n"
        f"    traits_source: {traits_source}\n"
        "models:\n"
        "  profiles_sync:\n"
        "    profile_materializations:\n"
        f"      +materialized: {materialized}\n"
        "    identity_health:\n"
        "      incremental:\n"
        f"        +materialized: {materialized}\n"
    )
    (directory / "packages.yml").write_text(f"packages:\n  - local: {PACKAGE_DIR}\n")
    (directory / "profiles.yml").write_text(
        "profiles_sync_check:\n"
        "  target: dev\n"
        "  outputs:\n"
        "    dev:\n"
        "      type: duckdb\n"
        f"      path: {db_path}\n"
        "      schema: main\n"
        "      threads: 2\n"
    )


def dbt(directory: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the venv's dbt in `directory`; on failure (when check) print its output and exit."""
    cmd = [str(VENV_DBT), *args, "--project-dir", str(directory), "--profiles-dir", str(directory)]
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=directory)
    if check and r.returncode != 0:
        sys.stdout.write(r.stdout[-6000:])
        sys.stderr.write(r.stderr[-3000:])
        raise SystemExit(f"dbt {' '.join(args)} failed in {directory}")
    return r


def read_model(con, model: str, columns: list[str] | None = None) -> tuple[list[str], list[tuple[str, ...]]]:
    """Read a model as sorted rows of text ('' for NULL), all columns unless `columns`."""
    if columns is None:
        columns = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'main' "
            "and table_name = ? order by column_name", [model]).fetchall()]
    select = ", ".join(f'coalesce(cast("{c}" as varchar), \'\')' for c in columns)
    rows = con.execute(f'select {select} from main."{model}"').fetchall()
    return columns, sorted(tuple(r) for r in rows)


def snapshot(con) -> dict[str, tuple[list[str], list[tuple[str, ...]]]]:
    """Every model of the package, all columns, as sorted text rows."""
    return {m: read_model(con, m) for m in MODELS}


def diff_snapshots(a: dict, b: dict, label: str) -> list[str]:
    """Differences between two snapshots, as readable lines."""
    out: list[str] = []
    for model in MODELS:
        (ca, ra), (cb, rb) = a[model], b[model]
        if ca != cb:
            out.append(f"{label}: {model} columns differ: {ca} vs {cb}")
            continue
        if ra != rb:
            only_a = [r for r in ra if r not in set(rb)][:5]
            only_b = [r for r in rb if r not in set(ra)][:5]
            out.append(f"{label}: {model} rows differ ({len(ra)} vs {len(rb)}); "
                       f"first only-left {only_a}; first only-right {only_b}")
    return out


def load_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}
