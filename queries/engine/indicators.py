"""The indicator table of ``docs/spec/cli.md``: per-unit indicators over subtrees, scores, ranks.

Counting is done by the engine where the records are (:mod:`queries.engine.relational`):
every record is classified once, counts are summed per unit, then over each unit's
subtree through a closure table of (ancestor, unit_id) pairs; medians and distinct
counts come from each subtree's records. Here, from those aggregates: the values
(:func:`queries.engine.kinds.value_columns`), scores and ranks. A branch's rate is never
an average of its stations' rates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import polars as pl

from queries.engine import relational
from queries.engine.classify import DISCLOSURE_CODES, FEEDBACK_CODES
from queries.engine.goals import goal_year, with_goals
from queries.engine.kinds import value_columns
from queries.engine.scoring import insufficient, usable, with_ranks, with_scores
from queries.model.catalogue import INDICATORS, UNIT_COLUMNS, table_columns
from queries.model.periods import Period, parse_as_of
from queries.model.settings import DEFAULT_SETTINGS, Settings
from queries.model.tree import Tree
from queries.store.schemas import Frames
from queries.store.sources import sources_of


class UnknownUnitError(KeyError):
    """A unit id that is not in the units table."""

    def __str__(self) -> str:
        return f"unknown unit {self.args[0]!r}"


def unit_closure(units: pl.DataFrame) -> pl.DataFrame:
    """(ancestor, unit_id) for every unit and each unit above it, itself included
    (:meth:`queries.model.tree.Tree.closure`)."""
    return Tree.from_units(units).closure()


def subtree_of(units: pl.DataFrame, unit_id: str) -> list[str]:
    """``unit_id`` and every unit below it, sorted; UnknownUnitError if no such unit."""
    tree = Tree.from_units(units)
    if unit_id not in tree.parent:
        raise UnknownUnitError(unit_id)
    return sorted(tree.subtree(unit_id))


def indicator_values(counts: pl.DataFrame) -> pl.DataFrame:
    """From subtree counts to the indicator columns X, X_n (and X_lo, X_hi for rates),
    each computed as its kind says (:func:`queries.engine.kinds.value_columns`)."""
    exprs = [e for ind in INDICATORS for e in value_columns(ind)]
    return counts.select("unit_id", "bucket", *exprs)


@dataclass(frozen=True)
class BucketResult:
    """Indicators, scores and ranks for several non-overlapping periods at once."""

    counts: pl.DataFrame  # subtree counts per (unit_id, bucket)
    wide: pl.DataFrame  # unit columns, bucket, indicator columns, scores, rank
    # per bucket: the official working-day calendar covered every day counted
    calendar_covered: dict[int, bool]


def compute_buckets(
    frames: Frames,
    periods: Sequence[Period],
    as_of: datetime,
    settings: Settings,
    median_buckets: Sequence[int] | None = None,
) -> BucketResult:
    """Indicators, scores and ranks per unit for each of ``periods`` (bucket = index).

    The subtree counts are computed by the records' engine
    (:func:`queries.engine.relational.subtree_counts`); values, scores and ranks here,
    from those aggregates (one row per unit and period).
    """
    engine_counts = relational.subtree_counts(
        sources_of(frames), periods, as_of, settings, median_buckets
    )
    units = frames.units.select(UNIT_COLUMNS)
    counts = engine_counts.counts
    wide = with_scores(indicator_values(counts), settings)
    wide = units.join(wide, on="unit_id", how="inner")
    wide = with_ranks(wide, ["bucket", "level"])
    return BucketResult(counts, wide, engine_counts.calendar_covered)


@dataclass(frozen=True)
class IndicatorResult:
    """The indicator table and what the outputs show beside it."""

    period: Period
    as_of: datetime
    settings: Settings
    table: pl.DataFrame  # exactly cli.md's columns, every unit, by unit_id
    long: pl.DataFrame  # unit_id, code, value, n, lo, hi, num, insufficient, scored_in
    calendar_complete: bool  # the working-day calendar covered every day counted
    counts: pl.DataFrame  # subtree counts of the period (bucket 0)

    def for_unit(self, unit_id: str | None, goals: pl.DataFrame | None = None) -> pl.DataFrame:
        """The table restricted to ``unit_id`` and its subtree (all units if None), with
        the ``X_goal`` columns of ``goals`` (:func:`queries.engine.goals.with_goals`;
        which codes have one is judged over every unit)."""
        table = self.table
        if goals is not None:
            table = with_goals(table, goals, goal_year(self.period))
        if unit_id is None:
            return table
        ids = subtree_of(table.select("unit_id", "parent_id"), unit_id)
        return table.filter(pl.col("unit_id").is_in(ids))

    def insufficient_flags(self) -> pl.DataFrame:
        """unit_id and, per indicator, whether it is marked insufficient (n < min_sample)."""
        return self.long.pivot(on="code", index="unit_id", values="insufficient").sort("unit_id")


def _as_datetime(as_of: datetime | date | str) -> datetime:
    return parse_as_of(as_of)


_MEMO_SIZE = 40


_MISSING = object()
_T = TypeVar("_T")
# the dashboard may compute from one Frames object in several threads
_MEMO_LOCK = threading.Lock()


def _memo_get(frames: Frames, key: tuple[object, ...]) -> Any:
    """The kept value for ``key`` (marked most recently used), or _MISSING."""
    with _MEMO_LOCK:
        value = frames.memo.pop(key, _MISSING)
        if value is not _MISSING:
            frames.memo[key] = value
        return value


def _memo_put(frames: Frames, key: tuple[object, ...], value: object) -> None:
    with _MEMO_LOCK:
        memo = frames.memo
        memo.pop(key, None)
        while len(memo) >= _MEMO_SIZE:
            memo.pop(next(iter(memo)))
        memo[key] = value


def _memo(frames: Frames, key: tuple[object, ...], make: Callable[[], _T]) -> _T:
    """``make()`` once per key for these frames (a few recent results are kept).

    Thread-safe: two threads may both compute a missing value (the same result); only
    the bookkeeping is under a lock.
    """
    value = _memo_get(frames, key)
    if value is _MISSING:
        value = make()
        _memo_put(frames, key, value)
    return value


Summary = tuple[pl.DataFrame, pl.DataFrame, bool]


def period_summaries(
    frames: Frames,
    periods: Sequence[Period],
    at: datetime,
    s: Settings,
    ranks_only: Sequence[Period] = (),
) -> list[Summary]:
    """(wide indicators + scores + rank, subtree counts, calendar complete) per period.

    Periods already computed for these frames are reused; the others are computed
    together in one pass over the records (they must not overlap). ``ranks_only``:
    periods whose medians are not needed (a table's previous period, for its rank
    change: medians are not scored); their summaries have no median (null) and are
    kept apart from whole ones, which are computed when asked for.
    """
    fp = s.fingerprint()
    partial = set(ranks_only)
    found: dict[Period, Summary] = {}
    for p in dict.fromkeys(periods):
        value = _memo_get(frames, ("period", p, at, fp))
        if value is _MISSING and p in partial:
            value = _memo_get(frames, ("period-ranks", p, at, fp))
        if value is not _MISSING:
            found[p] = value
    missing = [p for p in dict.fromkeys(periods) if p not in found]
    if missing:
        whole = [i for i, p in enumerate(missing) if p not in partial]
        res = compute_buckets(frames, missing, at, s, median_buckets=whole)
        for i, p in enumerate(missing):
            found[p] = (
                res.wide.filter(pl.col("bucket") == i).with_columns(
                    pl.lit(0, pl.Int32).alias("bucket")
                ),
                res.counts.filter(pl.col("bucket") == i).with_columns(
                    pl.lit(0, pl.Int32).alias("bucket")
                ),
                res.calendar_covered[i],
            )
            kind = "period" if i in whole else "period-ranks"
            _memo_put(frames, (kind, p, at, fp), found[p])
    return [found[p] for p in periods]


def long_frame(wide: pl.DataFrame, s: Settings, keys: Sequence[str]) -> pl.DataFrame:
    """One row per (``keys``, indicator) from a wide indicator frame, in catalogue order:
    code, value, n, lo, hi (rates only), insufficient, in_score."""
    return pl.concat(
        wide.select(
            *keys,
            pl.lit(ind.code).alias("code"),
            pl.col(ind.code).cast(pl.Float64).alias("value"),
            pl.col(f"{ind.code}_n").cast(pl.Int64).alias("n"),
            (pl.col(f"{ind.code}_lo") if ind.is_rate else pl.lit(None, pl.Float64)).alias("lo"),
            (pl.col(f"{ind.code}_hi") if ind.is_rate else pl.lit(None, pl.Float64)).alias("hi"),
            insufficient(ind.code, s).alias("insufficient"),
            (usable(ind.code, s) & pl.lit(ind.scored)).alias("in_score"),
        )
        for ind in INDICATORS
    )


def compute_table(
    frames: Frames,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
) -> IndicatorResult:
    """The full indicator table for ``period`` at ``as_of`` with its side information.

    Each period's numbers are computed once per frames object and kept (the previous
    period, needed for rank change, is often the next one asked for).
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    at = _as_datetime(as_of)
    s = settings or DEFAULT_SETTINGS
    return _memo(frames, ("table", p, at, s.fingerprint()), lambda: _table(frames, p, at, s))


def _table(frames: Frames, p: Period, at: datetime, s: Settings) -> IndicatorResult:
    prev = p.previous()
    (now, counts, complete), (prev_wide, _, _) = period_summaries(
        frames, [p, prev], at, s, ranks_only=[prev]
    )
    prev_rank = prev_wide.select("unit_id", pl.col("rank").alias("prev_rank"))
    now = now.join(prev_rank, on="unit_id", how="left").with_columns(
        (pl.col("prev_rank") - pl.col("rank")).alias("rank_change")
    )
    table = now.sort("unit_id").select(table_columns())
    long = long_frame(now, s, ["unit_id"]).sort("unit_id", maintain_order=True)
    return IndicatorResult(p, at, s, table, long, complete, counts)


def indicator_table(
    frames: Frames,
    period: Period | str,
    as_of: datetime | date | str,
    settings: Settings | None = None,
    unit_id: str | None = None,
    goals: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The indicator table of cli.md: one row per unit (or ``unit_id`` and its subtree),
    ordered by unit_id; ranks are always among all units of the same level. ``goals``
    (:data:`queries.engine.goals.GOAL_SCHEMA`): their ``X_goal`` columns added, for the
    codes with a goal for some unit (of every unit, whatever ``unit_id``)."""
    if unit_id is not None:
        subtree_of(frames.units, unit_id)  # UnknownUnitError before any work
    res = compute_table(frames, period, as_of, settings)
    return res.for_unit(unit_id, goals)


__all__ = [
    "DISCLOSURE_CODES",
    "FEEDBACK_CODES",
    "BucketResult",
    "IndicatorResult",
    "UnknownUnitError",
    "compute_buckets",
    "compute_table",
    "indicator_table",
    "subtree_of",
    "unit_closure",
]
