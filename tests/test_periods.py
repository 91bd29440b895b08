"""Periods and as-of parsing (methodology "Scope")."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from queries.model.periods import Period, parse_as_of


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "quarter"),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "month"),
        ("2026-03-01..2026-03-20", date(2026, 3, 1), date(2026, 3, 20), "range"),
        ("2026/3/1..2026/3/1", date(2026, 3, 1), date(2026, 3, 1), "range"),
    ],
)
def test_parse(text: str, start: date, end: date, kind: str) -> None:
    p = Period.parse(text)
    assert (p.start, p.end, p.kind) == (start, end, kind)
    assert Period.parse(str(p)) == p


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26",
        "2026-Q5",
        "2026-Q0",
        "2026-13",
        "2026-00",
        "2026-03-20..2026-03-01",
        "2026-02-30..2026-03-01",
        "last year",
        "2026-03-01..",
    ],
)
def test_bad_periods_raise_a_clear_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="bad period"):
        Period.parse(text)


def test_instants() -> None:
    p = Period.parse("2026-03")
    assert p.start_at == datetime(2026, 3, 1, 0, 0)
    # in the period: start 00:00 <= t < (day after end) 00:00
    assert p.end_at == datetime(2026, 4, 1, 0, 0)
    assert p.days == 31


@pytest.mark.parametrize(
    ("text", "previous", "last_year"),
    [
        ("2026", "2025", "2025"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026-01", "2025-12", "2025-01"),
        ("2026-03", "2026-02", "2025-03"),
        # 20 days 03-01..03-20 -> the 20 days before: 02-09..02-28
        ("2026-03-01..2026-03-20", "2026-02-09..2026-02-28", "2025-03-01..2025-03-20"),
        ("2024-02-29..2024-03-01", "2024-02-27..2024-02-28", "2023-02-28..2023-03-01"),
    ],
)
def test_previous_and_same_period_last_year(text: str, previous: str, last_year: str) -> None:
    p = Period.parse(text)
    assert str(p.previous()) == previous
    assert str(p.same_period_last_year()) == last_year
    if p.kind == "range":
        assert p.previous().days == p.days


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("2026", "2026年", "2026"),
        ("2026-Q1", "2026年第一季度", "2026 Q1"),
        ("2026-Q4", "2026年第四季度", "2026 Q4"),
        ("2026-03", "2026年3月", "March 2026"),
        ("2026-03-01..2026-03-20", "2026年3月1日至2026年3月20日", "2026-03-01 to 2026-03-20"),
    ],
)
def test_labels(text: str, zh: str, en: str) -> None:
    p = Period.parse(text)
    assert p.label("zh") == zh
    assert p.label("en") == en


def test_months_of_a_quarter() -> None:
    assert [str(m) for m in Period.parse("2026-Q2").months()] == ["2026-04", "2026-05", "2026-06"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-10", datetime(2026, 4, 10)),
        ("2026/4/10", datetime(2026, 4, 10)),
        ("2026-04-10 12:00", datetime(2026, 4, 10, 12, 0)),
        ("2026-04-10T12:00", datetime(2026, 4, 10, 12, 0)),
        ("2026-04-10 12:00:33", datetime(2026, 4, 10, 12, 0, 33)),
        ("2026/4/10 9:05:01", datetime(2026, 4, 10, 9, 5, 1)),
        ("2026-04-10T12:00:00.5", datetime(2026, 4, 10, 12, 0, 0, 500000)),
        (date(2026, 4, 10), datetime(2026, 4, 10)),
    ],
)
def test_as_of_forms(text: str | date, expected: datetime) -> None:
    assert parse_as_of(text) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-04-31", "2026-04-10 25:00", "10/04/2026"])
def test_bad_as_of(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_as_of(text)
