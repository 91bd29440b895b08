"""The choices survive a language switch (issue 19): in a real Chromium, the language is
switched and then another page opened, on every page in turn; the period (a quarter),
the unit and the level chosen stay as they were.

Streamlit's browser side keeps a select box's choice as its label and sends it back at
the next run, where the labels are the other language's: before the fix, 2026-Q1 fell
back to the first period type's option (2026-03) as soon as a page was opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import no_errors, seed_tiny, serving, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")

# a branch of the tiny city (seed 7), its stations below
START = "period=2026-Q1&asof=2026-06-30&scope=B01&level=station&lang=zh"
KEPT = {"period": "2026-Q1", "asof": "2026-06-30", "scope": "B01", "level": "station"}
QUARTER = {"zh": "2026年第一季度", "en": "2026 Q1"}
BRANCH = {"zh": "金水分局", "en": "Jinshui Branch"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("relabel")
    with serving(tmp, seed_tiny(tmp)) as base:
        yield base


def _choices(url: str) -> dict[str, str]:
    params = parse_qs(urlparse(url).query)
    return {k: params[k][0] for k in KEPT if k in params}


def _shown(sidebar: object) -> list[str]:
    """What the sidebar's select boxes show (each an input holding its option's label;
    a unit's label indented by its depth)."""
    boxes = sidebar.locator('[data-testid="stSelectbox"] input')  # type: ignore[attr-defined]
    return [boxes.nth(i).input_value().strip("\u3000") for i in range(boxes.count())]


def test_a_language_switch_then_another_page_keeps_every_choice(
    server: str, browser: object
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/?{START}")
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    links = page.locator('[data-testid="stSidebarNav"] a')
    paths = [urlparse(links.nth(i).get_attribute("href") or "").path for i in range(links.count())]
    assert len(paths) >= 10, paths  # every page of an administrator, the overview first
    lang = "zh"
    # the overview, then each page in turn: switch the language where we are, open the next
    for path in [*paths[1:], paths[0]]:
        lang = "en" if lang == "zh" else "zh"
        sidebar.get_by_text("English" if lang == "en" else "中文", exact=True).click()
        settle(page)
        page.locator(f'[data-testid="stSidebarNav"] a[href$="{path}"]').click()
        settle(page)
        assert urlparse(page.url).path == path, page.url
        assert _choices(page.url) == KEPT, (path, lang, page.url)
        # and the widgets show them, in the language now chosen
        shown = _shown(sidebar)
        assert QUARTER[lang] in shown and BRANCH[lang] in shown, (path, lang, shown)
        no_errors(page)
    context.close()
