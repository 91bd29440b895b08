"""The dashboard's words: its own texts, and the shared vocabulary re-exported.

The dashboard's own texts live in :mod:`dashboard.texts` (one module per page
group) and are merged here into :data:`STRINGS`. Shared terms, record enums,
field labels and the number formats come from :mod:`queries.vocabulary`;
indicator and dimension names from :mod:`queries.model.catalogue`. Every key
has both languages; a test checks it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from dashboard.texts import (
    access,
    data_page,
    frame,
    goals,
    jobs,
    method,
    reports,
    signals,
    topics,
    units,
)
from queries.model.catalogue import dimension as catalogue_dimension
from queries.vocabulary import formats
from queries.vocabulary.enums import enum_label, enum_labels
from queries.vocabulary.fields import FIELD_LABELS, field_label
from queries.vocabulary.terms import TERMS
from queries.vocabulary.text import LANGS, Lang, Text

__all__ = [
    "FIELD_LABELS",
    "LANGS",
    "STRINGS",
    "Lang",
    "dimension",
    "enum_label",
    "enum_labels",
    "field_label",
    "fmt_date",
    "fmt_days",
    "fmt_int",
    "fmt_month",
    "fmt_pct",
    "fmt_rank_change",
    "fmt_score",
    "fmt_signed",
    "language_from_locale",
    "md",
    "t",
    "unit_name",
]


def _merge(*groups: dict[str, Text]) -> dict[str, Text]:
    merged: dict[str, Text] = {}
    for group in groups:
        twice = merged.keys() & group.keys()
        if twice:
            raise ValueError(f"dashboard texts declared twice: {sorted(twice)}")
        merged.update(group)
    return merged


STRINGS: dict[str, Text] = _merge(
    frame.STRINGS,
    units.STRINGS,
    topics.STRINGS,
    method.STRINGS,
    data_page.STRINGS,
    reports.STRINGS,
    signals.STRINGS,
    access.STRINGS,
    jobs.STRINGS,
    goals.STRINGS,
)


def t(key: str, lang: Lang, /, **kwargs: Any) -> str:
    """The interface text ``key`` in ``lang``, formatted with ``kwargs``."""
    return STRINGS[key].of(lang, **kwargs)


def dimension(code: str, lang: Lang) -> str:
    """A dimension's short name (catalogue), or the overall score's (vocabulary)."""
    if code == "overall":
        return TERMS["overall"].of(lang)
    d = catalogue_dimension(code)
    return d.name_zh if lang == "zh" else d.name_en


def unit_name(name: str | None, name_en: str | None, lang: Lang) -> str:
    if lang == "en" and name_en:
        return name_en
    return name or name_en or ""


def fmt_pct(value: float | None, lang: Lang) -> str:
    """A fraction 0..1 as a percent with one decimal: ``0.8567`` -> ``85.7%``."""
    return formats.pct(value)


def fmt_score(value: float | None, lang: Lang) -> str:
    """A 0..100 score with one decimal."""
    return formats.score(value)


def fmt_days(value: float | None, lang: Lang) -> str:
    """``3.2 天`` / ``3.2 days``."""
    return formats.days(value, lang)


def fmt_int(value: int | None, lang: Lang) -> str:
    """``12,345``."""
    return formats.integer(value)


def fmt_signed(value: float | None, lang: Lang, *, decimals: int = 1, suffix: str = "") -> str:
    """A signed change: ``+2.3``, ``−1.0`` (true minus sign), ``0.0``."""
    return formats.signed(value, decimals=decimals, suffix=suffix)


def fmt_date(value: date | datetime | None, lang: Lang) -> str:
    """``2026年3月2日`` / ``2026-03-02`` (with ``14:05`` when a datetime has a time)."""
    return formats.date_text(value, lang)


def fmt_rank_change(value: int | None, lang: Lang) -> str:
    """Rank change as an arrow: ``▲2`` moved up two places, ``▼1`` down one."""
    return formats.rank_change(value, lang)


def fmt_month(month: str, lang: Lang) -> str:
    """``2026-03`` as ``2026年3月`` / ``2026-03``."""
    return formats.month_text(month, lang)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


# GFM's autolink literals (https://…, www.…, a@b.c) are found in the text after the
# escapes are read, so escaping cannot stop them: a WORD JOINER (U+2060, invisible)
# inside each pattern does
_AUTOLINK = re.compile(r"(?i)(?<=h)(?=ttps?:)|(?<=w)(?=ww\.)|(?<=[\w.+-])(?=@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` (from records or a URL) made inert for Streamlit's Markdown: every
    punctuation character that Markdown, its HTML or its math could read is escaped,
    and no URL or e-mail address can become a link."""
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def language_from_locale(locale: str | None) -> Lang:
    """Chinese when the browser asks for it, else English; Chinese when unknown."""
    if not locale:
        return "zh"
    return "zh" if locale.lower().startswith("zh") else "en"
