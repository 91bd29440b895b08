"""China's official working-day calendar, with the settings' overrides.

Working days follow the ``chinese_calendar`` package (weekends, public
holidays and the swapped working days, 调休). For a year it does not cover
(a new year's schedule is published each autumn) Monday to Friday are
working days and the result says the calendar was incomplete. The settings'
``holidays`` and ``workdays`` override any day.

``workdays(a, b)`` counts the working days d with a < d <= b. Many pairs are
counted at once through a cumulative index: cum[d] = working days up to and
including d, so a count is cum[b] - cum[a], a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import numpy as np
import polars as pl

_EPOCH = date(1970, 1, 1)


def calendar_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese_calendar`` covers."""
    keys = chinese_calendar.holidays.keys()
    return min(keys).year, max(keys).year


@lru_cache(maxsize=64)
def _base_flags(lo_year: int, hi_year: int) -> np.ndarray:
    """Working-day flags (bool) for every day of lo_year..hi_year, before overrides."""
    start = (date(lo_year, 1, 1) - _EPOCH).days
    end = (date(hi_year + 1, 1, 1) - _EPOCH).days
    days = np.arange(start, end)
    # 1970-01-01 was a Thursday (weekday 3 with Monday = 0)
    flags = (days + 3) % 7 < 5
    c_lo, c_hi = calendar_years()
    for d in chinese_calendar.holidays:
        if lo_year <= d.year <= hi_year and c_lo <= d.year <= c_hi:
            flags[(d - _EPOCH).days - start] = False
    for d in chinese_calendar.workdays:
        if lo_year <= d.year <= hi_year and c_lo <= d.year <= c_hi:
            flags[(d - _EPOCH).days - start] = True
    flags.setflags(write=False)
    return flags


@dataclass(frozen=True)
class WorkdayCalendar:
    """The official calendar with ``holidays`` / ``workdays`` overrides (settings)."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()

    @classmethod
    def from_settings(cls, settings: object) -> WorkdayCalendar:
        return cls(
            tuple(getattr(settings, "holidays", ())), tuple(getattr(settings, "workdays", ()))
        )

    def _flags(self, lo_year: int, hi_year: int) -> tuple[int, np.ndarray]:
        """(epoch day of lo_year-01-01, flags) with the overrides applied."""
        return _flags_with_overrides(lo_year, hi_year, self.holidays, self.workdays)

    def is_workday(self, d: date) -> bool:
        start, flags = self._flags(d.year, d.year)
        return bool(flags[(d - _EPOCH).days - start])

    def count(self, a: date, b: date) -> int:
        """Working days d with a < d <= b (0 when b <= a)."""
        if b <= a:
            return 0
        start, flags = self._flags(a.year, b.year)
        i, j = (a - _EPOCH).days - start, (b - _EPOCH).days - start
        return int(flags[i + 1 : j + 1].sum())

    def is_complete(self, a: date, b: date) -> bool:
        """Whether every day of (a, b] is covered by the official calendar."""
        if b <= a:
            return True
        c_lo, c_hi = calendar_years()
        return (a + timedelta(days=1)).year >= c_lo and b.year <= c_hi

    def count_many(self, a: pl.Series, b: pl.Series) -> tuple[pl.Series, bool]:
        """Vectorised :meth:`count` over pairs of Date series.

        Returns the counts (Int32, null where either date is null; 0 where
        b <= a) and whether the official calendar covered every counted day.
        """
        a = a.cast(pl.Date)
        b = b.cast(pl.Date)
        valid = a.is_not_null() & b.is_not_null()
        if len(a) == 0 or not valid.any():
            return pl.Series(a.name, [None] * len(a), dtype=pl.Int32), True
        ai = a.cast(pl.Int32)
        bi = b.cast(pl.Int32)
        lo_day = min(int(ai.filter(valid).min()), int(bi.filter(valid).min()))  # type: ignore[arg-type]
        hi_day = max(int(ai.filter(valid).max()), int(bi.filter(valid).max()))  # type: ignore[arg-type]
        lo_year = (_EPOCH + timedelta(days=lo_day)).year
        hi_year = (_EPOCH + timedelta(days=hi_day)).year
        start, flags = self._flags(lo_year, hi_year)
        cum = np.concatenate([[0], np.cumsum(flags, dtype=np.int32)])
        ia = ai.fill_null(start).to_numpy() - start + 1
        ib = bi.fill_null(start).to_numpy() - start + 1
        counts = np.maximum(cum[ib] - cum[ia], 0).astype(np.int32)
        out = pl.Series(a.name, counts, dtype=pl.Int32)
        out = pl.select(pl.when(valid).then(out)).to_series().rename(a.name or "workdays")
        # incomplete: some pair counts a day (a < d <= b) outside the covered years
        c_lo, c_hi = calendar_years()
        lo_cov = (date(c_lo, 1, 1) - _EPOCH).days
        hi_cov = (date(c_hi + 1, 1, 1) - _EPOCH).days - 1
        spans = valid & (bi > ai)
        complete = not bool((spans & ((ai + 1 < lo_cov) | (bi > hi_cov))).any())
        return out, complete


@lru_cache(maxsize=64)
def _flags_with_overrides(
    lo_year: int, hi_year: int, holidays: tuple[date, ...], workdays: tuple[date, ...]
) -> tuple[int, np.ndarray]:
    start = (date(lo_year, 1, 1) - _EPOCH).days
    flags = _base_flags(lo_year, hi_year)
    if holidays or workdays:
        flags = flags.copy()
        n = len(flags)
        for d in holidays:
            i = (d - _EPOCH).days - start
            if 0 <= i < n:
                flags[i] = False
        for d in workdays:
            i = (d - _EPOCH).days - start
            if 0 <= i < n:
                flags[i] = True
        flags.setflags(write=False)
    return start, flags


def workdays(a: date, b: date, calendar: WorkdayCalendar | None = None) -> int:
    """Working days d with a < d <= b (official calendar unless ``calendar`` given)."""
    return (calendar or WorkdayCalendar()).count(a, b)


def calendar_frame(
    lo_year: int, hi_year: int, calendar: WorkdayCalendar | None = None
) -> pl.DataFrame:
    """The working-day calendar as a table: one row per day of ``lo_year``..``hi_year``.

    Columns: ``date`` (Date), ``workday`` (Boolean), ``workday_number`` (Int32, the
    working days from ``lo_year``-01-01 up to and including ``date``), ``covered``
    (Boolean, the official calendar covers the day's year). Working days between two
    dates a < b are ``workday_number[b] - workday_number[a]`` (:meth:`WorkdayCalendar.count`),
    so every engine counts them with one join. ``calendar`` None: the official calendar.
    """
    cal = calendar or WorkdayCalendar()
    start, flags = cal._flags(lo_year, hi_year)
    days = np.arange(start, start + len(flags), dtype=np.int32)
    c_lo, c_hi = calendar_years()
    frame = pl.DataFrame(
        {
            "date": pl.Series("date", days).cast(pl.Date),
            "workday": pl.Series("workday", flags, dtype=pl.Boolean),
            "workday_number": pl.Series(np.cumsum(flags, dtype=np.int32), dtype=pl.Int32),
        }
    )
    year = pl.col("date").dt.year()
    return frame.with_columns(((year >= c_lo) & (year <= c_hi)).alias("covered"))
