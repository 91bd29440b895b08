"""Control-chart signals (methodology.md "Control chart: a unit against its own past";
cli.md "The signals tables", ``--method control``).

For a unit and a rate indicator: 24 calendar months ending with the period's last month
(or the as-of's month, if earlier), each a one-month period at the same as-of. The first
12 are the baseline: centre p = sum(num) / sum(n), needing sum(n) >= ``min_sample``. Each
of the last 12 months with n >= 1 gets limits p +/- 3 sqrt(p (1 - p) / n), clipped to
[0, 1], and three signals (months with n = 0 are skipped: they neither break nor extend
a run): ``point`` (outside its limits), ``shift`` (7+ consecutive months all above or all
below p) and ``trend`` (7+ consecutive months each higher, or each lower, than the last).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from queries.engine.indicators import _memo, compute_buckets, subtree_of
from queries.engine.signals import (
    BASELINE_MONTHS,
    CONTROL_MONTHS,
    EPS,
    RUN_LENGTH,
    SIGNAL_CODES,
    Z_CONTROL,
)
from queries.model.periods import Period, parse_as_of
from queries.model.settings import DEFAULT_SETTINGS, Settings
from queries.store.schemas import Frames

CONTROL_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "code",
    "month",
    "value",
    "n",
    "centre",
    "lo",
    "hi",
    "point",
    "shift",
    "trend",
)


@dataclass(frozen=True)
class Run:
    """A shift or trend: months ``start``..``end`` (indices into the last 12), ``length``
    months with data, on ``side`` ("above" / "below" the centre; "up" / "down" a trend)."""

    kind: str
    side: str
    start: int
    end: int
    length: int


@dataclass(frozen=True)
class Chart:
    """One unit's control chart for one indicator over the last 12 months.

    ``centre`` is None when the baseline has sum(n) < min_sample. ``lo``/``hi`` per month
    (None where n = 0). ``point``/``shift``/``trend`` per month: None where no signal is
    computed (no baseline, centre 0 or 1, n = 0), else True / False. ``runs``: the shifts
    and trends found, ``points``: the months outside the limits with their side.
    """

    centre: float | None
    lo: tuple[float | None, ...]
    hi: tuple[float | None, ...]
    point: tuple[bool | None, ...]
    shift: tuple[bool | None, ...]
    trend: tuple[bool | None, ...]
    runs: tuple[Run, ...]
    points: tuple[tuple[int, str], ...]


def _cmp(a: float, b: float) -> int:
    """+1 if a > b, -1 if a < b, 0 if within EPS of each other."""
    if a > b + EPS:
        return 1
    if a < b - EPS:
        return -1
    return 0


def _runs(signs: list[int], idx: list[int], kind: str, labels: tuple[str, str]) -> list[Run]:
    """Maximal stretches of one nonzero sign covering at least RUN_LENGTH months.

    For a shift, ``signs[k]`` is month ``idx[k]`` against the centre; for a trend it is
    the step from month ``idx[k]`` to ``idx[k + 1]``, so k steps cover k + 1 months."""
    out: list[Run] = []
    step = 1 if kind == "trend" else 0
    i = 0
    while i < len(signs):
        j = i
        while j + 1 < len(signs) and signs[j + 1] == signs[i]:
            j += 1
        months = j - i + 1 + step
        if signs[i] != 0 and months >= RUN_LENGTH:
            side = labels[0] if signs[i] > 0 else labels[1]
            out.append(Run(kind, side, idx[i], idx[j + step], months))
        i = j + 1
    return out


def chart(values: Sequence[float | None], ns: Sequence[int], min_sample: int) -> Chart:
    """The control chart of one series of 24 months (oldest first): ``values`` are the
    monthly rates (None where n = 0), ``ns`` their sample sizes. Months 0..11 are the
    baseline; the result describes months 12..23 (index 0..11 of its tuples)."""
    if len(values) != CONTROL_MONTHS or len(ns) != CONTROL_MONTHS:
        raise ValueError(f"a control chart needs {CONTROL_MONTHS} months")
    base_n = sum(ns[:BASELINE_MONTHS])
    base_num = sum(
        (v or 0.0) * n for v, n in zip(values[:BASELINE_MONTHS], ns[:BASELINE_MONTHS], strict=True)
    )
    vs = list(values[BASELINE_MONTHS:])
    ms = list(ns[BASELINE_MONTHS:])
    none12: tuple[None, ...] = (None,) * (CONTROL_MONTHS - BASELINE_MONTHS)
    if base_n <= 0 or base_n < min_sample:
        return Chart(None, none12, none12, none12, none12, none12, (), ())
    p = base_num / base_n
    if p < EPS or p > 1.0 - EPS:
        shown = tuple(p if n >= 1 else None for n in ms)
        return Chart(p, shown, shown, none12, none12, none12, (), ())
    lo: list[float | None] = []
    hi: list[float | None] = []
    point: list[bool | None] = []
    points: list[tuple[int, str]] = []
    idx: list[int] = []
    for i, (v, n) in enumerate(zip(vs, ms, strict=True)):
        if n < 1 or v is None:
            lo.append(None)
            hi.append(None)
            point.append(None)
            continue
        idx.append(i)
        half = Z_CONTROL * math.sqrt(p * (1.0 - p) / n)
        a, b = max(0.0, p - half), min(1.0, p + half)
        lo.append(a)
        hi.append(b)
        out = v < a - EPS or v > b + EPS
        point.append(out)
        if out:
            points.append((i, "above" if v > b else "below"))
    data = [float(vs[i] or 0.0) for i in idx]  # months with data have a value
    sides = [_cmp(v, p) for v in data]
    steps = [_cmp(data[k], data[k - 1]) for k in range(1, len(data))]
    runs = _runs(sides, idx, "shift", ("above", "below")) + _runs(
        steps, idx, "trend", ("up", "down")
    )
    flags = {"shift": [False] * len(vs), "trend": [False] * len(vs)}
    for r in runs:
        for i in idx:
            if r.start <= i <= r.end:
                flags[r.kind][i] = True
    shift = tuple(flags["shift"][i] if point[i] is not None else None for i in range(len(vs)))
    trend = tuple(flags["trend"][i] if point[i] is not None else None for i in range(len(vs)))
    return Chart(p, tuple(lo), tuple(hi), tuple(point), shift, trend, tuple(runs), tuple(points))


def control_months(period: Period | str, as_of: datetime | date | str) -> list[Period]:
    """The 24 calendar months ending with the period's last month, or the as-of's month
    if that is earlier (oldest first)."""
    p = period if isinstance(period, Period) else Period.parse(period)
    at = parse_as_of(as_of)
    last = Period.containing_month(min(p.end, at.date()))
    months = [last]
    for _ in range(CONTROL_MONTHS - 1):
        months.append(months[-1].previous())
    return months[::-1]


def monthly_counts(
    frames: Frames, months: Sequence[Period], at: datetime, settings: Settings
) -> pl.DataFrame:
    """(unit_id, month, code, value, n) for every unit, month and signal indicator, each
    month a one-month period at ``at`` (computed in one pass, kept per frames)."""
    ms = tuple(months)
    key = ("control-months", ms, at, settings.fingerprint())

    def make() -> pl.DataFrame:
        # R_CLOSE_DAYS (a median) is not a signal indicator: no bucket needs it
        wide = compute_buckets(frames, list(ms), at, settings, median_buckets=[]).wide
        return monthly_long_counts(wide, [str(m) for m in ms])

    return _memo(frames, key, make)


def monthly_long_counts(wide: pl.DataFrame, months: Sequence[str]) -> pl.DataFrame:
    """The engine's per-bucket wide frame as (unit_id, month, code, value, n) for the signal
    indicators; ``months[bucket]`` names each bucket."""
    labels = dict(enumerate(months))
    month = pl.col("bucket").replace_strict(labels, return_dtype=pl.String).alias("month")
    return pl.concat(
        wide.select(
            "unit_id",
            month,
            pl.lit(code).alias("code"),
            pl.col(code).cast(pl.Float64).alias("value"),
            pl.col(f"{code}_n").cast(pl.Int64).alias("n"),
        )
        for code in SIGNAL_CODES
    )


Cells = dict[tuple[str, str], tuple[list[float | None], list[int]]]


def _cells(monthly: pl.DataFrame, months: Sequence[str]) -> Cells:
    """(unit_id, code) -> (24 values, 24 n) from the long monthly rows."""
    mi = {m: i for i, m in enumerate(months)}
    codes = set(SIGNAL_CODES)
    cells: Cells = {}
    for u, m, c, v, n in monthly.select("unit_id", "month", "code", "value", "n").iter_rows():
        if c not in codes or m not in mi:
            continue
        vals, ns = cells.setdefault((u, c), ([None] * CONTROL_MONTHS, [0] * CONTROL_MONTHS))
        vals[mi[m]] = v if n else None
        ns[mi[m]] = int(n or 0)
    return cells


def control_frame(monthly: pl.DataFrame, months: Sequence[str], min_sample: int) -> pl.DataFrame:
    """cli.md's control table from ``monthly`` (unit_id, month, code, value, n) over the 24
    ``months`` (oldest first; a missing row counts as n = 0): one row per unit, signal
    indicator and month of the last 12, ordered by unit_id, indicator, month."""
    if len(months) != CONTROL_MONTHS:
        raise ValueError(f"a control chart needs {CONTROL_MONTHS} months")
    cells = _cells(monthly, months)
    units = sorted(set(monthly["unit_id"].to_list()))
    last = list(months[BASELINE_MONTHS:])
    cols: dict[str, list[object]] = {c: [] for c in CONTROL_COLUMNS}
    empty: tuple[list[float | None], list[int]] = ([None] * CONTROL_MONTHS, [0] * CONTROL_MONTHS)
    for u in units:
        for c in SIGNAL_CODES:
            vals, ns = cells.get((u, c), empty)
            ch = chart(vals, ns, min_sample)
            for i, m in enumerate(last):
                k = BASELINE_MONTHS + i
                cols["unit_id"].append(u)
                cols["code"].append(c)
                cols["month"].append(m)
                cols["value"].append(vals[k] if ns[k] else None)
                cols["n"].append(ns[k])
                cols["centre"].append(ch.centre)
                cols["lo"].append(ch.lo[i])
                cols["hi"].append(ch.hi[i])
                cols["point"].append(ch.point[i])
                cols["shift"].append(ch.shift[i])
                cols["trend"].append(ch.trend[i])
    schema = {
        "unit_id": pl.String,
        "code": pl.String,
        "month": pl.String,
        "value": pl.Float64,
        "n": pl.Int64,
        "centre": pl.Float64,
        "lo": pl.Float64,
        "hi": pl.Float64,
        "point": pl.Boolean,
        "shift": pl.Boolean,
        "trend": pl.Boolean,
    }
    return pl.DataFrame(cols, schema=schema)


def charts_of(
    monthly: pl.DataFrame, months: Sequence[str], min_sample: int
) -> dict[tuple[str, str], Chart]:
    """Every (unit_id, code) chart of ``monthly`` (as for :func:`control_frame`)."""
    cells = _cells(monthly, months)
    return {key: chart(v, n, min_sample) for key, (v, n) in cells.items()}


def control_signals(
    frames: Frames,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    unit_id: str | None = None,
) -> pl.DataFrame:
    """cli.md's control table for every unit (or ``unit_id`` and its subtree).

    Raises :class:`queries.engine.indicators.UnknownUnitError` for an unknown ``unit_id``.
    """
    s = settings or DEFAULT_SETTINGS
    at = parse_as_of(as_of)
    keep = subtree_of(frames.units, unit_id) if unit_id is not None else None
    months = control_months(period, at)
    monthly = monthly_counts(frames, months, at, s)
    if keep is not None:
        monthly = monthly.filter(pl.col("unit_id").is_in(keep))
    return control_frame(monthly, [str(m) for m in months], s.min_sample)


__all__ = [
    "CONTROL_COLUMNS",
    "Chart",
    "Run",
    "chart",
    "charts_of",
    "control_frame",
    "control_months",
    "control_signals",
    "monthly_counts",
    "monthly_long_counts",
]
