"""A new scope's first indicator table: SQL compiled once per shape against compiled
per scope (run by hand; numbers go into the README, "Engines").

    .venv/bin/python benchmarks/compile_shapes.py [--scale demo] [--rounds 3]

Seeds a SQLite database at ``--scale`` (seed 42, last day 2026-06-30) in a temporary
folder, builds its lake, then for each of eight quarters (2024-Q3 to 2026-Q2, as-of
2026-06-30) times the first indicator table of that quarter in a fresh set of frames
(nothing kept from the quarter before but the compiled SQL), two ways in the same run,
alternating:

- ``per shape``: today's path, the SQL of a scope's shape compiled once and each
  quarter's dates written into it (queries/engine/relational/plan.py ``compiled``);
- ``per scope`` (the baseline, the path before): each quarter's SQL compiled for it.

Each way starts with its caches empty; the first quarter pays the compilation both ways.
Prints the median seconds per quarter after the first and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries.engine.indicators import compute_table
from queries.engine.relational import plan
from queries.engine.relational.sql import compile_sql
from queries.model.db import init_db, make_engine
from queries.model.periods import Period
from queries.model.settings import load_settings
from queries.store.frames import load_frames
from seed_data.generator import seed_database

QUARTERS = [
    f"{y}-Q{q}"
    for y, q in [(2024, 3), (2024, 4)]
    + [(y, q) for y in (2025,) for q in (1, 2, 3, 4)]
    + [(2026, 1), (2026, 2)]
]
AS_OF = datetime(2026, 6, 30)


def per_scope(dialect, scope, median_buckets, partitioned):  # type: ignore[no-untyped-def]
    """The path before: the scope's queries built and compiled for it alone."""
    key = (
        dialect,
        "per-scope",
        scope.periods,
        scope.as_of,
        scope.settings.fingerprint(),
        None if median_buckets is None else tuple(median_buckets),
        partitioned,
    )
    found = plan._STATEMENTS.get(key)
    if found is None:
        groups = plan.MEDIAN_GROUPS.get(dialect, 1)
        made = {
            "span": plan._span_query(scope, partitioned),
            **plan._plan(scope, median_buckets, partitioned, groups),
        }
        found = plan._STATEMENTS[key] = {n: compile_sql(e, dialect) for n, e in made.items()}
    return found


def run(engine, cache: Path, statements: Callable[..., dict[str, str]]) -> list[float]:  # type: ignore[no-untyped-def]
    plan._STATEMENTS.clear()
    plan._SHAPES.clear()
    saved = plan._statements
    plan._statements = statements
    settings = load_settings(None)
    times = []
    try:
        for q in QUARTERS:
            frames = load_frames(engine, cache_dir=cache)  # fresh frames: no table kept
            start = time.perf_counter()
            compute_table(frames, Period.parse(q), AS_OF, settings)
            times.append(time.perf_counter() - start)
    finally:
        plan._statements = saved
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/openness.db")
        init_db(engine)
        seed_database(engine, args.scale, 42, date(2026, 6, 30), progress=False)
        cache = Path(tmp) / "cache"
        load_frames(engine, cache_dir=cache)  # the lake built
        shaped: list[float] = []
        scoped: list[float] = []
        firsts: dict[str, list[float]] = {"shape": [], "scope": []}
        for _ in range(args.rounds):
            a = run(engine, cache, plan._statements)
            b = run(engine, cache, per_scope)
            firsts["shape"].append(a[0])
            firsts["scope"].append(b[0])
            shaped += a[1:]
            scoped += b[1:]
        s, b = statistics.median(shaped), statistics.median(scoped)
        print(f"scale {args.scale}, {len(QUARTERS)} quarters x {args.rounds} rounds")
        print(
            f"first quarter (both compile): per shape {statistics.median(firsts['shape']):.3f} s, "
            f"per scope {statistics.median(firsts['scope']):.3f} s"
        )
        print(
            f"each later quarter, median: per shape {s:.3f} s, per scope (baseline) {b:.3f} s, "
            f"ratio {s / b:.2f}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
