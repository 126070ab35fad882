"""Builds every fixture of packages/profiles_sync with real dbt-core + dbt-duckdb and
compares the models with the hand-computed expected CSVs.

For each fixture: load batch 1 of the input, `dbt build`, load batch 2, `dbt build`
(incremental), …; compare with expected/; build again with no new data (nothing may
change); then `dbt build --full-refresh`, and builds with
the table and view materializations, each compared with expected/ and with the
incremental result (every column of every model).

    test/harness/dbt/setup.sh && .venv-dbt/bin/python test/harness/dbt/run_fixtures.py [case…]
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.dont_write_bytecode = True  # keep __pycache__ out of the tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dbt_project_kit import (  # noqa: E402
    ROOT, dbt, diff_snapshots, load_json, read_model, snapshot, write_project,
)

FIXTURES = ROOT / "test" / "packages" / "profiles_sync" / "fixtures"
SCHEMA = "landing"


class Table:
    """One landing table of a fixture: its typed columns and its rows with their batch."""

    def __init__(self, name: str, standard: dict[str, str], csv_path: Path | None, added: dict[str, int]):
        self.name = name
        self.columns: dict[str, str] = dict(standard)
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.added = added
        if csv_path is not None and csv_path.exists():
            with csv_path.open(newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                names = []
                for h in header:
                    name, _, typ = h.partition(":")
                    names.append(name)
                    if name != "_batch" and name not in self.columns:
                        self.columns[name] = typ or "varchar"
                for values in reader:
                    row = dict(zip(names, values))
                    batch = int(row.pop("_batch", "") or 1)
                    self.rows.append((batch, row))

    def create(self, con) -> None:
        cols = ", ".join(f'"{c}" {t}' for c, t in self.columns.items() if self.added.get(c, 1) <= 1)
        con.execute(f'create table {SCHEMA}."{self.name}" ({cols})')

    def load(self, con, batch: int) -> None:
        for c, b in self.added.items():
            if b == batch and batch > 1:
                con.execute(f'alter table {SCHEMA}."{self.name}" add column "{c}" {self.columns[c]}')
        present = [c for c in self.columns if self.added.get(c, 1) <= batch]
        rows = [r for b, r in self.rows if b == batch]
        if not rows:
            return
        placeholders = ", ".join(f"cast(? as {self.columns[c]})" for c in present)
        names = ", ".join(f'"{c}"' for c in present)
        con.executemany(
            f'insert into {SCHEMA}."{self.name}" ({names}) values ({placeholders})',
            [[(r.get(c) or None) for c in present] for r in rows],
        )


def check_expected(con, case: Path, label: str, case_cfg: dict) -> list[str]:
    problems: list[str] = []
    for exp in sorted((case / "expected").glob("*.csv")):
        model = exp.stem
        with exp.open(newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            expected = sorted(tuple(r) for r in reader)
        _, actual = read_model(con, model, header)
        if actual != expected:
            problems.append(f"{label}: {model} differs from expected\n    expected {expected}\n    actual   {actual}")
    for model, cols in case_cfg.get("absent_columns", {}).items():
        present, _ = read_model(con, model)
        for c in cols:
            if c in present:
                problems.append(f"{label}: {model} has column {c}, which is not a trait")
    return problems


def check_as_of(project: Path, db_path: Path, case: Path, as_of: str) -> list[str]:
    """Compiles the id_graph_as_of analysis for `as_of`, runs it, compares with expected_as_of.csv."""
    dbt(project, "compile", "--select", "id_graph_as_of", "--vars", json.dumps({"profiles_sync_as_of": as_of}))
    sql = next((project / "target" / "compiled").rglob("id_graph_as_of.sql")).read_text()
    with (case / "expected_as_of.csv").open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        expected = sorted(tuple(r) for r in reader)
    con = duckdb.connect(str(db_path), read_only=True)
    cols = ", ".join(f"coalesce(cast({c} as varchar), '')" for c in header)
    actual = sorted(tuple(r) for r in con.execute(f"select {cols} from ({sql}) as g").fetchall())
    con.close()
    if actual != expected:
        return [f"id_graph as of {as_of} differs\n    expected {expected}\n    actual   {actual}"]
    return []


def run_case(case: Path, work: Path) -> list[str]:
    cfg = load_json(case / "case.json")
    standard = load_json(FIXTURES / "columns.json")
    batches = int(cfg.get("batches", 1))
    added = cfg.get("add_columns", {})
    db_path = work / "warehouse.duckdb"
    project = work / "project"

    def project_for(mode: str) -> None:
        write_project(project, materialized=mode, schema_name=SCHEMA,
                      etl_overlap=int(cfg.get("etl_overlap", 28)),
                      traits_source=cfg.get("traits_source", "profile_traits_updates"), db_path=db_path)

    tables = [Table(name, cols, case / "input" / f"{name}.csv", added.get(name, {}))
              for name, cols in standard.items()]
    con = duckdb.connect(str(db_path))
    con.execute(f"create schema {SCHEMA}")
    for t in tables:
        t.create(con)
    con.close()

    project_for("incremental")
    dbt(project, "deps")
    failing = cfg.get("expect_failing_test")
    problems: list[str] = []
    for batch in range(1, batches + 1):
        con = duckdb.connect(str(db_path))
        for t in tables:
            t.load(con, batch)
        con.close()
        r = dbt(project, "build", check=failing is None)
        if failing is not None:
            out = r.stdout
            if r.returncode == 0 or failing not in out or "FAIL" not in out:
                problems.append(f"expected test {failing} to fail; dbt exit {r.returncode}\n{out[-3000:]}")
            return problems

    con = duckdb.connect(str(db_path), read_only=True)
    problems += check_expected(con, case, "incremental", cfg)
    incremental = snapshot(con)
    con.close()

    # a re-run with no new data (every update row re-read inside the overlap) changes nothing
    dbt(project, "build")
    con = duckdb.connect(str(db_path), read_only=True)
    problems += diff_snapshots(incremental, snapshot(con), "incremental vs re-run without new data")
    con.close()

    if "as_of" in cfg:
        problems += check_as_of(project, db_path, case, cfg["as_of"])

    for mode, args in (("incremental", ["--full-refresh"]), ("table", []), ("view", [])):
        project_for(mode)
        dbt(project, "build", *args)
        con = duckdb.connect(str(db_path), read_only=True)
        label = f"{mode}{' full-refresh' if args else ''}"
        problems += check_expected(con, case, label, cfg)
        problems += diff_snapshots(incremental, snapshot(con), f"incremental vs {label}")
        con.close()
    return problems


def main(argv: list[str]) -> int:
    cases = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "input").exists())
    if argv:
        cases = [c for c in cases if any(a in c.name for a in argv)]
    failed = 0
    for case in cases:
        started = time.time()
        work = Path(tempfile.mkdtemp(prefix=f"ps-{case.name}-"))
        try:
            problems = run_case(case, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {case.name} ({time.time() - started:.1f}s)")
        for p in problems:
            print("     " + p)
        failed += bool(problems)
    print(f"{len(cases) - failed}/{len(cases)} fixtures pass")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
