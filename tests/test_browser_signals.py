"""The signals in a real headless Chromium, served by ``openness serve``: the Overview's
funnel and "stands out" list, a unit's control charts, the Attention page and its
download, in both languages. Screenshots go to tests/artifacts/ for a person to look at.

The world is the generator's tiny city over two years (a control chart needs a
12-month baseline before the 12 months it watches).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, QUERY, no_errors, serving, settle, shot, wait_for_count

from queries.model.db import init_db, make_engine
from seed_data.generator import seed_database
from seed_data.scales import SCALES, Scale

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")

TWO_YEARS = Scale("tiny-2y", 1, (3, 3), 4.0, 15, 2, 8_000, 2_400, 300)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser_signals")
    url = f"sqlite:///{tmp / 'openness.db'}"
    engine = make_engine(url)
    init_db(engine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SCALES, TWO_YEARS.name, TWO_YEARS)
        seed_database(engine, TWO_YEARS.name, 7, date(2026, 6, 30), progress=False)
    engine.dispose()
    with serving(tmp, url) as base:
        yield base


WORDS = {
    "zh": {
        "funnel": "漏斗图：按期办结率",
        "stands_out": "差异显著的单位",
        "control": "控制图",
        "show_quiet": "个指标的控制图（无信号）",
        "attention": "关注清单",
        "download": "下载 CSV",
    },
    "en": {
        "funnel": "Funnel plot: Closed on time",
        "stands_out": "What stands out",
        "control": "Control charts",
        "show_quiet": "control charts (no signal)",
        "attention": "Attention",
        "download": "Download CSV",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funnel_control_charts_and_attention(server: str, browser: object, lang: str) -> None:
    w = WORDS[lang]
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 2600},
        locale="zh-CN" if lang == "zh" else "en-US",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(120_000)  # the machine may be busy
    # the Overview at station level: the funnel of on-time closure
    page.goto(f"{server}/?{QUERY}&lang={lang}&level=station&ind=R_ONTIME")
    settle(page, timeout=240_000)
    no_errors(page)
    funnel = page.locator(".js-plotly-plot", has_text=w["funnel"])
    funnel.first.scroll_into_view_if_needed()
    assert funnel.count() == 1
    # one marker per station with a value, and the limit curves
    assert funnel.locator(".scatterlayer .trace").count() >= 5
    assert page.get_by_text(w["stands_out"]).count() >= 1
    funnel.first.screenshot(path=_artifact(f"signals_funnel_{lang}"))
    shot(page, f"signals_overview_{lang}")

    # the root's control charts
    page.goto(f"{server}/unit?{QUERY}&lang={lang}&unit=HQ")
    settle(page, timeout=240_000)
    no_errors(page)
    heading = page.get_by_text(w["control"]).first
    heading.scroll_into_view_if_needed()
    # the charts without a signal are behind a toggle
    quiet = page.get_by_text(w["show_quiet"])
    if quiet.count():
        quiet.first.click()
        settle(page, timeout=240_000)
        no_errors(page)
    # the trend and at least three control charts
    assert wait_for_count(page, ".js-plotly-plot", 4) >= 4
    charts = page.locator(".js-plotly-plot")
    charts.nth(1).scroll_into_view_if_needed()
    shot(page, f"signals_unit_{lang}")
    charts.nth(1).screenshot(path=_artifact(f"signals_control_{lang}"))

    # the Attention page: the list and its CSV
    page.goto(f"{server}/attention?{QUERY}&lang={lang}")
    settle(page, timeout=240_000)
    no_errors(page)
    assert page.locator("h1").first.inner_text().startswith(w["attention"])
    shot(page, f"signals_attention_{lang}")
    if page.locator('[data-testid="stDataFrame"]').count():
        with page.expect_download() as info:
            page.get_by_role("button", name=w["download"]).first.click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert info.value.suggested_filename.startswith("attention_2026-Q2")
    context.close()


def _artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
