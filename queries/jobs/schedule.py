"""When a job runs: five-field cron in Beijing time, and the periods a run reports on.

Times are naive local (Asia/Shanghai, :mod:`queries.model.clock`), like every time the
product keeps; China keeps no daylight saving time, so a naive slot is never ambiguous.
The cron syntax is parsed by ``cronsim`` (the parser of healthchecks.io), not here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cronsim import CronSim, CronSimError

from queries.model.periods import Period

# the periods a briefing or publish job reports on, relative to the run
RELATIVE_PERIODS = ("previous-month", "previous-quarter", "previous-year")


class ScheduleError(ValueError):
    """A schedule that is not five cron fields (the message says why)."""


# cronsim's "Bad FIELD": which of the five fields, its name here and what it takes
_FIELDS = {
    "Bad minute": (0, "minute", "within 0-59"),
    "Bad hour": (1, "hour", "within 0-23"),
    "Bad day-of-month": (2, "day", "a day 1-31 that the months given have"),
    "Bad month": (3, "month", "within 1-12 (or JAN-DEC)"),
    "Bad day-of-week": (4, "weekday", "within 0-7 (or SUN-SAT; 0 and 7 are Sunday)"),
}


def check_schedule(expr: str) -> str:
    """``expr`` normalised (single spaces) when it is five cron fields; else ScheduleError.

    >>> check_schedule(" 0  8 1 * * ")
    '0 8 1 * *'
    >>> check_schedule("@daily")
    Traceback (most recent call last):
    ...
    queries.jobs.schedule.ScheduleError: a schedule is five cron fields (minute hour day month weekday), not '@daily'
    >>> check_schedule("0 8 31 2 *")
    Traceback (most recent call last):
    ...
    queries.jobs.schedule.ScheduleError: schedule '0 8 31 2 *': the day field '31' is not a day 1-31 that the months given have
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"a schedule is five cron fields (minute hour day month weekday), not {expr!r}"
        )
    text = " ".join(fields)
    try:
        next(CronSim(text, datetime(2026, 1, 1)))
    except (CronSimError, StopIteration) as exc:
        if str(exc) in _FIELDS:
            i, name, takes = _FIELDS[str(exc)]
            raise ScheduleError(
                f"schedule {text!r}: the {name} field {fields[i]!r} is not {takes}"
            ) from None
        raise ScheduleError(f"schedule {text!r}: {exc}") from None
    return text


def next_slot(expr: str, after: datetime) -> datetime:
    """The first slot of ``expr`` strictly after ``after``.

    >>> next_slot("0 8 1 * *", datetime(2026, 3, 1, 8, 0))
    datetime.datetime(2026, 4, 1, 8, 0)
    >>> next_slot("0 * * * *", datetime(2026, 3, 1, 8, 0, 30))
    datetime.datetime(2026, 3, 1, 9, 0)
    """
    return next(CronSim(expr, after.replace(microsecond=0)))


def slot_at(expr: str, at: datetime) -> datetime:
    """The latest slot of ``expr`` at or before ``at`` (the slot a run at ``at`` is for:
    after an outage, the last one missed).

    >>> slot_at("0 8 1 * *", datetime(2026, 3, 1, 8, 0))
    datetime.datetime(2026, 3, 1, 8, 0)
    >>> slot_at("0 8 1 * *", datetime(2026, 5, 20, 9, 30))
    datetime.datetime(2026, 5, 1, 8, 0)
    """
    start = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return next(CronSim(expr, start, reverse=True))


def relative_period(name: str, at: datetime) -> Period:
    """The period ``name`` (:data:`RELATIVE_PERIODS`) before the run at ``at``.

    >>> str(relative_period("previous-month", datetime(2026, 1, 1, 8)))
    '2025-12'
    >>> str(relative_period("previous-quarter", datetime(2026, 5, 20)))
    '2026-Q1'
    >>> str(relative_period("previous-year", datetime(2026, 5, 20)))
    '2025'
    """
    if name == "previous-month":
        return Period.month(at.year, at.month).previous()
    if name == "previous-quarter":
        return Period.quarter(at.year, (at.month - 1) // 3 + 1).previous()
    if name == "previous-year":
        return Period.year(at.year - 1)
    raise ValueError(f"a period is one of {', '.join(RELATIVE_PERIODS)}, not {name!r}")
