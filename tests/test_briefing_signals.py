"""The briefing's signals part and the signal sentences: generated from the engine's
funnel and control findings, in both languages."""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import ARTIFACTS

from queries.engine.findings import funnel_findings
from queries.engine.funnel import funnel_signals
from queries.model.periods import Period
from queries.model.settings import DEFAULT_SETTINGS
from queries.store.schemas import make_frames
from reports.blocks import Bullets, Heading, Image
from reports.briefing.docx import briefing_docx
from reports.briefing.html import briefing_html
from reports.briefing.layout import briefing_document
from reports.briefing.model import build_briefing
from reports.briefing.signals import MAX_SENTENCES
from reports.signal_wording import control_sentence, funnel_sentence
from seed_data.generator import generate
from seed_data.scales import SCALES, Scale

TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)
PERIOD, AS_OF = Period.parse("2026-Q2"), datetime(2026, 6, 30, 23, 59, 59)


def test_control_sentences_both_languages() -> None:
    shift = {
        "code": "R_ONTIME",
        "kind": "shift",
        "side": "below",
        "first_month": "2026-01",
        "last_month": "2026-07",
        "months": 7,
    }
    assert control_sentence(shift, "zh") == "按期办结率连续 7 个月低于基线（2026年1月至2026年7月）"
    assert (
        control_sentence(shift, "en")
        == "Closed on time below its baseline 7 months running (2026-01–2026-07)"
    )
    trend = {**shift, "kind": "trend", "side": "up", "months": 8}
    assert control_sentence(trend, "zh", "城东分局") == (
        "城东分局 按期办结率连续 8 个月上升（2026年1月至2026年7月）"
    )
    point = {**shift, "kind": "point", "side": "above", "first_month": "2026-03",
             "last_month": "2026-03", "months": 1, "code": "S_REPEAT", "value": 0.0625}  # fmt: skip
    assert control_sentence(point, "zh") == "重复投诉率 2026年3月 为 6.2%，高于控制上限"
    assert control_sentence(point, "en") == (
        "Repeat feedback 6.2% in 2026-03, above its upper control limit"
    )


def test_a_run_over_months_without_records_says_how_many_it_skipped() -> None:
    """Months with n = 0 neither break nor extend a run (methodology.md): 10 months
    running over 12 calendar months read as a miscount unless the two are named."""
    shift = {"code": "R_ONTIME", "kind": "shift", "side": "below",
             "first_month": "2019-01", "last_month": "2019-12", "months": 10}  # fmt: skip
    assert control_sentence(shift, "zh", "10th Precinct") == (
        "10th Precinct 按期办结率连续 10 个月低于基线（2019年1月至2019年12月，其间 2 个月无记录）"
    )
    assert control_sentence({**shift, "months": 11}, "en") == (
        "Closed on time below its baseline 11 months running (2019-01–2019-12; 1 month "
        "without records)"
    )


def test_funnel_sentence_both_languages() -> None:
    f = {"code": "R_ONTIME", "signal": "alarm", "side": "below", "value": 0.426, "n": 61,
         "target": 0.892}  # fmt: skip
    assert funnel_sentence(f, "东坝派出所", "zh") == (
        "东坝派出所 按期办结率 42.6%（n=61），低于同级 89.2%，超出 99.8% 控制限（警报）"
    )
    assert funnel_sentence({**f, "signal": "alert", "side": "above"}, "Dongba", "en") == (
        "Dongba: closed on time 42.6% (n=61), above the level's 89.2%, beyond the 95% limit (alert)"
    )


@pytest.fixture(scope="module")
def frames():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
        world = generate(TWO_YEARS.name, 7, date(2026, 6, 30))
    return make_frames(**world)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_names_the_units_that_stand_out(frames, lang: str) -> None:  # type: ignore[no-untyped-def]
    b = build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, lang=lang)
    (section,) = b.sections
    sp = section.signals
    assert sp is not None
    # every funnel alarm and alert of the bureau's units, worse ones in the first list
    found = funnel_findings(funnel_signals(frames, PERIOD, AS_OF, DEFAULT_SETTINGS))
    names = dict(frames.units.select("unit_id", "name" if lang == "zh" else "name_en").iter_rows())
    bad = found.filter(~pl.col("favourable"))
    listed = sp.unfavourable
    total_bad = len(listed) + sp.more_unfavourable
    assert total_bad >= bad.height > 0
    assert len(listed) <= MAX_SENTENCES
    # unfavourable alarms come first, in the findings' order
    alarms = bad.filter(pl.col("signal") == "alarm")
    for i, r in enumerate(alarms.head(MAX_SENTENCES).iter_rows(named=True)):
        assert listed[i] == funnel_sentence(r, names[r["unit_id"]], lang)
    doc = briefing_document(b)
    heads = [x.text for x in doc.blocks if isinstance(x, Heading)]
    want = "六、差异是否超出偶然" if lang == "zh" else "6. Which differences are real"
    assert want in heads
    after = doc.blocks[
        [x.text if isinstance(x, Heading) else None for x in doc.blocks].index(want) :
    ]
    assert any(isinstance(x, Bullets) for x in after[:6])
    funnel_title = "漏斗图：" if lang == "zh" else "Funnel plot: "
    assert any(isinstance(x, Image) and x.chart.title.startswith(funnel_title) for x in after)
    # both renderers carry it
    page = briefing_html(b)
    assert want in page and listed[0] in html.unescape(page)
    assert len(briefing_docx(b)) > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"briefing_signals_{lang}.html").write_text(page, encoding="utf-8")


@pytest.mark.browser
def test_briefing_signals_part_in_chromium(frames, tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    for lang in ("zh", "en"):
        b = build_briefing(frames, PERIOD, AS_OF, DEFAULT_SETTINGS, lang=lang)
        path = tmp_path / f"briefing_{lang}.html"
        path.write_text(briefing_html(b), encoding="utf-8")
        page = browser.new_page(viewport={"width": 900, "height": 1400})
        page.goto(path.as_uri())
        head = "六、差异是否超出偶然" if lang == "zh" else "6. Which differences are real"
        h = page.get_by_role("heading", name=head)
        h.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"briefing_signals_{lang}.png"))
        page.close()
