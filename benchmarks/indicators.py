"""Benchmark of the indicator engine at province scale (run by hand).

    .venv/bin/python benchmarks/indicators.py [--db URL] [--rows-scale 1.0]

Without ``--db`` it builds (once, cached under /tmp/openness_bench) a SQLite
database of synthetic records the size of ``openness seed --scale province``
(about 3,000 units, 6 million feedback cases, 1.5 million disclosures,
150,000 supervision items over three years). It then times, each in a new
process so that "cold" means cold:

- cold: open the database, load the frames, compute the full table
  (one year, then one quarter);
- warm: frames already loaded, compute the table again for a different
  period and for one unit's subtree;

and reports the peak memory (max RSS) of each process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from queries.engine.indicators import indicator_table
from queries.model.db import init_db, make_engine
from queries.store.frames import load_frames
from queries.store.schemas import make_frames

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DIR = Path("/tmp/openness_bench")
START = datetime(2024, 1, 1)
END = datetime(2026, 11, 27)


def synthetic_frames(scale: float = 1.0, seed: int = 42):  # type: ignore[no-untyped-def]
    """Province-sized frames from a seeded generator (numpy, vectorised)."""
    rng = np.random.default_rng(seed)
    units: list[dict[str, str | None]] = []
    leaves: list[str] = []
    kinds = ["comprehensive", "window", "case_handling", "management"]
    for c in range(20):
        b = f"C{c:02d}"
        units.append(
            dict(unit_id=b, name=f"市局{c}", parent_id=None, level="bureau", kind="management")
        )
        for d in range(15):
            u = f"{b}-D{d:02d}"
            units.append(
                dict(unit_id=u, name=u, parent_id=b, level="department", kind="case_handling")
            )
            leaves.append(u)
        for br in range(12):
            bu = f"{b}-B{br:02d}"
            units.append(
                dict(unit_id=bu, name=bu, parent_id=b, level="branch", kind="comprehensive")
            )
            leaves.append(bu)
            for s in range(10):
                su = f"{bu}-S{s:02d}"
                units.append(
                    dict(unit_id=su, name=su, parent_id=bu, level="station", kind=kinds[s % 4])
                )
                leaves.append(su)
    leaf = np.array(leaves)
    span_s = int((END - START).total_seconds())
    us = 1_000_000

    def ts(offset_s: np.ndarray) -> pl.Series:
        return pl.Series((offset_s * us).astype(np.int64)).cast(pl.Duration("us")) + START

    n = int(6_000_000 * scale)
    rec = rng.integers(0, span_s, n)
    resp = rec + rng.exponential(20 * 3600, n).astype(np.int64)
    close = rec + rng.exponential(12 * 86400, n).astype(np.int64)
    visit = close + rng.exponential(3 * 86400, n).astype(np.int64)
    has_resp = rng.random(n) < 0.95
    has_close = rng.random(n) < 0.9
    has_visit = has_close & (rng.random(n) < 0.6)
    fkinds = np.array(["complaint", "report", "suggestion", "opinion", "enquiry"])
    fb = pl.DataFrame(
        {
            "case_id": pl.Series(np.arange(n)).cast(pl.String).str.pad_start(9, "0"),
            "unit_id": leaf[rng.integers(0, len(leaf), n)],
            "kind": fkinds[rng.integers(0, 5, n)],
            "channel": np.array(["hotline", "online", "mailbox", "in_person"])[
                rng.integers(0, 4, n)
            ],
            "received_at": ts(rec),
            "first_response_at": ts(resp),
            "closed_at": ts(close),
            "return_visit_at": ts(visit),
            "reasoned_reply": rng.random(n) < 0.8,
            "resolved": rng.random(n) < 0.85,
            "satisfaction": np.array(["satisfied", "basically_satisfied", "dissatisfied"])[
                rng.integers(0, 3, n)
            ],
            "outcome": np.array(["adopted", "not_adopted", "answered", "upheld"])[
                rng.integers(0, 4, n)
            ],
            "repeat_of": pl.Series(np.where(rng.random(n) < 0.05, "000000001", "")),
        }
    ).with_columns(
        pl.when(pl.Series(has_resp)).then(pl.col("first_response_at")),
        pl.when(pl.Series(has_close)).then(pl.col("closed_at")),
        pl.when(pl.Series(has_visit)).then(pl.col("return_visit_at")),
        pl.when(pl.Series(has_visit)).then(pl.col("resolved")),
        pl.when(pl.Series(has_visit)).then(pl.col("satisfaction")),
        pl.col("repeat_of").replace("", None),
    )
    m = int(1_500_000 * scale)
    pub = rng.integers(0, span_s // 86400, m)
    cats = np.array(
        [
            "powers_duties",
            "normative_documents",
            "procedures",
            "obligations",
            "rights_remedies",
            "convenience_measures",
            "complaint_channels",
            "units_contacts",
            "major_decisions",
            "case_progress",
            "enforcement_results",
            "statistics",
            "traffic_notices",
        ]
    )
    chans = np.array(
        [
            "website",
            "new_media",
            "bulletin_board",
            "service_window",
            "press",
            "broadcast",
            "print",
            "meeting",
        ]
    )
    day0 = pl.Series([START.date()]).cast(pl.Int32)[0]
    ds = pl.DataFrame(
        {
            "disclosure_id": pl.Series(np.arange(m)).cast(pl.String).str.pad_start(8, "0"),
            "unit_id": leaf[rng.integers(0, len(leaf), m)],
            "category": cats[rng.integers(0, len(cats), m)],
            "channel": chans[rng.integers(0, 8, m)],
            "published_on": pl.Series(pub + day0).cast(pl.Date),
            "formed_on": pl.Series(pub + day0 - rng.integers(0, 40, m)).cast(pl.Date),
            "withdrawn_on": pl.Series(
                np.where(rng.random(m) < 0.1, pub + day0 + rng.integers(1, 400, m), -(10**6))
            ).cast(pl.Date),
        }
    ).with_columns(pl.when(pl.col("withdrawn_on").dt.year() > 1000).then(pl.col("withdrawn_on")))
    k = int(150_000 * scale)
    op = rng.integers(0, span_s // 86400, k) + day0
    sv = pl.DataFrame(
        {
            "item_id": pl.Series(np.arange(k)).cast(pl.String).str.pad_start(7, "0"),
            "unit_id": leaf[rng.integers(0, len(leaf), k)],
            "source": np.array(["audit", "media", "inspectorate"])[rng.integers(0, 3, k)],
            "opened_on": pl.Series(op).cast(pl.Date),
            "rectify_due_on": pl.Series(op + 30).cast(pl.Date),
            "rectified_on": pl.Series(op + rng.integers(5, 60, k)).cast(pl.Date),
            "result_published_on": pl.Series(
                np.where(rng.random(k) < 0.7, op + rng.integers(10, 90, k), -(10**6))
            ).cast(pl.Date),
        }
    ).with_columns(
        pl.when(pl.col("result_published_on").dt.year() > 1000).then(pl.col("result_published_on"))
    )
    return make_frames(units=units, disclosures=ds, feedback=fb, supervision=sv)


def _sqlite_text(df: pl.DataFrame) -> pl.DataFrame:
    """Values as SQLAlchemy stores them in SQLite: text date-times, 0/1 booleans."""
    return df.with_columns(
        [
            pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
            for c, t in df.schema.items()
            if t == pl.Datetime("us")
        ]
        + [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in df.schema.items() if t == pl.Date]
        + [pl.col(c).cast(pl.Int8) for c, t in df.schema.items() if t == pl.Boolean]
    )


def build_sqlite(path: Path, scale: float) -> None:
    """A SQLite database with the project's schema holding the synthetic frames."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    engine.dispose()
    frames = synthetic_frames(scale)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    for name in ("units", "disclosures", "feedback", "supervision"):
        df = _sqlite_text(frames[name])
        cols = ", ".join(df.columns)
        marks = ", ".join("?" * len(df.columns))
        for chunk in df.iter_slices(200_000):
            con.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", chunk.iter_rows())
        con.commit()
    con.close()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(
    url: str, steps: list[list[str | None]], as_of: str, cache_dir: str | None = None
) -> dict[str, object]:
    """In this process: load the frames, then compute each (period, unit) step in turn.

    The first step is the cold one (load + compute); the others are warm.
    """
    t0 = time.perf_counter()
    c0 = time.process_time()
    engine = make_engine(url)
    frames = load_frames(engine, cache_dir=cache_dir)
    t_load = time.perf_counter() - t0
    out: dict[str, object] = {
        "load_s": round(t_load, 2),
        "load_cpu_s": round(time.process_time() - c0, 2),
    }
    times = []
    for period, unit in steps:
        t1 = time.perf_counter()
        c1 = time.process_time()
        table = indicator_table(frames, str(period), as_of, unit_id=unit)
        # wall seconds, CPU seconds (both cores), rows
        times.append(
            [
                period,
                unit,
                round(time.perf_counter() - t1, 2),
                round(time.process_time() - c1, 2),
                table.height,
            ]
        )
    out["steps"] = times
    out["cold_s"] = round(t_load + float(times[0][2]), 2)
    out["peak_mb"] = round(_peak_mb())
    return out


def _run(spec: dict[str, object]) -> dict[str, object]:
    res = subprocess.run(
        [sys.executable, __file__, "--case", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def build_postgres(url: str, sqlite_path: Path) -> None:
    """Copy the synthetic SQLite database into PostgreSQL (COPY, for speed)."""
    import sqlalchemy as sa

    engine = make_engine(url)
    init_db(engine)
    src = sqlite3.connect(sqlite_path)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for name in ("supervision", "feedback", "disclosures", "units"):
            cur.execute(f"TRUNCATE {name}")
        for name in ("units", "disclosures", "feedback", "supervision"):
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({name})")]
            bools = {"reasoned_reply", "resolved"}
            with cur.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in src.execute(f"SELECT {', '.join(cols)} FROM {name}"):
                    copy.write_row(
                        [
                            (bool(v) if c in bools and v is not None else v)
                            for c, v in zip(cols, row, strict=True)
                        ]
                    )
        raw.commit()
    finally:
        raw.close()
        src.close()
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", help="an existing database (default: a synthetic SQLite one)")
    ap.add_argument("--rows-scale", type=float, default=1.0, help="fraction of province size")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--pg", help="also copy the synthetic records to this PostgreSQL URL")
    ap.add_argument("--pg-ready", action="store_true", help="--pg already holds them")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(**json.loads(args.case))))
        return
    urls = []
    if args.db:
        urls.append(args.db)
    else:
        path = BENCH_DIR / f"province_{args.rows_scale:g}.db"
        if args.rebuild or not path.exists():
            t = time.perf_counter()
            build_sqlite(path, args.rows_scale)
            print(f"built {path} in {time.perf_counter() - t:.1f} s", flush=True)
        urls.append(f"sqlite:///{path}")
        if args.pg:
            if not args.pg_ready:
                t = time.perf_counter()
                build_postgres(args.pg, path)
                print(f"copied to {args.pg} in {time.perf_counter() - t:.1f} s", flush=True)
            urls.append(args.pg)
    as_of = "2026-11-27 12:00"
    cache = str(BENCH_DIR / "cache")
    year = [["2025", None], ["2025", "C03-B01"], ["2025-Q4", None], ["2025-Q3", None]]
    quarter = [["2026-Q3", None], ["2026-Q2", "C07"], ["2026-Q1", None]]
    for url in urls:
        print(url)
        for label, steps, cache_dir in (
            ("year, no frame cache", year, None),
            ("quarter, no frame cache", quarter, None),
            ("year, frame cache filled", year, cache),
            ("year, frame cache hit", year, cache),
            ("quarter, frame cache hit", quarter, cache),
        ):
            load_before = os.getloadavg()[0]
            res = _run({"url": url, "steps": steps, "as_of": as_of, "cache_dir": cache_dir})
            # other jobs on the machine: the 1-minute load average before and after
            res["loadavg"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            print(f"  {label}: {json.dumps(res)}", flush=True)


if __name__ == "__main__":
    main()
