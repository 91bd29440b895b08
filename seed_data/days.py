"""The day grid the generator samples dates from: working days, weekends and
the Spring Festival dip.

Working days follow China's official calendar (``chinese-calendar``) where it
has the year, Monday to Friday otherwise, as methodology.md says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import numpy as np

# Chinese New Year's day (正月初一)
SPRING_FESTIVALS: tuple[date, ...] = (
    date(2019, 2, 5),
    date(2020, 1, 25),
    date(2021, 2, 12),
    date(2022, 2, 1),
    date(2023, 1, 22),
    date(2024, 2, 10),
    date(2025, 1, 29),
    date(2026, 2, 17),
    date(2027, 2, 6),
    date(2028, 1, 26),
    date(2029, 2, 13),
    date(2030, 2, 3),
)
# the festival week: New Year's Eve to the sixth day (除夕 .. 初六)
FESTIVAL_DAYS = range(-1, 7)


def is_workday(d: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def festival_days(first: date, last: date) -> set[date]:
    """Every day of a Spring Festival week between ``first`` and ``last``."""
    out = set()
    for ny in SPRING_FESTIVALS:
        for k in FESTIVAL_DAYS:
            d = ny + timedelta(days=k)
            if first <= d <= last:
                out.add(d)
    return out


@dataclass(frozen=True)
class DayGrid:
    """Every day from ``first`` to ``last`` with its calendar facts.

    ``cum_workdays[i]`` counts the working days up to and including day i, so
    workdays(a, b) of methodology.md is ``cum[b] - cum[a]``.
    """

    first: date
    days: np.ndarray  # datetime64[D]
    workday: np.ndarray  # bool
    weekend: np.ndarray  # bool
    festival: np.ndarray  # bool
    cum_workdays: np.ndarray  # int64

    @classmethod
    def build(cls, first: date, last: date) -> DayGrid:
        n = (last - first).days + 1
        dates = [first + timedelta(days=i) for i in range(n)]
        fest = festival_days(first, last)
        workday = np.array([is_workday(d) for d in dates])
        return cls(
            first=first,
            days=np.arange(np.datetime64(first), np.datetime64(last) + 1),
            workday=workday,
            weekend=np.array([d.weekday() >= 5 for d in dates]),
            festival=np.array([d in fest for d in dates]),
            cum_workdays=np.cumsum(workday),
        )

    def index(self, d: date) -> int:
        return (d - self.first).days

    def workdays_before(self, day_idx: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """For each day index, the index of the working day ``lag`` working days
        earlier (so that workdays(result, day) == lag); clipped at the grid start."""
        target = self.cum_workdays[day_idx] - lag
        idx = np.searchsorted(self.cum_workdays, target, side="left")
        return np.clip(idx, 0, len(self.days) - 1)
