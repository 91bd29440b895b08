"""Seed the province scale (~3,000 units, ~6M feedback cases) and report the
wall time and the peak memory (resident set size) of the process.

Run by hand (it takes minutes and a few GB of disk):

    .venv/bin/python benchmarks/seed_province.py                 # SQLite in a temp dir
    .venv/bin/python benchmarks/seed_province.py --db postgresql+psycopg://...
    .venv/bin/python benchmarks/seed_province.py --scale demo    # the demo, same numbers

The numbers go into docs/seed.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from queries.model.db import init_db, make_engine
from seed_data.generator import generate, seed_database


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reference-date", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file in a temp dir)")
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the frames, write nothing"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'province.db'}"
        started = time.perf_counter()
        if args.generate_only:
            frames = generate(args.scale, args.seed, args.reference_date)
            counts = {k: f.height for k, f in frames.items()}
        else:
            engine = make_engine(url)
            init_db(engine)
            counts = seed_database(
                engine, args.scale, args.seed, args.reference_date, progress=True
            )
            engine.dispose()
        elapsed = time.perf_counter() - started
        size = ""
        if not args.db and not args.generate_only:
            size = f", database {Path(tmp, 'province.db').stat().st_size / 1e9:.2f} GB"
        print(
            f"scale {args.scale} seed {args.seed} reference {args.reference_date} "
            f"on {url.split(':')[0]}: "
            + ", ".join(f"{n:,} {k}" for k, n in counts.items())
            + f"; {elapsed:.1f} s, peak RSS {peak_rss_mb():.0f} MB{size}"
        )


if __name__ == "__main__":
    main()
