"""Benchmark of the signals at province scale (run by hand; numbers go into the README).

    .venv/bin/python benchmarks/signals.py [--rows-scale 1.0]

Builds the synthetic province-sized frames of ``benchmarks/indicators.py`` in memory
(about 3,000 units, 6 million feedback cases over three years) and times, in one process:

- the funnel table for a quarter (cold: the indicator table is computed; warm: kept);
- the control chart's 24 monthly tables of every unit (cold: one classification pass);
- one unit's 11 control charts from those tables (what the Unit page draws, warm);
- the Attention list of one city (funnel findings + control findings of its subtree);
- ``openness signals --method control`` for every unit (all charts, the CLI table).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from indicators import synthetic_frames  # noqa: E402

from queries.engine.control import (  # noqa: E402
    charts_of,
    control_frame,
    control_months,
    monthly_counts,
)
from queries.engine.findings import attention, control_findings, funnel_findings  # noqa: E402
from queries.engine.funnel import funnel_signals  # noqa: E402
from queries.engine.indicators import subtree_of  # noqa: E402
from queries.model.periods import Period  # noqa: E402
from queries.model.settings import DEFAULT_SETTINGS  # noqa: E402


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t0:.2f} s", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows-scale", type=float, default=1.0)
    args = ap.parse_args()
    frames = timed("build synthetic frames", lambda: synthetic_frames(args.rows_scale))
    print(f"units {frames.units.height}, feedback {frames.feedback.height}", flush=True)
    s = DEFAULT_SETTINGS
    period, at = Period.parse("2026-Q3"), datetime(2026, 11, 1)
    timed("funnel, cold (indicator table computed)", lambda: funnel_signals(frames, period, at, s))
    funnel = timed("funnel, warm", lambda: funnel_signals(frames, period, at, s))
    months = control_months(period, at)
    ms = [str(m) for m in months]
    monthly = timed(
        "control: 24 monthly tables, cold", lambda: monthly_counts(frames, months, at, s)
    )
    timed("control: 24 monthly tables, warm", lambda: monthly_counts(frames, months, at, s))
    unit = frames.units["unit_id"][frames.units.height // 2]
    timed(
        "control: one unit's 11 charts (warm)",
        lambda: charts_of(monthly.filter(pl.col("unit_id") == unit), ms, s.min_sample),
    )
    root = frames.units.filter(pl.col("parent_id").is_null())["unit_id"][0]
    sub = subtree_of(frames.units, root)

    def city_attention() -> pl.DataFrame:
        mine = monthly.filter(pl.col("unit_id").is_in(sub))
        charts = charts_of(mine, ms, s.min_sample)
        return attention(funnel_findings(funnel), control_findings(charts, ms), sub)

    rows = timed(f"attention list of one city ({len(sub)} units)", city_attention)
    print(f"  {rows.height} findings", flush=True)
    table = timed(
        "control table of every unit (CLI)", lambda: control_frame(monthly, ms, s.min_sample)
    )
    print(f"  {table.height} rows", flush=True)


if __name__ == "__main__":
    main()
