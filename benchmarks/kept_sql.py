"""A new process's first view of a period: the compiled SQL kept from the process
before against compiled afresh (run by hand; numbers go into the README, "Engines").

    .venv/bin/python benchmarks/kept_sql.py [--scale city] [--rounds 3]

Seeds a SQLite database at ``--scale`` (seed 3, last day 2026-06-30) in a temporary
data folder and builds its lake. Then, ``--rounds`` times and alternating, a fresh
Python process computes what the dashboard's first view of 2026-Q2 needs (the
quarter's indicator table, the previous quarter's, twelve months of series, the funnel
and the control signals; as-of 2026-06-30) over the lake, two ways:

- ``compiled``: the baseline, ``<data>/cache/sql`` removed first, so every shape is
  compiled in the process (what every process did before);
- ``kept``: the SQL the previous process kept there read instead
  (queries/engine/relational/kept_sql.py).

Prints each run's wall and CPU seconds (user + system of the process), the medians
and the ratio kept / compiled.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEW = """
import sys
from queries.engine.control import control_signals
from queries.engine.funnel import funnel_signals
from queries.engine.indicators import compute_table
from queries.engine.series import monthly_series
from queries.model.db import make_engine
from queries.store.frames import load_frames

frames = load_frames(make_engine(sys.argv[1]), cache_dir=sys.argv[2])
as_of = "2026-06-30"
compute_table(frames, "2026-Q2", as_of)
compute_table(frames, "2026-Q1", as_of)
monthly_series(frames, as_of)
funnel_signals(frames, "2026-Q2", as_of)
control_signals(frames, "2026-Q2", as_of)
"""


def run_view(url: str, cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process computing the first view."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", VIEW, url, str(cache)], cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from queries.model.db import init_db, make_engine
    from queries.store.frames import load_frames
    from queries.store.sources import SQL_FOLDER
    from seed_data.generator import seed_database

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        cache = Path(tmp) / "cache"
        engine = make_engine(url)
        init_db(engine)
        seed_database(engine, args.scale, 3, date(2026, 6, 30), progress=False)
        load_frames(engine, cache_dir=cache)  # the lake, built once
        engine.dispose()
        times: dict[str, list[tuple[float, float]]] = {"compiled": [], "kept": []}
        for i in range(args.rounds):
            shutil.rmtree(cache / SQL_FOLDER, ignore_errors=True)
            times["compiled"].append(run_view(url, cache))
            times["kept"].append(run_view(url, cache))
            print(
                f"round {i + 1}: compiled {times['compiled'][-1][0]:.2f} s wall "
                f"{times['compiled'][-1][1]:.2f} s CPU; kept {times['kept'][-1][0]:.2f} s "
                f"wall {times['kept'][-1][1]:.2f} s CPU",
                flush=True,
            )
        med = {k: [statistics.median(x[j] for x in v) for j in (0, 1)] for k, v in times.items()}
        print(
            f"median: compiled {med['compiled'][0]:.2f} s wall, {med['compiled'][1]:.2f} s CPU; "
            f"kept {med['kept'][0]:.2f} s wall, {med['kept'][1]:.2f} s CPU; "
            f"kept / compiled {med['kept'][0] / med['compiled'][0]:.2f} (wall), "
            f"{med['kept'][1] / med['compiled'][1]:.2f} (CPU)"
        )


if __name__ == "__main__":
    main()
