"""Benchmark of the embedded default (run by hand): the command line on a SQLite file,
each step a new process timed end to end, with its peak memory.

    .venv/bin/python benchmarks/embedded_default.py --db PATH.db [--src DIR] [--period 2025]

``--db``: a seeded SQLite file (``openness seed --scale city --db sqlite:///PATH.db``);
it is copied first (the import below writes to the copy). ``--src``: run the
command line of another checkout of the code (``git archive main | tar -x -C DIR``)
for a before/after comparison; the caches go to a fresh data folder each run.

1. ``openness indicators`` with no cache yet (cold: the copy of the records made);
2. the same again (warm), three times;
3. ``openness import`` of one new month of feedback (the last month's cases moved a
   month on, new case ids): what keeping the caches current costs;
4. ``openness indicators`` right after the import, then once more.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
FEEDBACK_COLUMNS = [
    "case_id", "unit_id", "kind", "channel", "received_at", "due_at", "first_response_at",
    "closed_at", "outcome", "reasoned_reply", "return_visit_at", "resolved", "satisfaction",
    "repeat_of",
]  # fmt: skip
DATETIMES = ["received_at", "due_at", "first_response_at", "closed_at", "return_visit_at"]


def step(name: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """``openness ARGS`` in a new process: wall seconds, CPU seconds, peak RSS (MB)."""
    cmd = [TIME, "-f", "%e %U %S %M", sys.executable, "-m", "openness", *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=env["CWD"])
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name}: exit {proc.returncode}\n{proc.stderr}")
    last = proc.stderr.strip().splitlines()[-1]
    _, user, system, rss = last.split()
    out = {"wall_s": round(wall, 2), "cpu_s": round(float(user) + float(system), 2),
           "peak_rss_mb": round(int(rss) / 1024)}  # fmt: skip
    print(f"{name:32s} {out}", flush=True)
    return out


def new_month_csv(db: Path, folder: Path) -> tuple[Path, str]:
    """The last month's feedback moved one month on (new case ids) as a CSV file."""
    con = sqlite3.connect(db)
    last = con.execute("SELECT max(received_at) FROM feedback").fetchone()[0][:7]
    rows = con.execute(
        f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM feedback WHERE received_at >= ? "
        "AND received_at < date(?, '+1 month')",
        (f"{last}-01", f"{last}-01"),
    ).fetchall()
    con.close()
    frame = pl.DataFrame(rows, schema=FEEDBACK_COLUMNS, orient="row", infer_schema_length=None)
    shifted = frame.with_columns(
        ("N" + pl.col("case_id")).alias("case_id"),
        pl.lit(None, pl.String).alias("repeat_of"),
        *[
            (pl.col(c).str.to_datetime("%Y-%m-%d %H:%M:%S%.f") + pl.duration(days=31))
            .dt.strftime("%Y-%m-%d %H:%M:%S")
            .alias(c)
            for c in DATETIMES
        ],
        pl.col("reasoned_reply").cast(pl.String),
        pl.col("resolved").cast(pl.String),
    )
    path = folder / "next_month_feedback.csv"
    shifted.write_csv(path)
    return path, f"{shifted.height} cases after {last}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a seeded SQLite file")
    parser.add_argument("--src", type=Path, help="another checkout's folder to run")
    parser.add_argument("--period", default="2025")
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--warm", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="openness_embedded_"))
    db = work / "bench.db"
    shutil.copy(args.db, db)
    src = (args.src or ROOT).resolve()
    env = {**os.environ, "OPENNESS_DATA": str(work / "data"), "CWD": str(src)}
    env.pop("OPENNESS_FRAME_CACHE", None)
    if args.src is not None:
        env["PYTHONPATH"] = str(src)
    url = f"sqlite:///{db}"
    table = ["indicators", "--period", args.period, "--as-of", args.as_of, "--db", url,
             "--out", str(work / "table.csv")]  # fmt: skip
    csv, what = new_month_csv(db, work)
    print(f"code: {src}; database {args.db} ({db.stat().st_size / 2**20:.0f} MiB); "
          f"import: {what}", flush=True)  # fmt: skip
    step("table, no cache yet", table, env)
    for i in range(args.warm):
        step(f"table, warm {i + 1}", table, env)
    step("import one new month", ["import", str(csv), "--db", url], env)
    step("table after the import", table, env)
    step("table again", table, env)
    cache = work / "data" / "cache"
    for p in sorted(cache.iterdir()) if cache.is_dir() else []:
        size = sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        kind = "lake" if re.match(r"lake-", p.name) else "frame cache"
        print(f"{kind:12s} {p.name}: {size / 2**20:.1f} MiB")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
