"""Hostile unit names and URL parameters through every page of the running dashboard,
read in real Chromium: no live link, no injected style, no crash.

The tiny city's bureau and branches get names with plotly markup (<a href>, <span
style>, <b>), a Markdown link, a bare URL, math ($…$) and a formula; the URL carries
a bare link as unit, scope and period.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import playwright.sync_api as playwright
import pytest
from browser_support import QUERY, seed_tiny, serving, settle
from test_browser import PAGES

pytestmark = pytest.mark.browser

NAMES = (
    '<a href="https://evil.example/a">点我</a>',
    '<span style="font-size:80px;color:red">大</span>',
    "<b>粗</b> https://evil.example/login",
    "[链接](https://evil.example/md) $x^2$ 与 $y$",
)
EVIL = "https://evil.example/login"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("hostile")
    url = seed_tiny(tmp)
    con = sqlite3.connect(tmp / "openness.db")
    ids = [
        r[0]
        for r in con.execute(
            "SELECT unit_id FROM units WHERE level IN ('bureau', 'branch') ORDER BY unit_id"
        )
    ]
    for uid, name in zip(ids, NAMES, strict=False):
        con.execute("UPDATE units SET name = ?, name_en = ? WHERE unit_id = ?", (name, name, uid))
    con.commit()
    con.close()
    with serving(tmp, url) as base:
        yield base


def _inert(page: playwright.Page, where: str) -> None:
    injected = '[style*="font-size:80px"], [style*="font-size: 80px"]'
    for selector in ('a[href*="evil.example"]', injected):
        found = page.locator(selector)
        described = [
            found.nth(i).evaluate(
                "a => { let t = []; for (let e = a; e; e = e.parentElement) "
                "{ if (e.dataset && e.dataset.testid) t.push(e.dataset.testid); "
                "else if (e.classList && e.classList.length) t.push(e.classList[0]); } "
                "return a.outerHTML.slice(0, 200) + ' in ' + t.slice(0, 8).join('<'); }"
            )
            for i in range(found.count())
        ]
        assert described == [], where
    assert page.locator("b:has-text('粗'), strong:has-text('粗')").count() == 0, where
    assert page.locator('[data-testid="stException"]').count() == 0, where


def test_hostile_names_and_urls_stay_text(server: str, browser: playwright.Browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 2200})
    for lang in ("zh", "en"):
        for name in (*PAGES, "public_preview"):
            page.goto(f"{server}/{name}?{QUERY}&lang={lang}")
            settle(page)
            _inert(page, f"{name} {lang}")
    for query in (
        f"unit?{QUERY}&unit={EVIL}",
        f"?{QUERY}&scope={EVIL}",
        f"?period={EVIL}&asof=2026-06-30",
        f"unit?{QUERY}&scope={EVIL}&unit={EVIL}",
    ):
        page.goto(f"{server}/{query}")
        settle(page)
        _inert(page, query)
        # the reflected text is shown, as text
        assert "evil.example" in page.content(), query
    page.close()
