"""Checks packages/profiles_sync with real dbt-core + dbt-duckdb on generated data.

1. Generates a Profiles Sync landing schema with the TypeScript generator (ground truth
   included), builds the package on it in full, and compares id_graph, profile_traits and
   external_id_mapping with the truth tables.
2. Property test: for N random load schedules, loads the same data in 2–5 batches (split
   at random load times, with rows held back to the next batch when their load time is
   within `late_hours` of the cut, i.e. late rows inside etl_overlap), builds incrementally
   after each batch, and checks that every model equals the full build and the truth.

    .venv-dbt/bin/python test/harness/dbt/run_generated.py [--people 300] [--days 20] [--schedules 50]
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.dont_write_bytecode = True  # keep __pycache__ out of the tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dbt_project_kit import ROOT, dbt, diff_snapshots, snapshot, write_project  # noqa: E402

TABLES = ["id_graph_updates", "external_id_mapping_updates", "profile_traits_updates", "identifies", "pages", "tracks"]
TRAITS = "email, name, plan, company, city, logins, lifetime_value, is_subscribed"
TRUTH_CHECKS = {
    "id_graph": ("select segment_id, canonical_segment_id from main.id_graph",
                 "select segment_id, canonical_segment_id from complete_truth.truth_id_graph"),
    "profile_traits": (f"select canonical_segment_id, merged_to, {TRAITS} from main.profile_traits",
                       f"select canonical_segment_id, merged_to, {TRAITS} from complete_truth.truth_profile_traits"),
    "external_id_mapping": ("select external_id_hash, external_id_type, external_id_value, canonical_segment_id from main.external_id_mapping",
                            "select external_id_hash, external_id_type, external_id_value, canonical_segment_id from complete_truth.truth_external_id_mapping"),
    # the generator's test accounts (and anyone else over the package's default limit of 15 identifiers)
    "identity_profiles_many_identifiers": (
        "select canonical_segment_id, identifiers, identifier_types, user_ids, emails, anonymous_ids from main.identity_profiles_many_identifiers",
        "select canonical_segment_id, count(*), count(distinct external_id_type), count(*) filter (where external_id_type = 'user_id'),"
        " count(*) filter (where external_id_type = 'email'), count(*) filter (where external_id_type = 'anonymous_id')"
        " from complete_truth.truth_external_id_mapping group by canonical_segment_id having count(*) > 15"),
    # the shared devices visited by people whose profiles are still distinct
    "identity_shared_identifiers": (
        "select external_id_hash, external_id_type, profiles, first_profile, last_profile from main.identity_shared_identifiers",
        "select external_id_hash, external_id_type, count(distinct canonical_segment_id), min(canonical_segment_id), max(canonical_segment_id)"
        " from complete_truth.truth_shared_devices group by external_id_hash, external_id_type having count(distinct canonical_segment_id) > 1"),
}


def compare_truth(con, label: str) -> list[str]:
    problems = []
    for model, (actual, truth) in TRUTH_CHECKS.items():
        missing = con.execute(f"select count(*) from (({truth}) except ({actual}))").fetchone()[0]
        extra = con.execute(f"select count(*) from (({actual}) except ({truth}))").fetchone()[0]
        if missing or extra:
            sample = con.execute(f"select * from (({truth}) except ({actual})) limit 3").fetchall()
            problems.append(f"{label}: {model}: {missing} truth rows missing, {extra} unexpected rows; e.g. {sample}")
    return problems


def generate(db: Path, people: int, days: int, seed: int) -> dict:
    r = subprocess.run(
        ["node", "--import", "tsx", str(ROOT / "test/harness/dbt/generate-profiles-sync.ts"),
         str(db), "complete", str(people), str(days), str(seed)],
        capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f"generator failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def load_batch(con, batch: int, cutoffs: list[str], late_hours: int, late_pct: int, seed: int) -> int:
    """Copies the rows of load batch `batch` from schema complete into schema landing."""
    natural = "case " + " ".join(f"when uuid_ts <= timestamp '{c}' then {i + 1}" for i, c in enumerate(cutoffs)) + f" else {len(cutoffs) + 1} end"
    cut_of = "case " + " ".join(f"when {natural} = {i + 1} then timestamp '{c}'" for i, c in enumerate(cutoffs)) + " end"
    held = (f"(abs(hash(id || '{seed}')) % 100 < {late_pct} and {natural} <= {len(cutoffs)} "
            f"and uuid_ts > {cut_of} - interval {late_hours} hour)")
    expr = f"case when {held} then {natural} + 1 else {natural} end"
    n = 0
    for t in TABLES:
        n += con.execute(f"insert into landing.{t} select * from complete.{t} where {expr} = {batch}").fetchone()[0]
    return n


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=300)
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--schedules", type=int, default=50)
    ap.add_argument("--overlap", type=int, default=28)
    ap.add_argument("--late-hours", type=int, default=24)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ps-generated-"))
    db = work / "warehouse.duckdb"
    project = work / "project"
    problems: list[str] = []
    try:
        started = time.time()
        summary = generate(db, args.people, args.days, args.seed)
        print(f"generated {summary['updateRows']} update rows, {summary['profiles']} profiles, {summary['merges']} merges "
              f"in {summary['elapsedMs'] / 1000:.1f}s")
        con = duckdb.connect(str(db))
        con.execute("create schema landing")
        for t in TABLES:
            con.execute(f"create table landing.{t} as select * from complete.{t} limit 0")
        con.close()

        # 1. Full build on all the data (source schema `complete`), compared with the truth.
        write_project(project, materialized="incremental", schema_name="complete", etl_overlap=args.overlap,
                      traits_source="profile_traits_updates", db_path=db)
        dbt(project, "deps")
        t0 = time.time()
        dbt(project, "build", "--full-refresh")
        print(f"full build + tests: {time.time() - t0:.1f}s")
        con = duckdb.connect(str(db))
        problems += compare_truth(con, "full build")
        full = snapshot(con)
        bounds = con.execute("select min(uuid_ts), max(uuid_ts) from complete.id_graph_updates").fetchone()
        con.close()
        # the same with traits from identifies
        write_project(project, materialized="table", schema_name="complete", etl_overlap=args.overlap,
                      traits_source="identifies", db_path=db)
        dbt(project, "run")
        con = duckdb.connect(str(db))
        problems += [p for p in compare_truth(con, "identifies as traits source") if "profile_traits" in p]
        con.close()
        print(f"truth checks: {'ok' if not problems else 'FAIL'}")
        for p in problems:
            print("  " + p)

        # 2. Random load schedules, incremental after each batch.
        write_project(project, materialized="incremental", schema_name="landing", etl_overlap=args.overlap,
                      traits_source="profile_traits_updates", db_path=db)
        lo, hi = bounds
        span = (hi - lo).total_seconds()
        for s in range(args.schedules):
            rnd = random.Random(args.seed * 1000 + s)
            batches = rnd.randint(2, 5)
            cuts = sorted(lo + (hi - lo) * rnd.random() for _ in range(batches - 1))
            cutoffs = [c.strftime("%Y-%m-%d %H:%M:%S") for c in cuts]
            late_pct = rnd.choice([0, 10, 30, 60])
            con = duckdb.connect(str(db))
            for t in TABLES:
                con.execute(f"delete from landing.{t}")
            con.close()
            loaded = []
            for b in range(1, batches + 1):
                con = duckdb.connect(str(db))
                loaded.append(load_batch(con, b, cutoffs, args.late_hours, late_pct, s))
                con.close()
                dbt(project, "run", *(["--full-refresh"] if b == 1 else []))
            con = duckdb.connect(str(db))
            mine = compare_truth(con, f"schedule {s}")
            mine += diff_snapshots(full, snapshot(con), f"schedule {s} incremental vs full")
            con.close()
            print(f"schedule {s:2}: {batches} batches {loaded} rows, late {late_pct}% -> {'ok' if not mine else 'FAIL'}")
            problems += mine
            for p in mine:
                print("  " + p)
        print(f"{'PASS' if not problems else 'FAIL'} ({time.time() - started:.0f}s, span {span / 3600:.0f}h)")
        return 1 if problems else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
