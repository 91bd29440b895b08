"""Working days: China's official calendar (chinese_calendar), overrides, gaps."""

from __future__ import annotations

from datetime import date

import polars as pl

from queries.model.workdays import WorkdayCalendar, calendar_years, workdays

CAL = WorkdayCalendar()


def test_spring_festival_2026_and_its_make_up_days() -> None:
    # chinese_calendar 2026: 02-15..02-23 off (Sun..Mon), Sat 02-14 and Sat 02-28 worked
    assert CAL.is_workday(date(2026, 2, 14))
    assert not CAL.is_workday(date(2026, 2, 16))
    assert not CAL.is_workday(date(2026, 2, 23))
    assert CAL.is_workday(date(2026, 2, 28))
    # (02-06, 03-12]: 02-09..13 = 5, Sat 02-14 = 6, 02-24..27 = 10, Sat 02-28 = 11,
    # 03-02..06 = 16, 03-09..12 = 20
    assert workdays(date(2026, 2, 6), date(2026, 3, 12)) == 20
    assert workdays(date(2026, 2, 6), date(2026, 3, 13)) == 21


def test_counts_days_after_a_up_to_b() -> None:
    # a < d <= b: Fri 2026-03-06 -> Mon 2026-03-09 counts only Monday
    assert workdays(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert workdays(date(2026, 3, 9), date(2026, 3, 9)) == 0
    # b before a: no day counted
    assert workdays(date(2026, 3, 9), date(2026, 3, 2)) == 0


def test_overrides() -> None:
    cal = WorkdayCalendar(holidays=(date(2026, 3, 10),), workdays=(date(2026, 3, 7),))
    assert not cal.is_workday(date(2026, 3, 10))
    assert cal.is_workday(date(2026, 3, 7))
    # 20 - 1 (03-10 off) + 1 (Sat 03-07 worked) = 20
    assert cal.count(date(2026, 2, 6), date(2026, 3, 12)) == 20
    assert cal.count(date(2026, 2, 6), date(2026, 3, 11)) == 19


def test_outside_the_calendar_monday_to_friday() -> None:
    lo, hi = calendar_years()
    assert lo <= 2026 <= hi
    after = hi + 1
    # a week of the first uncovered year: 5 working days, whatever its holidays
    a = date(after, 3, 1)
    b = date(after, 3, 8)
    assert CAL.count(a, b) == 5
    assert not CAL.is_complete(a, b)
    assert CAL.is_complete(date(2026, 3, 1), date(2026, 3, 8))


def test_vectorised_matches_scalar() -> None:
    a = pl.Series([date(2026, 2, 6), None, date(2026, 12, 20), date(2026, 3, 9), date(2025, 9, 28)])
    b = pl.Series(
        [
            date(2026, 3, 12),
            date(2026, 1, 1),
            date(2027, 1, 10),
            date(2026, 3, 2),
            date(2025, 10, 11),
        ]
    )
    counts, complete = CAL.count_many(a, b)
    expected = [
        20,
        None,
        CAL.count(date(2026, 12, 20), date(2027, 1, 10)),
        0,
        CAL.count(date(2025, 9, 28), date(2025, 10, 11)),
    ]
    assert counts.to_list() == expected
    # 2025 National Day: 10-01..08 off, Sun 09-28 and Sat 10-11 worked:
    # (09-28, 10-11]: 09-29, 09-30, 10-09, 10-10, 10-11 = 5
    assert expected[4] == 5
    # 2027 is not covered (chinese_calendar 1.11 ends in 2026)
    assert complete is (calendar_years()[1] >= 2027)
    only_2026, complete_2026 = CAL.count_many(a[:2], b[:2])
    assert complete_2026 and only_2026.to_list() == [20, None]
