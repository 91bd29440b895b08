"""reports.jobs.alerts: the alert digest, in a unit's scope, new signals only, in both
languages with links to the units' pages (the generator's tiny city over two years)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from queries.model.settings import settings_from_mapping
from queries.store.schemas import make_frames
from reports.jobs.alerts import digest
from seed_data.generator import generate
from seed_data.scales import SCALES, Scale

TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)
AT = datetime(2026, 7, 2, 9)
SETTINGS = settings_from_mapping({"public_base_url": "https://openness.example/dash"})


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
        records = generate(TWO_YEARS.name, 7, date(2026, 6, 30))
    return records, make_frames(**records)


def test_a_unit_s_digest_holds_its_subtree_s_new_signals_only(world) -> None:  # type: ignore[no-untyped-def]
    records, frames = world
    d = digest(frames, AT, SETTINGS, "B01", None)

    # the city's nine signals of June 2026 include one below B01: 马关派出所 (B01-S03)
    assert d.new == ["B01-S03|R_ADOPTION|shift|below|2025-12"]
    assert d.found == d.new
    zh, en = d.text.split("\n\n")
    assert zh.splitlines()[0] == (
        "截至 2026-07-02 09:00，本提醒上次运行后，金水分局及下属单位新出现以下需关注的信号"
        "（2026年6月，漏斗图与同级单位比较，控制图与本单位前 12 个月比较）："
    )
    assert zh.splitlines()[1:] == [
        "1. 马关派出所 建议采纳率连续 7 个月低于基线（2025年12月至2026年6月）",
        # a Chinese line's colon is full-width
        "   单位页面：https://openness.example/dash/unit?unit=B01-S03&period=2026-06&lang=zh",
    ]
    assert en.splitlines()[1].endswith(
        ": suggestions adopted below its baseline 7 months running (2025-12–2026-06)"
    )
    assert "unit?unit=B01-S03&period=2026-06&lang=en" in en.splitlines()[2]
    assert d.subject.startswith("警务公开：1 条新的需关注信号（2026年6月） / ")
    # aggregates only: no record's key in the message
    keys = set(records["feedback"]["case_id"]) | set(
        records["disclosures"][records["disclosures"].columns[0]]
    )
    assert not any(k in d.text for k in keys)


def test_what_the_last_run_found_is_not_news_again(world) -> None:  # type: ignore[no-untyped-def]
    _, frames = world
    first = digest(frames, AT, SETTINGS, None, None)
    # the next day: the same signals stand, one of them forgotten (as if new since)
    again = digest(frames, datetime(2026, 7, 3, 9), SETTINGS, None, first.found[1:])

    assert len(first.new) == 9
    assert again.new == first.found[:1]
    assert again.found == first.found


def test_without_the_dashboard_s_address_a_digest_has_no_links(world) -> None:  # type: ignore[no-untyped-def]
    _, frames = world
    d = digest(frames, AT, settings_from_mapping({}), "B01", None)
    assert "http" not in d.text and "unit?" not in d.text
