"""Shared by the indicator tests: the as-of they use, Wilson by hand, statuses behind a rate."""

from __future__ import annotations

import math

from queries.engine.drilldown import records_behind

AS_OF = "2026-04-10 12:00"


def wilson_by_hand(k: float, n: int) -> tuple[float, float]:
    z = 1.959964
    p = k / n
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return center - half, center + half


def statuses(frames, code, unit, period, as_of, s=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    df = records_behind(frames, code, unit, period, as_of, s)
    return dict(zip(df[df.columns[0]].to_list(), df["status"].to_list(), strict=True))
