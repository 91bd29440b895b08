"""Hostile unit names and URL parameters through every page of the running dashboard,
read in real Chromium: no live link, no injected style, no crash.

The tiny city's bureau and branches get names with plotly markup (<a href>, <span
style>, <b>), a Markdown link, a bare URL, math ($…$) and a formula; the URL carries
a bare link as unit, scope and period.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator

import playwright.sync_api as playwright
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS
from test_browser import PAGES, QUERY, _free_port, _wait_for_port, settle

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
    db = tmp / "openness.db"
    url = f"sqlite:///{db}"
    openness = [sys.executable, "-m", "openness"]
    env = {**os.environ, "OPENNESS_DATA": str(tmp)}
    env.pop("OPENNESS_CONFIG", None)
    seed = ["seed", "--scale", "tiny", "--seed", "7", "--reference-date", "2026-06-30"]
    subprocess.run([*openness, *seed, "--db", url], check=True, env=env, capture_output=True)
    con = sqlite3.connect(db)
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
    port = _free_port()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*openness, "serve", "--port", str(port), "--db", url],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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


def test_hostile_names_and_urls_stay_text(server: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
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
        finally:
            browser.close()
