"""Benchmark of a records table's XLSX download (run by hand): seconds and size.

    .venv/bin/python benchmarks/xlsx_export.py [--rows 600000] [--before]

A display frame shaped as the unit page's records table (ids, unit names in Chinese,
kinds, channels, date-times, days, a flag, a title), from a seeded generator, is
written by :func:`queries.model.export.xlsx_bytes` and, with ``--before``, as it was
written before issue 19 (polars' ``write_excel`` through xlsxwriter, autofit on):
each once, in this process; the ratio of the two is printed.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import datetime, timedelta

import polars as pl

from queries.model.export import xlsx_bytes

UNITS = ["城关派出所", "金水分局", "刑事侦查支队", "白门派出所", "青山分局", "马关派出所"]
KINDS = ["投诉", "举报", "建议", "意见", "咨询"]
CHANNELS = ["12345热线", "110", "网站", "来信", "来访"]


def records(rows: int, seed: int = 19) -> pl.DataFrame:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    received = [start + timedelta(minutes=rng.randrange(0, 500_000)) for _ in range(rows)]
    days = [rng.randrange(0, 40) for _ in range(rows)]
    return pl.DataFrame(
        {
            "案件编号": [f"C{2025_000_000 + i}" for i in range(rows)],
            "单位": [rng.choice(UNITS) for _ in range(rows)],
            "类型": [rng.choice(KINDS) for _ in range(rows)],
            "渠道": [rng.choice(CHANNELS) for _ in range(rows)],
            "受理时间": received,
            "办结时间": [
                r + timedelta(days=d) if d < 35 else None
                for r, d in zip(received, days, strict=True)
            ],
            "办理天数": [float(d) if d < 35 else None for d in days],
            "按时": [d <= 15 for d in days],
            "满意度": [rng.choice(["满意", "基本满意", "不满意", None]) for _ in range(rows)],
            "标题": [
                f"关于{rng.choice(UNITS)}的{rng.choice(KINDS)}事项{i % 997}" for i in range(rows)
            ],
        }
    )


def before(frame: pl.DataFrame) -> bytes:
    """The XLSX as written before: polars' write_excel through xlsxwriter, autofit."""
    from xlsxwriter import Workbook

    buf = io.BytesIO()
    wb = Workbook(
        buf,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
            "in_memory": True,
        },
    )
    frame.clone().write_excel(wb, worksheet="data", autofit=True, include_header=True)
    wb.close()
    return buf.getvalue()


def timed(label: str, make: object, frame: pl.DataFrame) -> float:
    start = time.perf_counter()
    data = make(frame)  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:>7}: {seconds:7.2f} s, {len(data) / 1e6:6.1f} MB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--before", action="store_true", help="also time the old writer")
    args = parser.parse_args()
    frame = records(args.rows)
    print(f"{frame.height:,} rows x {frame.width} columns")
    now = timed("now", lambda f: xlsx_bytes(f, "records"), frame)
    if args.before:
        old = timed("before", before, frame)
        print(f"ratio: {old / now:.1f}x faster")


if __name__ == "__main__":
    main()
