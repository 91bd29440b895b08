"""The dashboard in a real headless Chromium, served by ``openness serve``.

A small generated database (``tiny`` scale, seed 7, last day 2026-06-30) is
served on a free port. The test opens every page in both languages, clicks a
ranking row through to its unit and on to the records behind a rate,
downloads a CSV and checks its bytes, and saves screenshots into
tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import QUERY, click_row, no_errors, seed_tiny, serving, settle, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")

PAGES = (
    "",  # the overview is the default page, at the root
    "unit",
    "openness",
    "responsiveness",
    "satisfaction",
    "supervision",
    "methodology",
    "data",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    with serving(tmp, seed_tiny(tmp)) as base:
        yield base
    # it said that it listens on this machine only
    log = next(tmp.glob("serve-*.log")).read_text(errors="replace")
    assert "Listening on 127.0.0.1 only" in log


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(server: str, browser: object, lang: str) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 2200}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    page = context.new_page()
    for name in PAGES:
        page.goto(f"{server}/{name}?{QUERY}&lang={lang}")
        settle(page)
        no_errors(page)
        assert page.locator("h1").count() >= 1, name
        shot(page, f"{name or 'overview'}_{lang}")
    context.close()


def test_the_browser_language_picks_the_default(server: str, browser: object) -> None:
    for locale, title in (("zh-CN", "总览"), ("en-GB", "Overview")):
        context = browser.new_context(locale=locale)  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"{server}/?{QUERY}")
        settle(page)
        assert page.locator("h1").first.inner_text().startswith(title)
        context.close()


def test_ranking_row_to_unit_to_records_and_csv(server: str, browser: object) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 1400}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{server}/?{QUERY}&lang=zh")
    settle(page)

    # the ranking's CSV: UTF-8 with a BOM, Chinese header
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "ranking_2026-Q2_HQ.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.split(",")[:3] == ["排名", "名次变化", "单位"]

    # first ranked branch -> its unit page
    ranking = page.locator('[data-testid="stDataFrame"]').first
    ranking.scroll_into_view_if_needed()
    click_row(page, ranking, 0)
    page.wait_for_url("**/unit?**", timeout=30_000)
    settle(page)
    no_errors(page)
    assert "unit=" in page.url
    # the filters came along: same period, same as-of
    assert "period=2026-Q2" in page.url and "asof=2026-06-30" in page.url
    assert page.get_by_text("2026年第二季度，截至 2026-06-30").count() >= 1
    shot(page, "click_unit")

    # the indicator "响应率" (R_RESPONSE, the 6th row) -> the records behind it
    indicators = page.locator('[data-testid="stDataFrame"]').first
    indicators.scroll_into_view_if_needed()
    click_row(page, indicators, 5)
    settle(page)
    no_errors(page)
    assert page.get_by_text("“响应率”背后的记录").count() == 1
    assert "ind=R_RESPONSE" in page.url
    records = page.locator('[data-testid="stDataFrame"]:visible').nth(1)
    records.scroll_into_view_if_needed()
    shot(page, "click_records")
    context.close()
