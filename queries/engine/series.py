"""Monthly series: each indicator per unit and calendar month, as a long frame."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import polars as pl

from queries.engine.indicators import long_frame, period_summaries
from queries.model.catalogue import INDICATORS
from queries.model.periods import Period, parse_as_of
from queries.model.settings import DEFAULT_SETTINGS, Settings
from queries.store.schemas import Frames


def default_months(as_of: datetime, count: int = 12) -> list[Period]:
    """The ``count`` calendar months ending with the month that holds as-of."""
    p = Period.containing_month(as_of.date())
    out = [p]
    for _ in range(count - 1):
        out.append(out[-1].previous())
    return out[::-1]


def _months(months: Sequence[Period | str] | None, as_of: datetime) -> list[Period]:
    if months is None:
        return default_months(as_of)
    out = [m if isinstance(m, Period) else Period.parse(m) for m in months]
    for m in out:
        if m.kind != "month":
            raise ValueError(f"not a month: {m}")
    return sorted(set(out), key=lambda m: m.start)


def monthly_series(
    frames: Frames,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    unit_ids: Sequence[str] | None = None,
    months: Sequence[Period | str] | None = None,
) -> pl.DataFrame:
    """Long frame (unit_id, month, code, value, n, lo, hi, insufficient), one row per
    unit, month and indicator; month is ``YYYY-MM``. Months not yet computed for
    these frames are computed in one pass. Scores per month are in :func:`monthly_scores`."""
    at = parse_as_of(as_of)
    s = settings or DEFAULT_SETTINGS
    ms = _months(months, at)
    return _long(_months_wide(frames, ms, at, s), ms, s, unit_ids)


def _months_wide(frames: Frames, ms: list[Period], at: datetime, s: Settings) -> pl.DataFrame:
    """The wide indicator frames of the months (bucket = index in ``ms``); months already
    computed for these frames (by a table or another series) are reused."""
    parts = [
        wide.with_columns(pl.lit(i, pl.Int32).alias("bucket"))
        for i, (wide, _counts, _complete) in enumerate(period_summaries(frames, ms, at, s))
    ]
    return pl.concat(parts)


def _with_month(
    wide: pl.DataFrame, ms: list[Period], unit_ids: Sequence[str] | None
) -> pl.DataFrame:
    labels = pl.Series([str(m) for m in ms])
    wide = wide.with_columns(
        pl.col("bucket").replace_strict(list(range(len(ms))), labels.to_list()).alias("month")
    )
    if unit_ids is not None:
        wide = wide.filter(pl.col("unit_id").is_in(list(unit_ids)))
    return wide


def _long(
    wide: pl.DataFrame, ms: list[Period], s: Settings, unit_ids: Sequence[str] | None
) -> pl.DataFrame:
    wide = _with_month(wide, ms, unit_ids)
    out = long_frame(wide, s, ["unit_id", "month"]).drop("in_score")
    order = {ind.code: i for i, ind in enumerate(INDICATORS)}
    return out.sort("unit_id", "month", pl.col("code").replace_strict(order, return_dtype=pl.Int32))


def monthly_scores(
    frames: Frames,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    unit_ids: Sequence[str] | None = None,
    months: Sequence[Period | str] | None = None,
) -> pl.DataFrame:
    """(unit_id, month, openness, responsiveness, satisfaction, overall, rank) per month."""
    at = parse_as_of(as_of)
    s = settings or DEFAULT_SETTINGS
    ms = _months(months, at)
    wide = _with_month(_months_wide(frames, ms, at, s), ms, unit_ids)
    return wide.select(
        "unit_id", "month", "openness", "responsiveness", "satisfaction", "overall", "rank"
    ).sort("unit_id", "month")
