"""The records behind a figure: every record of some periods with its status per
indicator, as rows (the drill-down, the topic pages' breakdowns and lists).

The statuses are those the indicator tables count, from the same expressions
(:func:`queries.engine.relational.classify_records`, run by DuckDB over the records'
frames): a record listed as ``late`` is one the table counted as late. The status
vocabulary and its counting rules live in :mod:`queries.engine.statuses` (re-exported
here). Records are assigned to *buckets*: the index of the (non-overlapping) period
their anchor falls in.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from queries.engine import relational
from queries.engine.statuses import (
    DEPTH_GROUPS,
    DISCLOSURE_CODES,
    FEEDBACK_CODES,
    STATUS_DTYPES,
    STATUS_LABELS,
    STATUS_RULES,
    num_den_exprs,
    st,
    status_label,
)
from queries.model.periods import Period
from queries.model.settings import Settings
from queries.store.schemas import Frames
from queries.store.sources import Sources, in_memory_sources


@dataclass(frozen=True)
class Classified:
    """Every record of the periods with its status per indicator (polars Enum columns
    named by the indicator codes), ``bucket`` the index of its period."""

    periods: tuple[Period, ...]
    as_of: datetime
    feedback: pl.DataFrame
    disclosures: pl.DataFrame
    rectify: pl.DataFrame
    supervision_public: pl.DataFrame
    coverage: pl.DataFrame
    calendar_complete: bool

    def for_code(self, code: str) -> pl.DataFrame:
        """The frame holding ``code``'s status column."""
        if code in FEEDBACK_CODES:
            return self.feedback
        if code in DISCLOSURE_CODES:
            return self.disclosures
        return {
            "R_RECTIFY": self.rectify,
            "O_SUPERVISION_PUBLIC": self.supervision_public,
            "O_COVERAGE": self.coverage,
        }[code]


_LOCK = threading.Lock()


def _rows_source(frames: Frames) -> Sources:
    """DuckDB over the frames' records in memory (read on first use), once per frames."""
    with _LOCK:
        made: Sources | None = frames.memo.get("__rows__")
        if made is None:
            made = frames.memo["__rows__"] = in_memory_sources(frames)
    return made


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """Status columns as their Enum, buckets and working days as Int32."""
    casts = [pl.col(c).cast(STATUS_DTYPES[c]) for c in frame.columns if c in STATUS_DTYPES]
    casts += [pl.col(c).cast(pl.Int32) for c in ("bucket", "workdays") if c in frame.columns]
    return frame.with_columns(casts)


def classify(
    frames: Frames, periods: Sequence[Period], as_of: datetime, settings: Settings
) -> Classified:
    """Classify every record of ``frames`` for the given non-overlapping periods.

    Raises ValueError when periods overlap, and
    :class:`~queries.store.sources.EngineUnavailable` when the engine cannot run.
    """
    ps = sorted(periods, key=lambda p: p.start)
    for a, b in itertools.pairwise(ps):
        if b.start <= a.end:
            raise ValueError(f"periods overlap: {a} and {b}")
    rows = {
        name: _typed(frame)
        for name, frame in relational.classify_records(
            _rows_source(frames), periods, as_of, settings
        ).items()
    }
    covered = rows["disclosures"]["calendar_covered"]
    return Classified(
        periods=tuple(periods),
        as_of=as_of,
        feedback=rows["feedback"],
        disclosures=rows["disclosures"],
        rectify=rows["rectify"],
        supervision_public=rows["supervision_public"],
        coverage=rows["coverage"],
        calendar_complete=bool(covered.all()) if covered.len() else True,
    )


__all__ = [
    "DEPTH_GROUPS",
    "DISCLOSURE_CODES",
    "FEEDBACK_CODES",
    "STATUS_DTYPES",
    "STATUS_LABELS",
    "STATUS_RULES",
    "Classified",
    "classify",
    "num_den_exprs",
    "st",
    "status_label",
]
