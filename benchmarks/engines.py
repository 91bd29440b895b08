"""The engines' speed and memory against plain baselines (issue 18), run by hand.

    .venv/bin/python benchmarks/engines.py [--scale province] [--steps ...] [--rounds 3]
                                          [--pg URL] [--dir DIR]

Every figure is a ratio to a baseline run beside it, in the same run, in fresh processes
interleaved round by round (the machine is shared: each run records the 1-minute load
average before it; the medians over the rounds are compared). A process's time is its
wall time from spawn to exit (interpreter start, imports, reading, computing, writing
the CSV); its memory is its peak resident set and its CPU user + system, both from GNU
time (``/usr/bin/time``; a JVM the process starts for Spark is not counted).

Steps (``--steps``, comma-separated; default all but ``pg`` and ``spark``, which need
``--pg URL`` and Java 17 with the spark extra):

- ``prepare``: seed ``--scale`` into ``DIR/<scale>.db`` (SQLite; ``openness seed``, once),
  export its lake (``openness lake export DIR/<scale>_lake``) and build the baseline's
  DuckDB file ``DIR/<scale>.duckdb`` from the lake's Parquet (units and the three
  record kinds, every column, no index);
- ``year``: the year's indicator table, ``openness indicators --period Y --as-of T``,
  (a) the default path (SQLite; the first run fills the frame cache, ``cold``, the
  others hit it), (b) ``--lake``, against (c) the baseline: a fresh Python process
  opens the DuckDB file and runs one plain SQL query (:data:`BASELINE_SQL`: per unit
  own counts of seven rates over the period, rolled up through a recursive closure of
  the unit tree) and writes it as CSV;
- ``quarter``: the same for the year's last quarter (target: at most 1/3 of the year);
- ``profile``: where the time of one ``--lake`` table goes, in one fresh process:
  imports, opening the lake, Ibis building and compiling the SQL, DuckDB running it,
  the rest in Python (scores, ranks, CSV); and ``-X importtime`` by package;
- ``import``: ``openness import`` of the database's records as CSV files (written from
  it: units, disclosures, feedback, supervision) into a fresh database against the
  sqlite3 command line's ``.import`` of the same files (into tables it creates, and
  then also into the project's schema, keys and indexes); needs ``sqlite3`` (else
  Python's ``executemany`` from ``csv`` is the baseline, said in the output);
- ``month``: one month's records (the dataset's ``month``) imported into a copy of the
  database that lacks that month against into an empty one (units only), each round
  after deleting the month again; without and with a kept frame cache;
- ``pg``: the year's table with ``--db`` ``--pg`` (seeded once with ``--scale``):
  time against the same baseline, and the Python process's peak memory;
- ``spark``: the year's table with ``--engine spark://... --lake`` on a standalone
  cluster of two workers (tests/spark_cluster.py's launcher: a master and 1-core,
  1 GiB workers on loopback), then with one worker.

Scales (seed_data/scales.py): ``city`` to try the script, ``province`` (3 years),
``province1`` / ``province5`` (the province's yearly volume over one / five years:
``--scale province1,province5`` runs both and compares their peak memory), ``national``
(ten provinces, ~76 M records): ``--scale national`` builds it from the province's
lake (``--scale province`` first; engine_bench/national.py: ten copies with their ids
prefixed, seeding it would take hours) and times the year's table on the lake against
its baseline, then (with ``--steps spark``) on the Spark cluster with two workers and
one; the database holds the units only, so there is no default-path run.
Results go to ``DIR/results-<scale>-<time>.json`` and a summary table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

from engine_bench.common import (
    DATASETS,
    Results,
)
from engine_bench.steps import Bench


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "n/a"


def summary(res: Results) -> list[str]:
    lines = [f"scale {res.scale}, {res.machine}"]
    for label, runs in res.runs.items():
        ok = [r for r in runs if r.ok]
        if not ok:
            lines.append(f"{label}: FAILED {runs[0].note}")
            continue
        secs = [r.seconds for r in ok]
        lines.append(
            f"{label}: median {statistics.median(secs):.2f} s (min {min(secs):.2f}, "
            f"max {max(secs):.2f}, n {len(ok)}), peak {max(r.peak_mb for r in ok):,.0f} MB, "
            f"CPU {statistics.median(r.cpu_s for r in ok):.2f} s, "
            f"load {min(r.load for r in ok):.1f}-{max(r.load for r in ok):.1f}"
        )
    m = res.median
    base = m("year baseline duckdb")
    for label in (
        "year --lake",
        "year default, cache hit",
        "year default, cache cold",
        "year postgres",
        "year spark 2 workers",
        "year spark 1 workers",
    ):
        if m(label) is not None:
            lines.append(f"ratio {label} / baseline: {ratio(m(label), base)} (target <= 0.5×)")
            lines.append(
                f"ratio {label} / baseline, CPU: {ratio(m(label, 'cpu_s'), m('year baseline duckdb', 'cpu_s'))}"
            )
    for label in ("--lake", "default, cache hit"):
        q, y = m(f"quarter {label}"), m(f"year {label}")
        if q is not None:
            lines.append(f"ratio quarter / year, {label}: {ratio(q, y)} (target <= 0.33×)")
    if m("quarter baseline duckdb") is not None:
        lines.append(f"ratio quarter / year, baseline: {ratio(m('quarter baseline duckdb'), base)}")
    imp = m("import openness")
    for label in (
        "import raw sqlite3 .import",
        "import raw sqlite3 .import into the schema",
        "import raw python executemany",
    ):
        if m(label) is not None:
            lines.append(f"ratio import openness / {label}: {ratio(imp, m(label))} (target <= 2×)")
    for suffix in ("", ", frame cache kept"):
        full, empty = f"month into the whole history{suffix}", f"month into empty database{suffix}"
        if m(empty) is not None:
            lines.append(
                f"ratio month into the whole history / into empty{suffix}: "
                f"{ratio(m(full), m(empty))} (target <= 1.2×); CPU "
                f"{ratio(m(full, 'cpu_s'), m(empty, 'cpu_s'))}"
            )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", default="province", help="one or more of " + ", ".join(DATASETS))
    ap.add_argument("--steps", default="prepare,year,quarter,profile,import,month")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/openness_engines"))
    ap.add_argument("--pg", help="PostgreSQL admin URL (a database per scale is created)")
    args = ap.parse_args()
    steps = args.steps.split(",")
    args.dir.mkdir(parents=True, exist_ok=True)
    done: list[Results] = []
    for scale in args.scale.split(","):
        ds = DATASETS[scale]
        res = Results(
            scale,
            time.strftime("%Y-%m-%d %H:%M:%S"),
            {"cores": os.cpu_count(), "load_at_start": [round(x, 1) for x in os.getloadavg()]},
        )
        bench = Bench(ds, args.dir, res)
        print(f"== {scale}: {ds}")
        try:
            if scale == "national":
                # built from the province's lake (engine_bench/national.py), never seeded
                bench.national(args.rounds, "spark" in steps)
                continue
            bench.prepare()  # always: the files the other steps read
            if "year" in steps:
                bench.interpreter(args.rounds)
                bench.tables(args.rounds, "year")
            if "quarter" in steps:
                bench.tables(args.rounds, "quarter")
            if "profile" in steps:
                bench.profile()
                bench.profile(lake=False, label="default, cache hit")
            if "import" in steps:
                bench.imports()
            if "month" in steps:
                bench.new_month(args.rounds)
            if "pg" in steps:
                if not args.pg:
                    sys.exit("--steps pg needs --pg URL")
                bench.pg(args.pg, args.rounds)
            if "spark" in steps:
                bench.spark(args.rounds)
        finally:
            res.machine["load_at_end"] = [round(x, 1) for x in os.getloadavg()]
            out = args.dir / f"results-{scale}-{time.strftime('%Y%m%d-%H%M%S')}.json"
            payload = asdict(res)
            payload["summary"] = summary(res)
            out.write_text(json.dumps(payload, indent=1, ensure_ascii=False))
            print("\n".join(payload["summary"]))
            print(f"results in {out}")
            done.append(res)
    if len(done) > 1:  # e.g. province1,province5: the same table's peak over more history
        first = done[0]
        for other in done[1:]:
            for label in first.runs:
                a, b = first.median(label, "peak_mb"), other.median(label, "peak_mb")
                if a and b:
                    print(
                        f"peak memory {label}: {first.scale} {a:,.0f} MB, "
                        f"{other.scale} {b:,.0f} MB ({b / a:.2f}×; target within 10%)"
                    )


if __name__ == "__main__":
    main()
