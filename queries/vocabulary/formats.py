"""How numbers, dates and months are written: one formatter each, one spelling.

Every figure the dashboard, the briefing and the public bundle print goes
through these, so "78.0%" in a sentence, a table and a chart label is the same
rounding of the same value. A missing value (None or NaN) is written ``—``.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from queries.vocabulary.terms import TERMS, UNITS

NA = "—"


def missing(value: object) -> bool:
    """None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float | None) -> str:
    """A fraction 0..1 as a percent with one decimal: ``0.8567`` -> ``85.7%``."""
    if value is None or missing(value):
        return NA
    return f"{value * 100:.1f}%"


def score(value: float | None) -> str:
    """A 0..100 score with one decimal: ``75.46`` -> ``75.5``."""
    if value is None or missing(value):
        return NA
    return f"{value:.1f}"


def score_points(value: float | None, lang: str) -> str:
    """A score with its unit, for sentences: ``75.5分`` / ``75.5``."""
    if value is None or missing(value):
        return NA
    return score(value) + UNITS["score"].of(lang)


def days(value: float | None, lang: str, *, decimals: int | None = 1) -> str:
    """Days with a space before the unit: ``3.2 天`` / ``3.2 days``.

    One decimal by default (a median of days to close); ``decimals=None`` for a
    setting as given (``30 天``, ``2.5 days``).
    """
    if value is None or missing(value):
        return NA
    number = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return f"{number} {UNITS['days'].of(lang)}"


def integer(value: int | None) -> str:
    """A whole number with thousands separators: ``12,345``."""
    if value is None or missing(value):
        return NA
    return f"{int(value):,}"


def count(n: int, lang: str) -> str:
    """A count of cases or items in a sentence: ``12件`` / ``12``."""
    return f"{n}{UNITS['count'].of(lang)}"


def signed(value: float | None, *, decimals: int = 1, suffix: str = "") -> str:
    """A signed change: ``+2.3``, ``−1.0`` (true minus sign), ``0.0`` (rounded first)."""
    if value is None or missing(value):
        return NA
    text = f"{abs(value):.{decimals}f}{suffix}"
    if round(value, decimals) > 0:
        return "+" + text
    if round(value, decimals) < 0:
        return "−" + text
    return text


def date_text(value: date | datetime | None, lang: str) -> str:
    """``2026年3月2日`` / ``2026-03-02``; a datetime with a time adds ``14:05``."""
    if value is None:
        return NA
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            if lang == "zh":
                return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
            return f"{value:%Y-%m-%d %H:%M}"
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def month_text(month: str, lang: str) -> str:
    """``2026-03`` as ``2026年3月`` / ``2026-03``."""
    if lang == "zh" and len(month) == 7 and month[4] == "-":
        return f"{month[:4]}年{int(month[5:])}月"
    return month


def labelled(label: str, value: str, lang: str) -> str:
    """``label: value`` with the language's colon: full-width ``：`` (no space) in
    Chinese, ``: `` in English."""
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def rank_change(value: int | None, lang: str) -> str:
    """Rank change as an arrow: ``▲2`` moved up two places, ``▼1`` down one, ``持平``/``same``."""
    if value is None or missing(value):
        return NA
    if value > 0:
        return f"▲{value}"
    if value < 0:
        return f"▼{-value}"
    return TERMS["rank_same"].of(lang)
