"""Import throughput: a province-scale feedback CSV into a fresh SQLite file.

Generates (deterministically, numpy seed 42) a units file of 3,000 units and a
feedback CSV of ``--rows`` rows (default 2,000,000) the way a source system
exports it: chronological, with the complainant's name, phone and free text
in extra columns (dropped on import), and about 0.5% of rows with a problem
(a closing date before receipt, an unknown channel, a repeated case id).
Then imports both with ``import_files`` and prints rows/s and peak memory.

    .venv/bin/python benchmarks/import_throughput.py [--rows N] [--keep DIR] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries.importing.run import import_files
from queries.model.db import init_db, make_engine

KINDS = ["complaint", "report", "suggestion", "opinion", "enquiry"]
CHANNELS = ["hotline", "mailbox", "online", "in_person", "letter", "deputy", "supervisor", "media"]
OUTCOMES = ["upheld", "partly_upheld", "not_upheld", "answered", "withdrawn"]
SATISFACTION = ["satisfied", "basically_satisfied", "dissatisfied"]


def make_units(n_units: int) -> pl.DataFrame:
    ids = ["B00", *[f"B00-S{i:04d}" for i in range(1, n_units)]]
    return pl.DataFrame(
        {
            "unit_id": ids,
            "name": ["省公安厅", *[f"派出所{i}" for i in range(1, n_units)]],
            "name_en": ["Provincial bureau", *[f"Station {i}" for i in range(1, n_units)]],
            "parent_id": [None, *["B00"] * (n_units - 1)],
            "level": ["bureau", *["station"] * (n_units - 1)],
            "kind": ["management", *["comprehensive"] * (n_units - 1)],
        }
    )


SPAN = 3 * 365 * 86400  # three years of cases
CHUNK = 250_000


def write_feedback(path: Path, rows: int, unit_ids: list[str], seed: int = 42) -> None:
    """The feedback CSV, generated in chunks so that the generator stays small in memory."""
    rng = np.random.default_rng(seed)
    with path.open("wb") as f:
        for first in range(0, rows, CHUNK):
            n = min(CHUNK, rows - first)
            frame = make_feedback(rng, first, n, rows, unit_ids)
            frame.write_csv(f, include_header=first == 0)


def make_feedback(
    rng: np.random.Generator, first: int, rows: int, total: int, unit_ids: list[str]
) -> pl.DataFrame:
    """Rows ``first`` .. ``first + rows`` of ``total``, in order of receipt."""
    start = np.datetime64("2023-01-01T00:00:00", "s") + np.timedelta64(SPAN * first // total, "s")
    span = max(1, SPAN * rows // total)
    received = np.sort(start + rng.integers(0, span, rows).astype("timedelta64[s]"))
    response = received + rng.integers(600, 3 * 86400, rows).astype("timedelta64[s]")
    closed = received + rng.integers(86400, 40 * 86400, rows).astype("timedelta64[s]")
    visited = closed + rng.integers(86400, 10 * 86400, rows).astype("timedelta64[s]")
    has_visit = rng.random(rows) < 0.6
    bad = rng.random(rows)
    frame = pl.DataFrame(
        {
            "case_id": pl.Series(np.arange(first, first + rows)).cast(pl.String),
            "unit_id": pl.Series(unit_ids).gather(rng.integers(0, len(unit_ids), rows)),
            "kind": pl.Series(KINDS).gather(rng.integers(0, len(KINDS), rows)),
            "channel": pl.Series(CHANNELS).gather(rng.integers(0, len(CHANNELS), rows)),
            "received_at": pl.Series(received.astype("datetime64[us]")),
            "due_at": None,
            "first_response_at": pl.Series(response.astype("datetime64[us]")),
            "closed_at": pl.Series(closed.astype("datetime64[us]")),
            "outcome": pl.Series(OUTCOMES).gather(rng.integers(0, len(OUTCOMES), rows)),
            "reasoned_reply": pl.Series(rng.random(rows) < 0.8),
            "return_visit_at": pl.Series(visited.astype("datetime64[us]")),
            "resolved": pl.Series(rng.random(rows) < 0.7),
            "satisfaction": pl.Series(SATISFACTION).gather(rng.integers(0, 3, rows)),
            "repeat_of": None,
            "complainant_name": pl.Series(["张三", "李四", "王五"]).gather(
                rng.integers(0, 3, rows)
            ),
            "phone": pl.Series(rng.integers(13000000000, 13999999999, rows)).cast(pl.String),
            "content": "群众反映窗口办事排队时间过长，希望增加窗口。",
        }
    )
    visit = pl.Series(has_visit)
    frame = frame.with_columns(
        pl.col("case_id").str.zfill(9).map_batches(lambda s: "F" + s),
        *[
            pl.when(visit).then(pl.col(c)).alias(c)
            for c in ("return_visit_at", "resolved", "satisfaction")
        ],
    )
    frame = frame.with_columns(
        # the problems real exports carry (about 0.5% of rows)
        pl.when(pl.Series(bad < 0.002))
        .then(pl.col("received_at") - pl.duration(days=400))
        .otherwise(pl.col("closed_at"))
        .alias("closed_at"),
        pl.when(pl.Series((bad >= 0.002) & (bad < 0.004)))
        .then(pl.lit("Unknown"))
        .otherwise(pl.col("channel"))
        .alias("channel"),
        pl.when(pl.Series((bad >= 0.004) & (bad < 0.005)))
        .then(pl.lit("F000000001"))
        .otherwise(pl.col("case_id"))
        .alias("case_id"),
    )
    return frame.with_columns(
        pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S")
        for c in ("received_at", "first_response_at", "closed_at", "return_visit_at")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--keep", type=Path, help="folder for the files (default: a temp dir)")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        units_csv = folder / "units.csv"
        feedback_csv = folder / "province_feedback.csv"
        t0 = time.perf_counter()
        units = make_units(args.units)
        units.write_csv(units_csv)
        write_feedback(feedback_csv, args.rows, units["unit_id"].to_list())
        size = feedback_csv.stat().st_size
        print(
            f"generated {args.rows:,} rows, {size / 1e6:,.0f} MB in {time.perf_counter() - t0:.1f} s"
        )

        if not args.db:  # a fresh file, also when --keep names a folder used before
            for suffix in ("", "-wal", "-shm"):
                (folder / f"bench.db{suffix}").unlink(missing_ok=True)
        url = args.db or f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(url)
        init_db(engine)
        os.environ.setdefault("OPENNESS_DATA", str(folder))
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_SELF)
        results = import_files(engine, [units_csv, feedback_csv], strict=args.strict)
        elapsed = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF)
        user = after.ru_utime - before.ru_utime
        system = after.ru_stime - before.ru_stime
        cpu = user + system
        feedback = results[-1]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"imported {feedback.rows_read:,} rows ({feedback.rows_accepted:,} accepted, "
            f"{feedback.rows_rejected:,} rejected, status {feedback.status}) in {elapsed:.1f} s: "
            f"{feedback.rows_read / elapsed:,.0f} rows/s, {size / 1e6 / elapsed:,.0f} MB/s"
        )
        print(
            f"CPU time {cpu:.1f} s (user {user:.1f} + sys {system:.1f}; "
            f"{cpu / args.rows * 1e6:.1f} µs a row; {cpu / elapsed:.2f} cores busy on average)"
        )
        print(
            f"{os.cpu_count()} cores, load average {load_before:.1f} before and "
            f"{os.getloadavg()[0]:.1f} after: other work on the machine lowers rows/s"
        )
        print(f"peak memory (max RSS of this process): {rss_mb:,.0f} MB")
        engine.dispose()


if __name__ == "__main__":
    main()
