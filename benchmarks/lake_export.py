"""Benchmark of ``openness lake export`` (run by hand): time and peak memory.

    .venv/bin/python benchmarks/lake_export.py --db URL [--lake DIR]

The database is any seeded one (``openness seed --scale province --db URL``). Each
step runs in a new process, which reports its wall time and its peak memory (max
RSS); the lake is written to ``--lake`` (default a fresh folder under /tmp):

1. the first export into an empty folder;
2. the export again, nothing changed;
3. one old feedback case changed, the export again (one month rewritten);
4. for comparison: the whole history loaded as frames (``load_frames``, no cache).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP = """
import json, resource, sys, time
from queries.model.db import make_engine
engine = make_engine(sys.argv[1])
start = time.perf_counter()
if sys.argv[3] == "export":
    from queries.store.lake import export_lake
    r = export_lake(engine, sys.argv[2])
    out = {"written": r.written, "kept": r.kept, "removed": r.removed,
           "rows": {t.name: t.rows for t in r.tables.values()}}
else:
    from queries.store.frames import load_frames
    out = {"rows": load_frames(engine).row_counts}
out["seconds"] = round(time.perf_counter() - start, 2)
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


def step(db: str, lake: Path, what: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", STEP, db, str(lake), what],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def touch_one_old_case(db: str) -> str:
    """Give the oldest feedback case another outcome; its case id."""
    import sqlalchemy as sa

    from queries.model.db import make_engine
    from queries.model.schema import feedback

    engine = make_engine(db)
    with engine.begin() as conn:
        case, outcome = conn.execute(
            sa.select(feedback.c.case_id, feedback.c.outcome)
            .order_by(feedback.c.received_at)
            .limit(1)
        ).one()
        # another outcome than it has: a real change on every run
        new = "answered" if outcome == "withdrawn" else "withdrawn"
        conn.execute(sa.update(feedback).where(feedback.c.case_id == case).values(outcome=new))
    engine.dispose()
    return str(case)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a seeded database")
    parser.add_argument("--lake", type=Path, help="the lake's folder (emptied first)")
    args = parser.parse_args()
    lake = args.lake or Path(tempfile.mkdtemp(prefix="openness_lake_")) / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    print("first export:", json.dumps(step(args.db, lake, "export")), flush=True)
    size = sum(p.stat().st_size for p in lake.rglob("*") if p.is_file())
    print(f"lake size: {size / 2**20:.1f} MiB in {sum(1 for _ in lake.rglob('*.parquet'))} files")
    print("again, no change:", json.dumps(step(args.db, lake, "export")), flush=True)
    case = touch_one_old_case(args.db)
    print(f"after changing {case}:", json.dumps(step(args.db, lake, "export")), flush=True)
    print("load_frames (whole history):", json.dumps(step(args.db, lake, "frames")), flush=True)


if __name__ == "__main__":
    main()
