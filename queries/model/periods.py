"""Reporting periods (``2026``, ``2026-Q1``, ``2026-03``, ``2026-03-01..2026-03-20``) and as-of.

A record is in a period when start 00:00 <= anchor < (day after end) 00:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(.+?)\s*\.\.\s*(.+)$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_DATETIME = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$"
)

_CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}
PERIOD_HELP = "2026, 2026-Q1, 2026-03 or 2026-03-01..2026-03-20"


def parse_date(text: str) -> date:
    """``2026-03-02`` or ``2026/3/2`` (records.md); ValueError otherwise."""
    m = _DATE.match(text.strip())
    if not m:
        raise ValueError(f"not a date: {text!r} (expected 2026-03-02 or 2026/3/2)")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} ({exc})") from None


def parse_as_of(text: str | date | datetime) -> datetime:
    """An as-of instant from any datetime form records.md accepts (a date means 00:00)."""
    if isinstance(text, datetime):
        # naive local time, as records are stored
        return text.replace(tzinfo=None)
    if isinstance(text, date):
        return datetime(text.year, text.month, text.day)
    m = _DATETIME.match(text.strip())
    if not m:
        raise ValueError(
            f"not a date or date-time: {text!r} "
            "(expected 2026-04-10, 2026-04-10 12:00, 2026-04-10T12:00:00 or with /)"
        )
    y, mo, d, h, mi, sec = (int(p) if p else 0 for p in m.groups()[:6])
    frac = m[7] or ""
    micro = int(frac.ljust(6, "0")) if frac else 0
    try:
        return datetime(y, mo, d, h, mi, sec, micro)
    except ValueError as exc:
        raise ValueError(f"not a date or date-time: {text!r} ({exc})") from None


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True, order=True)
class Period:
    """Inclusive days ``start..end``; ``kind`` is year, quarter, month or range."""

    start: date
    end: date
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse a period as methodology.md writes it; ValueError with the reason."""
        if not isinstance(text, str):
            raise ValueError(f"not a period: {text!r} (expected {PERIOD_HELP})")
        t = text.strip()
        try:
            if m := _YEAR.match(t):
                return cls.year(int(m[1]))
            if m := _QUARTER.match(t):
                return cls.quarter(int(m[1]), int(m[2]))
            if m := _MONTH.match(t):
                if not 1 <= int(m[2]) <= 12:
                    raise ValueError(f"month {m[2]} out of range")
                return cls.month(int(m[1]), int(m[2]))
            if m := _RANGE.match(t):
                start, end = parse_date(m[1]), parse_date(m[2])
                if end < start:
                    raise ValueError(f"the end {end} is before the start {start}")
                return cls(start, end, "range")
        except ValueError as exc:
            raise ValueError(f"bad period {text!r}: {exc}") from None
        raise ValueError(f"bad period {text!r} (expected {PERIOD_HELP})")

    @classmethod
    def year(cls, y: int) -> Period:
        return cls(date(y, 1, 1), date(y, 12, 31), "year")

    @classmethod
    def quarter(cls, y: int, q: int) -> Period:
        m = 3 * (q - 1) + 1
        return cls(date(y, m, 1), _month_end(y, m + 2), "quarter")

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        return cls(date(y, m, 1), _month_end(y, m), "month")

    @classmethod
    def containing_month(cls, d: date) -> Period:
        return cls.month(d.year, d.month)

    # instants: start 00:00 <= t < end_exclusive 00:00
    @property
    def start_at(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day)

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def end_at(self) -> datetime:
        """The instant just after the period: (day after end) 00:00."""
        e = self.end_exclusive
        return datetime(e.year, e.month, e.day)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def __str__(self) -> str:
        """The canonical text form, parseable by :meth:`parse`."""
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{self.quarter_number}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        """The period of the same length just before (month, quarter, year or days)."""
        y, mo = self.start.year, self.start.month
        if self.kind == "year":
            return Period.year(y - 1)
        if self.kind == "quarter":
            q = self.quarter_number
            return Period.quarter(y - 1, 4) if q == 1 else Period.quarter(y, q - 1)
        if self.kind == "month":
            return Period.month(y - 1, 12) if mo == 1 else Period.month(y, mo - 1)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, "range")

    def same_period_last_year(self) -> Period:
        y, mo = self.start.year, self.start.month
        if self.kind == "year":
            return Period.year(y - 1)
        if self.kind == "quarter":
            return Period.quarter(y - 1, self.quarter_number)
        if self.kind == "month":
            return Period.month(y - 1, mo)
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1), "range")

    def months(self) -> list[Period]:
        """The calendar months overlapping the period, in order."""
        out = []
        y, m = self.start.year, self.start.month
        while date(y, m, 1) <= self.end:
            out.append(Period.month(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def label(self, lang: str = "zh") -> str:
        """``2026年第一季度`` / ``2026 Q1`` and so on."""
        y = self.start.year
        if self.kind == "year":
            return f"{y}年" if lang == "zh" else f"{y}"
        if self.kind == "quarter":
            q = self.quarter_number
            return f"{y}年第{_CN_QUARTER[q]}季度" if lang == "zh" else f"{y} Q{q}"
        if self.kind == "month":
            mo = self.start.month
            return f"{y}年{mo}月" if lang == "zh" else self.start.strftime("%B %Y")
        s, e = self.start, self.end
        if lang == "zh":
            return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"
        return f"{s.isoformat()} to {e.isoformat()}"
