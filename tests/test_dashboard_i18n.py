"""The dashboard's interface text: complete in both languages, and its formatting."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.i18n import (
    FIELD_LABELS,
    STRINGS,
    fmt_date,
    fmt_days,
    fmt_month,
    fmt_pct,
    fmt_rank_change,
    fmt_signed,
    language_from_locale,
    t,
)

PLACEHOLDER = re.compile(r"{(\w+)}")
DASHBOARD = Path(i18n.__file__).resolve().parent


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = STRINGS[key]
    if key == "status.ranked":  # deliberately empty: nothing to say for a ranked unit
        return
    assert zh.strip() and en.strip(), key
    assert set(PLACEHOLDER.findall(zh)) == set(PLACEHOLDER.findall(en)), key


def test_every_key_used_by_the_pages_exists() -> None:
    used: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    missing = sorted(k for k in used if k not in STRINGS)
    assert missing == []


def test_field_labels_are_complete() -> None:
    for name, (zh, en) in FIELD_LABELS.items():
        assert zh and en, name


def test_number_formats() -> None:
    assert fmt_pct(0.8567, "zh") == "85.7%"
    assert fmt_pct(None, "en") == "—"
    assert fmt_pct(1.0, "en") == "100.0%"
    assert fmt_days(3.25, "zh") == "3.2 天"  # round half to even on the binary value
    assert fmt_days(12.0, "en") == "12.0 days"
    assert fmt_signed(2.34, "en") == "+2.3"
    assert fmt_signed(-1.0, "en") == "−1.0"
    assert fmt_signed(0.04, "en") == "0.0"


def test_dates_months_and_rank_changes() -> None:
    assert fmt_date(date(2026, 3, 2), "zh") == "2026年3月2日"
    assert fmt_date(date(2026, 3, 2), "en") == "2026-03-02"
    assert fmt_date(datetime(2026, 3, 2, 14, 5), "zh") == "2026年3月2日 14:05"
    assert fmt_month("2026-03", "zh") == "2026年3月"
    assert fmt_month("2026-03", "en") == "2026-03"
    assert fmt_rank_change(2, "en") == "▲2"
    assert fmt_rank_change(-3, "zh") == "▼3"
    assert fmt_rank_change(0, "zh") == "持平"
    assert fmt_rank_change(None, "en") == "—"


def test_markdown_is_made_inert() -> None:
    assert i18n.md("**a** [b](c) $d$ <i>") == r"\*\*a\*\* \[b\]\(c\) \$d\$ \<i\>"
    assert i18n.md("江州市公安局") == "江州市公安局"
    assert i18n.md("B01-S03") == r"B01\-S03"


def test_language_follows_the_browser_chinese_when_unknown() -> None:
    assert language_from_locale("zh-CN") == "zh"
    assert language_from_locale("zh-TW") == "zh"
    assert language_from_locale("en-US") == "en"
    assert language_from_locale("fr-FR") == "en"
    assert language_from_locale(None) == "zh"
    assert t("overview.title", "en", unit="HQ") == "Overview: HQ"


def test_md_leaves_no_autolink() -> None:
    # GFM autolinks bare URLs and e-mail addresses after reading the escapes: a word
    # joiner (invisible) inside each pattern keeps them text
    assert i18n.md("https://evil.example/login") == "h\u2060ttps\\://evil\\.example/login"
    assert i18n.md("www.evil.example") == "w\u2060ww\\.evil\\.example"
    assert i18n.md("a@evil.example") == "a\u2060@evil\\.example"


def test_a_change_that_shows_as_zero_has_no_arrow_and_no_colour() -> None:
    from dashboard.widgets import _delta

    # 0.04 pp rounds to 0.0: not a rise, whatever its sign
    assert _delta("+0.0 pp", 0.0004 * 100) == {
        "delta": "±0.0 pp",
        "delta_color": "off",
        "delta_arrow": "off",
    }
    assert _delta("-0.0", -0.04)["delta"] == "±0.0"
    assert _delta("+0", 0) == {"delta": "±0", "delta_color": "off", "delta_arrow": "off"}
    # a real change keeps its sign, its arrow and the indicator's colour rule
    assert _delta("+1.3 pp", 1.3, "inverse") == {"delta": "+1.3 pp", "delta_color": "inverse"}
    assert _delta("-2", -2) == {"delta": "-2", "delta_color": "normal"}
    assert _delta(None, None) == {"delta": None}
