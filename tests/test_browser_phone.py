"""A phone (issue 21): the Overview, Unit and Attention pages at 390 × 844 and 360 × 800 in
Chromium, in both languages, read without sideways scrolling.

For each page: the document is no wider than the window (``scrollWidth <= innerWidth``),
no element inside a table (st.dataframe) or a chart is wider than the window, and the
sidebar starts collapsed. The ranking shows rank, unit, score and signal, the indicator
table indicator, value and n; the rest of a row is behind a tap (its details). Screenshots
go to tests/artifacts/phone_*.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import QUERY, no_errors, seed_tiny, serving, settle, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")

PAGES = {
    "overview": "?",
    "unit": "unit?unit=B01&",
    "attention": "attention?",
}
SIZES = [(390, 844), (360, 800)]
# what every page shows (as OVERFLOW counts them): a table or a chart
TABLES = '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stPlotlyChart"]'
DETAILS = {"zh": "每行详情（全部列）", "en": "Row details (every column)"}

# what overflows the window: the document, and any element of a table or a chart
OVERFLOW = """() => {
  const w = window.innerWidth;
  const wide = [];
  const boxes = document.querySelectorAll(
    '[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stPlotlyChart"]');
  for (const box of boxes) {
    for (const el of [box, ...box.querySelectorAll('*')]) {
      const r = el.getBoundingClientRect();
      if (r.width > w + 0.5 || r.right > w + 0.5) {
        wide.push(`${box.dataset.testid} ${el.tagName}.${el.getAttribute('class')}: ${Math.round(r.left)}..${Math.round(r.right)}px`);
        break;
      }
    }
  }
  return {inner: w, scroll: document.documentElement.scrollWidth, wide, tables: boxes.length};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("phone")
    with serving(tmp, seed_tiny(tmp)) as base:
        yield base


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_pages_fit_a_phone(server: str, browser: object, lang: str) -> None:
    for width, height in SIZES:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN" if lang == "zh" else "en-US",
        )
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(f"{server}/{path}{QUERY}&lang={lang}")
            # every page shows a table or a chart: wait for one (on a busy machine the
            # page can read as not running before its first run has begun), then the run
            page.locator(TABLES).first.wait_for(state="attached", timeout=180_000)
            settle(page, 180_000)
            page.wait_for_timeout(800)  # the grids and charts lay out after the run
            no_errors(page)
            # the sidebar starts collapsed: the page is the reader's
            box = page.locator('[data-testid="stSidebar"]').bounding_box()
            assert box is None or box["x"] + box["width"] <= 0 or box["width"] < 2, (name, box)
            found = _settled_overflow(page)
            shot(page, f"phone_{name}_{width}_{lang}")
            # each visible table as the reader scrolls to it
            grids = page.locator('[data-testid="stDataFrame"]:visible')
            for i in range(min(grids.count(), 3)):
                grids.nth(i).scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                shot(page, f"phone_{name}_{width}_{lang}_table{i}")
            assert found["tables"] > 0, name
            assert found["scroll"] <= found["inner"], (name, width, found)
            assert found["wide"] == [], (name, width, found)
        # the rest of a ranking row behind a tap: its details, still within the width
        page.goto(f"{server}/?{QUERY}&lang={lang}")
        settle(page)
        page.get_by_text(DETAILS[lang]).first.click()
        settle(page)
        page.wait_for_timeout(800)
        details = page.locator('[data-testid="stExpanderDetails"]:visible').first
        details.scroll_into_view_if_needed()
        shot(page, f"phone_overview_{width}_{lang}_details")
        assert details.locator('[data-testid="stDataFrame"]').count() == 1
        found = _settled_overflow(page)
        assert found["scroll"] <= found["inner"] and found["wide"] == [], (width, found)
        context.close()


def _settled_overflow(page: object) -> dict[str, object]:
    """:data:`OVERFLOW` once the grids and charts have taken their width (they lay out
    after the run has finished: a measure too early can see a grid mid-resize)."""
    found: dict[str, object] = {}
    for _ in range(4):
        found = page.evaluate(OVERFLOW)  # type: ignore[attr-defined]
        if found["scroll"] <= found["inner"] and not found["wide"]:  # type: ignore[operator]
            return found
        page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    return found
